"""WordLevel tokenizer of the mini world (Hugging Face tokenizers JSON format, written by hand).

Rules (mirrored by the Java side):
  1. lower-case the text;
  2. split with the regex ``\\w+|[^\\w\\s]+`` (the Hugging Face ``Whitespace`` pre-tokenizer);
  3. map each piece through the vocabulary, unknown pieces -> ``[UNK]``;
  4. keep the first ``L - 2`` pieces, wrap as ``[BOS] pieces [EOS]``;
  5. right-pad with ``[PAD]`` (id 0) to ``L`` = 16.
The null caption (classifier-free guidance, caption dropout) is ``L`` x ``[PAD]``.
"""
from __future__ import annotations

import json
import os
import re
from typing import Dict, List, Sequence

import numpy as np

from world import CONCEPT, COUNTS, PLURAL, RELATIONS, ROOT, SIZES, SLOT_PHRASE, COLORS, SHAPES, W

SPECIAL = ["[PAD]", "[UNK]", "[BOS]", "[EOS]"]
PAD, UNK, BOS, EOS = 0, 1, 2, 3
L: int = int(W["tokenizer"]["max_length"])
_SPLIT = re.compile(r"\w+|[^\w\s]+")
TOKENIZER_PATH = os.path.join(ROOT, "tokenizer.json")


def build_vocab() -> Dict[str, int]:
    words: List[str] = ["a"]
    words += [c["word"] for n, c in sorted(COUNTS.items()) if c["word"] not in words]
    words += list(SIZES) + list(COLORS)
    for s in SHAPES:
        words += [s, PLURAL[s]]
    for d in CONCEPT["synonyms"] + CONCEPT["obfuscations"]:
        words += [d["word"], d["plural"]]
    for ph in SLOT_PHRASE.values():
        words += ph.split()
    for r in RELATIONS.values():
        words += r["words"].split()
    vocab: Dict[str, int] = {t: i for i, t in enumerate(SPECIAL)}
    for w in words:
        if w not in vocab:
            vocab[w] = len(vocab)
    return vocab


VOCAB = build_vocab()


def pieces(text: str) -> List[str]:
    return _SPLIT.findall(text.lower())


def encode(text: str) -> List[int]:
    ids = [VOCAB.get(p, UNK) for p in pieces(text)][: L - 2]
    ids = [BOS] + ids + [EOS]
    return ids + [PAD] * (L - len(ids))


def encode_batch(texts: Sequence[str]) -> np.ndarray:
    return np.array([encode(t) for t in texts], dtype=np.int64)


def null_ids() -> List[int]:
    return [PAD] * L


def tokenizer_json() -> dict:
    added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i, t in enumerate(SPECIAL)]
    return {
        "version": "1.0",
        "truncation": {"direction": "Right", "max_length": L, "strategy": "LongestFirst", "stride": 0},
        "padding": {"strategy": {"Fixed": L}, "direction": "Right", "pad_to_multiple_of": None,
                    "pad_id": PAD, "pad_type_id": 0, "pad_token": "[PAD]"},
        "added_tokens": added,
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[BOS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[EOS]", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "[BOS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "[EOS]", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "[EOS]", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [VOCAB[t]], "tokens": [t]} for t in ["[BOS]", "[EOS]"]},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": VOCAB, "unk_token": "[UNK]"},
    }


def write_tokenizer(path: str = TOKENIZER_PATH) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(), f, indent=1)
        f.write("\n")
