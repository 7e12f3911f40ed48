"""Stable Diffusion's text contract for the mini world's text models: CLIP BPE ids [B, 77] in.

The text encoders and clip_text are trained on the mini world's word-level ids (tokenizer.py). Their exported graphs take
what Stable Diffusion's text encoder takes, the CLIP BPE ids of the ``tokenizer/`` folder (clip_vocabulary.py)
as a diffusers pipeline passes them: ``<|startoftext|>``, up to 75 content ids, ``<|endoftext|>``, padding
(49407 or 0; everything after the first end token is ignored). ``ClipWordFront``, the first part of each
graph, turns that row back into the word-level row the encoder was trained on, exactly as tokenizer.encode
would for the same caption:

  * a word is a run of BPE tokens up to one that ends a CLIP pre-token (``</w>``); because CLIP splits digits
    into pre-tokens of their own, a digit joins the word before it, and so does a plural ``s`` right after a
    digit ("sku11s" is sku|1|1|s to CLIP, one word to the mini world);
  * a word whose token run is a mini-world word becomes that word's id, any other word ``[UNK]``;
  * the first L - 2 words are kept and wrapped as ``[BOS] words [EOS]``, padded with ``[PAD]``;
  * in the text encoders, a row with no words (the empty prompt, diffusers' unconditional input) becomes the
    null caption, ``L`` x ``[PAD]``, the unconditional input the denoiser was trained with; clip_text reads
    it as ``[BOS] [EOS]``, as the word-level tokenizer encodes the empty text.

Texts off the mini world's grammar can differ from tokenizer.encode where CLIP's pre-tokens and the
word-level split disagree (CLIP cannot tell "sku11 s" from "sku11s"); every caption the grammar makes maps
exactly (checked by check_front below and by the Java tests).
"""
from __future__ import annotations

from typing import Dict, List, Tuple

import torch
import torch.nn as nn

import clip_vocabulary as CV
import tokenizer as TK

CLIP_VOCAB_SIZE = 49_408
START_ID, END_ID = 49_406, 49_407


class ClipWordFront(nn.Module):
    """CLIP BPE ids [B, T] -> the mini world's word-level ids [B, L] (see the module docstring)."""

    def __init__(self, vocab: Dict[str, int], words: Dict[str, List[int]], word_vocab: Dict[str, int], length: int,
                 empty_is_null: bool = True) -> None:
        super().__init__()
        self.empty_is_null = empty_is_null
        ends = torch.zeros(CLIP_VOCAB_SIZE, dtype=torch.bool)
        digits = torch.zeros(CLIP_VOCAB_SIZE, dtype=torch.bool)
        for tok, i in vocab.items():
            ends[i] = tok.endswith("</w>")
            digits[i] = len(tok) == 5 and tok[0].isdigit() and tok.endswith("</w>")
        self.register_buffer("ends", ends)
        self.register_buffer("digits", digits)
        self.plural_s = vocab["s</w>"]
        self.k = max(len(v) for v in words.values())
        seqs = torch.full((len(words), self.k), -1, dtype=torch.long)
        for r, ids in enumerate(words.values()):
            seqs[r, : len(ids)] = torch.tensor(ids[::-1])  # last token first: column j is the token j before the end
        self.register_buffer("seqs", seqs)
        self.register_buffer("used", seqs >= 0)
        self.register_buffer("last", torch.tensor([len(v) - 1 for v in words.values()]))
        self.register_buffer("word_id", torch.tensor([float(word_vocab[w]) for w in words]))
        self.length = length

    @staticmethod
    def _back(x: torch.Tensor, j: int, fill: int = 0) -> torch.Tensor:
        """x shifted so that position t holds x[t - j] (fill, or False, where t < j)."""
        if j == 0:
            return x
        pad = torch.zeros_like(x[:, :j]) if x.dtype == torch.bool else torch.full_like(x[:, :j], fill)
        return torch.cat([pad, x[:, :-j]], dim=1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        t = ids.shape[1]
        pos = torch.arange(t, device=ids.device).unsqueeze(0)
        before_end = torch.cumsum((ids == END_ID).long(), dim=1) == 0
        valid = before_end & (pos >= 1) & (ids != START_ID) & (ids >= 0) & (ids < CLIP_VOCAB_SIZE)
        safe = torch.where(valid, ids, torch.zeros_like(ids))
        ends = self.ends[safe] & valid
        digit = self.digits[safe] & valid
        prev_valid = self._back(valid, 1)
        glued = valid & prev_valid & (digit | ((ids == self.plural_s) & self._back(digit, 1)))
        next_glued = torch.cat([glued[:, 1:], torch.zeros_like(glued[:, :1])], dim=1)
        boundary = ends & ~next_glued
        starts = valid & (~prev_valid | self._back(boundary, 1))
        # A word ending at t is word v when the k tokens before t equal v's tokens and the first of them starts a word.
        back_ids = torch.stack([self._back(ids, j, -2) for j in range(self.k)], dim=-1)          # [B,T,K]
        back_starts = torch.stack([self._back(starts, j) for j in range(self.k)], dim=-1)  # [B,T,K]
        same = (back_ids.unsqueeze(2) == self.seqs) | ~self.used                                 # [B,T,V,K]
        starts_there = back_starts[:, :, self.last]                                               # [B,T,V]
        match = same.all(dim=-1) & starts_there & boundary.unsqueeze(-1)
        known = match.any(dim=-1)
        word = torch.where(known, match.float() @ self.word_id, torch.full_like(known, TK.UNK, dtype=torch.float))
        index = torch.cumsum(boundary.long(), dim=1) - boundary.long()
        keep = boundary & (index < self.length - 2)
        slot = torch.arange(self.length, device=ids.device)
        place = (keep.unsqueeze(-1) & ((index + 1).unsqueeze(-1) == slot)).float()               # [B,T,L]
        row = torch.einsum("bt,btl->bl", word * keep.float(), place)
        n = keep.long().sum(dim=1, keepdim=True)
        row = torch.where(slot == 0, torch.full_like(row, TK.BOS), row)
        row = torch.where(slot == n + 1, torch.full_like(row, TK.EOS), row)
        row = torch.where(slot > n + 1, torch.full_like(row, TK.PAD), row)
        if self.empty_is_null:
            row = torch.where(n == 0, torch.full_like(row, TK.PAD), row)
        return row.long()


def new_front(empty_is_null: bool = True, folder: str = CV.FOLDER) -> ClipWordFront:
    """The text encoders' front (the empty prompt is the null caption) or, empty_is_null=False, clip_text's
    (the empty prompt is ``[BOS] [EOS]``, as the word-level tokenizer encodes it)."""
    vocab, _ = CV.read_folder(folder)
    return ClipWordFront(vocab, CV.word_ids(folder), TK.VOCAB, TK.L, empty_is_null)


def clip_rows(texts: List[str], folder: str = CV.FOLDER) -> List[List[int]]:
    """Texts' CLIP model inputs as a diffusers pipeline makes them (mini-world texts: lower-case words)."""
    vocab, ranks = CV.read_folder(folder)
    rows = []
    for text in texts:
        row = [START_ID] + CV.text_ids(text, vocab, ranks)[: CV.CONTEXT_LENGTH - 2] + [END_ID]
        rows.append(row + [END_ID] * (CV.CONTEXT_LENGTH - len(row)))
    return rows


def grammar_captions(per_kind: int = 400, seed: int = 0) -> List[str]:
    """Distinct captions of every stratum and of the training distribution, plus edge cases."""
    import numpy as np
    import world as WD
    rng = np.random.default_rng(seed)
    caps = {WD.caption_of(WD.sample_stratum(rng, s)) for s in WD.STRATA for _ in range(per_kind)}
    caps |= {WD.caption_of(WD.sample_train_spec(rng)) for _ in range(per_kind * 8)}
    edge = ["", "   ", "A Red Circle, on the LEFT!", "a purple blob", "two sku11s on the left", "a white sku11 at the top",
            "a red circle on the left " * 4]
    return sorted(caps) + edge


def check_front(front: ClipWordFront, captions: List[str], folder: str = CV.FOLDER) -> Tuple[int, List[str]]:
    """Captions whose front row differs from tokenizer.encode (or from the null caption, for the empty one)."""
    rows = front(torch.tensor(clip_rows(captions, folder)))
    bad = []
    for c, r in zip(captions, rows.tolist()):
        want = TK.null_ids() if front.empty_is_null and not TK.pieces(c) else TK.encode(c)
        if r != want:
            bad.append(f"{c!r}: {r} != {want}")
    return len(captions), bad
