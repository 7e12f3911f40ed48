"""Deterministic answer function: (reader outputs, question) -> answer. The Java side mirrors this exactly.

Reader outputs for one image (slot order = world.json slots[]; class orders = world.json lists):
  shape_logits [S, 1 + #shapes]  index 0 = empty slot, index k = shapes[k-1]
  color_logits [S, #colors]
  size_logits  [S, #sizes]
Scene graph: for each slot s in order, k = argmax shape_logits[s] (ties -> lowest index); if k > 0 the
slot holds an object (shape = shapes[k-1], color = colors[argmax color_logits[s]],
size = sizes[argmax size_logits[s]], x/y = the slot's coordinates).
Questions carry an op and args (see world.json questions.ops); answers are strings.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

import numpy as np

from world import COLORS, RELATIONS, SHAPES, SIZES, SLOT_XY, SLOTS


def scene_from_outputs(shape_logits: np.ndarray, color_logits: np.ndarray, size_logits: np.ndarray) -> List[dict]:
    objs = []
    for i, slot in enumerate(SLOTS):
        k = int(np.argmax(shape_logits[i]))
        if k == 0:
            continue
        objs.append({"shape": SHAPES[k - 1], "color": COLORS[int(np.argmax(color_logits[i]))],
                     "size": SIZES[int(np.argmax(size_logits[i]))], "slot": slot,
                     "x": SLOT_XY[slot][0], "y": SLOT_XY[slot][1]})
    return objs


def _matches(o: dict, f: Dict[str, str]) -> bool:
    return o["shape"] == f["shape"] and ("color" not in f or o["color"] == f["color"])


def _first(objs: Sequence[dict], f: Dict[str, str]) -> Optional[dict]:
    for o in objs:
        if _matches(o, f):
            return o
    return None


def answer(objs: Sequence[dict], q: dict) -> str:
    op, a = q["op"], q["args"]
    if op == "exists":
        return "yes" if _first(objs, a) is not None else "no"
    if op == "count":
        return str(sum(1 for o in objs if _matches(o, a)))
    if op == "color_of":
        o = _first(objs, {"shape": a["shape"]})
        return o["color"] if o else "none"
    if op == "shape_of":
        for o in objs:
            if o["color"] == a["color"]:
                return o["shape"]
        return "none"
    if op == "position_of":
        o = _first(objs, a)
        return o["slot"] if o else "none"
    if op == "size_of":
        o = _first(objs, a)
        return o["size"] if o else "none"
    if op == "relation":
        oa, ob = _first(objs, a["a"]), _first(objs, a["b"])
        if oa is None or ob is None or oa is ob:
            return "no"
        rel = a["rel"]
        ok = {"left_of": oa["x"] < ob["x"], "right_of": oa["x"] > ob["x"],
              "above": oa["y"] < ob["y"], "below": oa["y"] > ob["y"]}[rel]
        return "yes" if ok else "no"
    raise ValueError(op)


def scene_from_objects(objects) -> List[dict]:
    """Ground-truth scene graph of rendered objects (same form as scene_from_outputs)."""
    by_slot = {o.slot: o for o in objects}
    return [{"shape": by_slot[s].shape, "color": by_slot[s].color, "size": by_slot[s].size, "slot": s,
             "x": SLOT_XY[s][0], "y": SLOT_XY[s][1]} for s in SLOTS if s in by_slot]
