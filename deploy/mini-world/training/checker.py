"""Analytic pixel checker: parses an image (generated or rendered) back into objects without any learned model.

Steps: foreground = max channel > 0.35; each foreground pixel gets the nearest palette colour by
chromaticity (pixel / max channel); 8-connected components per colour with >= 5 pixels are objects.
Per object: colour = its label; slot = nearest slot centre to its bounding-box centre; size = small
when max(bbox h, bbox w) < 10.5 px; shape from the filled silhouette: dark holes -> face/skull (skull
when the silhouette is taller than wide or the holes are large), else square / triangle / circle by
bounding-box fill and upper-half mass.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional

import numpy as np
from scipy import ndimage

from world import COLORS, COLOR_RGB, CONCEPT_SHAPE, SLOT_XY, SLOTS, RELATIONS, Spec

_PAL = np.array([COLOR_RGB[c] for c in COLORS], dtype=np.float32)
_PAL = _PAL / _PAL.max(axis=1, keepdims=True)
_EIGHT = np.ones((3, 3), dtype=bool)


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
    if fill > 0.86:
        return "square"
    if fill < 0.62 or upper < 0.42:
        return "triangle"
    return "circle"


def parse(img: np.ndarray, min_area: int = 5) -> List[Found]:
    """img: float [3,32,32] in [0,1]."""
    m = img.max(axis=0)
    fg = m > 0.35
    chroma = img / np.maximum(m, 1e-6)[None]
    d = ((chroma[None, :, :, :] - _PAL[:, :, None, None]) ** 2).sum(axis=1)
    lab = d.argmin(axis=0)
    out: List[Found] = []
    for ci, cname in enumerate(COLORS):
        mask = fg & (lab == ci)
        if mask.sum() < min_area:
            continue
        cc, n = ndimage.label(mask, structure=_EIGHT)
        for k in range(1, n + 1):
            comp = cc == k
            a = int(comp.sum())
            if a < min_area:
                continue
            ys, xs = np.nonzero(comp)
            cy, cx = (ys.min() + ys.max()) / 2.0, (xs.min() + xs.max()) / 2.0
            slot = min(SLOTS, key=lambda s: (SLOT_XY[s][0] - 0.5 - cx) ** 2 + (SLOT_XY[s][1] - 0.5 - cy) ** 2)
            ext = max(ys.max() - ys.min() + 1, xs.max() - xs.min() + 1)
            out.append(Found(_shape(comp, m), cname, "small" if ext < 10.5 else "large", slot, cx, cy, a))
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
