"""The mini world's CLIP tokenizer folder: CLIP's byte-level BPE restricted to the mini world's words.

Stable Diffusion's text encoder takes CLIP BPE ids ``[B, 77]`` from a diffusers ``tokenizer/`` folder
(``vocab.json`` + ``merges.txt``). The mini world ships the same kind of folder, but holding only what its
words need: the 512 byte symbols (so any text still tokenizes), the merges that CLIP's BPE applies to the
mini world's words (in CLIP's rank order) with the tokens they make, and the two special tokens, all with
CLIP's own ids. Every mini-world word therefore gets exactly CLIP's ids, and BPE with this subset of merges
gives the same result as with all of them (each merge it applies is also the lowest-ranked one present).

Built from openai's ``bpe_simple_vocab_16e6.txt.gz`` (MIT, see ``LICENSE``) by
``python3 clip_vocabulary.py PATH/bpe_simple_vocab_16e6.txt.gz``, with the vocabulary code of
deploy/sd-tiny/make_sd_tiny.py.
"""
from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from world import ROOT

sys.path.insert(0, os.path.join(os.path.dirname(ROOT), "sd-tiny"))
import make_sd_tiny as SD  # noqa: E402  (CLIP's vocabulary order, BPE and folder format)

FOLDER = os.path.join(ROOT, "tokenizer")
CONTEXT_LENGTH = SD.MAX_POSITIONS
# The mini world's texts are lower-case ASCII words and digits: CLIP's pre-tokenizer splits them into runs
# of letters and single digits (its \p{L}+ and \p{N} alternatives).
PIECES = re.compile(r"[a-z]+|[0-9]|[^\sa-z0-9]+")


_BYTE_SYMBOLS = SD.bytes_to_unicode()


def _symbols(piece: str) -> str:
    return "".join(_BYTE_SYMBOLS[b] for b in piece.encode("utf-8"))


def build(gz_path: str, words: List[str]) -> Tuple[Dict[str, int], List[Tuple[str, str]]]:
    """The subset vocabulary and its merges (CLIP's rank order)."""
    merges = SD.read_merges(Path(gz_path))
    vocab = SD.clip_vocabulary(merges)
    ranks = {m: r for r, m in enumerate(merges)}
    keep = {t for t, i in vocab.items() if i < 512 or t in ("<|startoftext|>", "<|endoftext|>")}
    used: List[Tuple[str, str]] = []
    for w in words:
        for piece in PIECES.findall(w):
            keep.update(SD.bpe(_symbols(piece), ranks, used))
    keep.update(a + b for a, b in used)
    sub_merges = [m for m in merges if m in set(used)]
    return {t: i for t, i in vocab.items() if t in keep}, sub_merges


def read_folder(folder: str = FOLDER) -> Tuple[Dict[str, int], Dict[Tuple[str, str], int]]:
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        merges = [tuple(line.split()) for line in f.read().split("\n")[1:] if line]
    return vocab, {m: r for r, m in enumerate(merges)}  # type: ignore[misc]


def text_ids(text: str, vocab: Dict[str, int], ranks: Dict[Tuple[str, str], int]) -> List[int]:
    """A mini-world text's CLIP ids (no start/end tokens)."""
    return [vocab[t] for piece in PIECES.findall(text.lower()) for t in SD.bpe(_symbols(piece), ranks)]


def word_ids(folder: str = FOLDER) -> Dict[str, List[int]]:
    """Each mini-world word's CLIP ids, tokenized with the shipped folder."""
    import tokenizer as TK
    vocab, ranks = read_folder(folder)
    return {w: text_ids(w, vocab, ranks) for w in TK.VOCAB if w not in TK.SPECIAL}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: clip_vocabulary.py PATH/bpe_simple_vocab_16e6.txt.gz")
    import tokenizer as TK
    sub_vocab, sub_merges = build(sys.argv[1], [w for w in TK.VOCAB if w not in TK.SPECIAL])
    SD.write_tokenizer(Path(FOLDER), sub_merges, sub_vocab)
    print(f"{FOLDER}: {len(sub_vocab)} vocabulary entries, {len(sub_merges)} merges")
    for w, ids in word_ids().items():
        print(f"{w:12s} {ids}")
