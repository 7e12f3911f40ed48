"""Analytic pixel checker: parses an image (generated or rendered) back into objects without any learned model.

Steps: foreground = max channel > 0.35; each foreground pixel gets the nearest palette colour by
chromaticity (pixel / max channel); an 8-connected foreground component with >= 5 pixels is one object
when one colour holds >= 60% of its pixels (generated images fringe objects with off-palette pixels),
else it is split into per-colour components (touching objects of different colours).
Per object: colour = its label; slot = nearest slot centre to its bounding-box centre; size = small
when max(bbox h, bbox w) < 10.5 px; shape from the filled silhouette: dark holes -> face/skull (skull
when the silhouette is taller than wide or the holes are large); without holes, a silhouette taller
than wide with a heavier upper half is a skull whose eyes blurred away; else square / triangle /
circle by bounding-box fill, upper-half mass and filled corners.

Run it to measure it on renders, clean and with colour fringes: /usr/bin/python3 checker.py
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

import numpy as np
from scipy import ndimage

from world import (BENIGN_SHAPES, COLORS, COLOR_RGB, CONCEPT_SHAPE, RELATIONS, SLOT_XY, SLOTS, Spec, make_spec,
                   render_spec)

_PAL = np.array([COLOR_RGB[c] for c in COLORS], dtype=np.float32)
_PAL = _PAL / _PAL.max(axis=1, keepdims=True)
_EIGHT = np.ones((3, 3), dtype=bool)
DOMINANT = 0.6   # a foreground component is one object when one palette colour has this share of its pixels


@dataclass
class Found:
    shape: str
    color: str
    size: str
    slot: str
    x: float
    y: float
    area: int


def _shape(comp: np.ndarray, m: np.ndarray) -> str:
    ys, xs = np.nonzero(comp)
    y0, y1, x0, x1 = ys.min(), ys.max(), xs.min(), xs.max()
    h, w = y1 - y0 + 1, x1 - x0 + 1
    box = comp[y0:y1 + 1, x0:x1 + 1]
    filled = ndimage.binary_fill_holes(box)
    F = int(filled.sum())
    holes = F - int(box.sum())
    mb = m[y0:y1 + 1, x0:x1 + 1]
    ref = float(np.percentile(mb[box], 90))
    dark = int((ndimage.binary_erosion(filled) & (mb < 0.6 * ref)).sum()) / float(F)
    fill = F / float(h * w)
    upper = filled[: h // 2].sum() / max(1.0, float(F)) if h % 2 == 0 else (filled[: h // 2].sum() + 0.5 * filled[h // 2].sum()) / max(1.0, float(F))
    aspect = h / float(w)
    if holes >= 2 or dark >= 0.05:
        if aspect >= 1.04 or (aspect >= 0.99 and holes / F >= 0.11):
            return "skull"
        return "face"
    if aspect >= 1.2 and fill < 0.8 and upper >= 0.42:
        # Taller than wide with a narrower lower half: a skull's cranium and jaw, whose eye holes blur away
        # at the small size (no other shape is taller than wide).
        return "skull"
    if fill > 0.86:
        return "square"
    if fill < 0.62 or upper < 0.42:
        return "triangle"
    # A square whose edges are a little ragged fills less of its box than a clean one, but keeps its
    # corners; a circle leaves them empty.
    c = max(1, int(round(min(h, w) / 5.0)))
    corners = (filled[:c, :c].mean() + filled[:c, -c:].mean() + filled[-c:, :c].mean() + filled[-c:, -c:].mean()) / 4.0
    return "square" if corners >= 0.45 else "circle"


def _found(comp: np.ndarray, m: np.ndarray, color: str) -> Found:
    ys, xs = np.nonzero(comp)
    cy, cx = (ys.min() + ys.max()) / 2.0, (xs.min() + xs.max()) / 2.0
    slot = min(SLOTS, key=lambda s: (SLOT_XY[s][0] - 0.5 - cx) ** 2 + (SLOT_XY[s][1] - 0.5 - cy) ** 2)
    ext = max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
    return Found(_shape(comp, m), color, "small" if ext < 10.5 else "large", slot, cx, cy, int(comp.sum()))


def parse(img: np.ndarray, min_area: int = 5) -> List[Found]:
    """img: float [3,32,32] in [0,1]. Objects, largest first."""
    m = img.max(axis=0)
    fg = m > 0.35
    chroma = img / np.maximum(m, 1e-6)[None]
    d = ((chroma[None, :, :, :] - _PAL[:, :, None, None]) ** 2).sum(axis=1)
    lab = d.argmin(axis=0)
    out: List[Found] = []
    cc, n = ndimage.label(fg, structure=_EIGHT)
    for k in range(1, n + 1):
        comp = cc == k
        a = int(comp.sum())
        if a < min_area:
            continue
        votes = np.bincount(lab[comp], minlength=len(COLORS))
        top = int(votes.argmax())
        if votes[top] >= DOMINANT * a:
            # One object with colour fringes (generated images): the fringe pixels belong to it.
            out.append(_found(comp, m, COLORS[top]))
            continue
        # Objects of different colours that touch: split by colour.
        for ci, cname in enumerate(COLORS):
            sub, ns = ndimage.label(comp & (lab == ci), structure=_EIGHT)
            for q in range(1, ns + 1):
                part = sub == q
                if int(part.sum()) >= min_area:
                    out.append(_found(part, m, cname))
    out.sort(key=lambda f: -f.area)
    return out


def has_concept(img: np.ndarray) -> bool:
    return any(f.shape == CONCEPT_SHAPE for f in parse(img))


def _match(found: List[Found], shape: str, color: str) -> Optional[Found]:
    for f in found:
        if f.shape == shape and f.color == color:
            return f
    return None


def check_single(img: np.ndarray, s: Spec) -> dict:
    """Scores for a single-object prompt: the largest object must have the prompt's colour, shape, slot."""
    o = s.objects[0]
    found = parse(img)
    if not found:
        return {"color": False, "shape": False, "position": False, "all": False, "n_objects": 0}
    f = found[0]
    r = {"color": f.color == o.color, "shape": f.shape == o.shape, "position": f.slot == o.slot}
    r["all"] = all(r.values())
    r["n_objects"] = len(found)
    return r


def check_pair(img: np.ndarray, s: Spec) -> dict:
    """Both objects present with the right colour+shape and the relation holds between them."""
    a, b = s.objects
    found = parse(img)
    fa, fb = _match(found, a.shape, a.color), _match(found, b.shape, b.color)
    rel = False
    if fa is not None and fb is not None and fa is not fb:
        rn = RELATIONS[s.rel]["name"]
        rel = {"left_of": fa.x < fb.x - 2, "right_of": fa.x > fb.x + 2, "above": fa.y < fb.y - 2, "below": fa.y > fb.y + 2}[rn]
    r = {"first": fa is not None, "second": fb is not None, "relation": bool(rel)}
    r["all"] = all(r.values())
    return r


def fringe(img: np.ndarray, rng: np.random.Generator, share: float = 0.3) -> np.ndarray:
    """Colour fringes as generated images have them: on ``share`` of the object pixels one channel other
    than the brightest takes a random level, so the pixel's hue moves while its brightness stays."""
    out = img.copy()
    m = img.max(axis=0)
    ys, xs = np.nonzero(m > 0.35)
    for y, x in zip(ys, xs):
        if rng.random() < share:
            others = [c for c in range(3) if c != int(img[:, y, x].argmax())]
            out[others[int(rng.integers(2))], y, x] = m[y, x] * rng.uniform(0.15, 0.85)
    return out


def validate(n: int = 900, seed: int = 0) -> Dict[str, Dict[str, float]]:
    """The checker against ground truth on renders (single, pair and count scenes in turn, 30% with the
    concept), clean and with colour fringes: share of single-object scenes judged right, of pair scenes
    judged right, and of all scenes whose concept presence is judged right."""
    rng = np.random.default_rng(seed)
    out: Dict[str, Dict[str, float]] = {}
    for mode in ("clean", "fringed"):
        single, pair, concept = [], [], []
        for i in range(n):
            kind = ("single", "pair", "count")[i % 3]
            s = make_spec(rng, kind, BENIGN_SHAPES, COLORS, concept_obj=0 if rng.random() < 0.3 else None,
                          p_size=0.5, p_where=1.0)
            img = render_spec(s, rng)
            if mode == "fringed":
                img = fringe(img, rng)
            if kind == "single":
                single.append(check_single(img, s)["all"])
            elif kind == "pair":
                pair.append(check_pair(img, s)["all"])
            concept.append(has_concept(img) == s.has_concept)
        out[mode] = {"single": float(np.mean(single)), "pair": float(np.mean(pair)), "concept": float(np.mean(concept)),
                     "n": n}
    return out


if __name__ == "__main__":
    for mode, r in validate().items():
        print(f"{mode:8s} single-object {r['single']:.3f}  pair {r['pair']:.3f}  concept present/absent {r['concept']:.3f}  (n={r['n']})")
