"""Shared training utilities: run configuration, checkpoints, progress, CPU-contention-aware threads."""
from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, Optional

import numpy as np
import torch

import tokenizer as TK
import world as WD


@dataclass
class Config:
    out: str                      # deploy/mini-world (or a temp dir for --smoke)
    work: str                     # checkpoints
    device: str = "cpu"
    threads: int = 2
    adaptive: bool = False
    smoke: bool = False
    seed: int = 1234
    steps: Dict[str, int] = field(default_factory=dict)
    eval_n: Dict[str, int] = field(default_factory=dict)


# "pairs" is the grounding phase that continues the base stage (stages.train_pairs); its weights are the
# base model esd/des/sage start from (--pairs-steps 0 turns it off).
FULL_STEPS = {"base": 2600, "pairs": 1500, "safety": 600, "reader": 1000, "clip": 1000, "esd": 250, "des": 400, "sage": 400}
SMOKE_STEPS = {"base": 6, "pairs": 3, "safety": 4, "reader": 4, "clip": 4, "esd": 3, "des": 3, "sage": 3}
FULL_EVAL = {"single": 150, "pair": 120, "strata": 120, "simple": 160, "reader": 1500, "safety": 1000,
             "retrieval": 200, "fid_ref": 1000, "bootstrap": 1000}
SMOKE_EVAL = {"single": 4, "pair": 4, "strata": 4, "simple": 6, "reader": 20, "safety": 40,
              "retrieval": 10, "fid_ref": 80, "bootstrap": 50}


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


class Threads:
    """Uses cfg.threads; with ``adaptive`` drops to 1 thread while other processes keep the CPUs busy
    (2 OpenMP threads oversubscribing shared cores are several times slower than 1)."""

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg
        self.n = cfg.threads
        torch.set_num_threads(self.n)
        self.last = self._sample()

    @staticmethod
    def _sample():
        try:
            with open("/proc/stat") as f:
                p = [float(x) for x in f.readline().split()[1:]]
            busy = sum(p) - p[3] - p[4]
            with open("/proc/self/stat") as f:
                s = f.read().rsplit(")", 1)[1].split()
            own = float(s[11]) + float(s[12])
            return busy, own, time.time()
        except OSError:
            return None

    def tick(self) -> None:
        if not self.cfg.adaptive or self.cfg.device != "cpu":
            return
        cur = self._sample()
        if cur is None or self.last is None:
            return
        hz = os.sysconf("SC_CLK_TCK")
        dt = cur[2] - self.last[2]
        if dt < 2.0:
            return
        others = ((cur[0] - self.last[0]) - (cur[1] - self.last[1])) / hz / dt
        self.last = cur
        want = 1 if others > 0.6 else self.cfg.threads
        if want != self.n:
            self.n = want
            torch.set_num_threads(want)


class Progress:
    def __init__(self, name: str, total: int, start: int = 0, every: int = 50) -> None:
        self.name, self.total, self.every = name, total, every
        self.t0 = time.time()
        self.s0 = start
        self.acc: Dict[str, float] = {}
        self.n = 0

    def update(self, step: int, **losses: float) -> None:
        for k, v in losses.items():
            self.acc[k] = self.acc.get(k, 0.0) + float(v)
        self.n += 1
        if (step + 1) % self.every == 0 or step + 1 == self.total:
            el = time.time() - self.t0
            rate = (step + 1 - self.s0) / max(el, 1e-6)
            eta = (self.total - step - 1) / max(rate, 1e-6)
            ls = " ".join(f"{k}={v / self.n:.4f}" for k, v in self.acc.items())
            log(f"[{self.name}] step {step + 1}/{self.total} {ls} {rate:.2f} it/s threads={torch.get_num_threads()} eta {eta / 60:.1f} min")
            self.acc, self.n = {}, 0


def ckpt_path(cfg: Config, name: str) -> str:
    return os.path.join(cfg.work, f"{name}.ckpt.pt")


def final_path(cfg: Config, name: str) -> str:
    return os.path.join(cfg.work, f"{name}.final.pt")


def save_atomic(obj, path: str) -> None:
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def lr_at(step: int, total: int, peak: float, warm: int, floor: float) -> float:
    if step < warm:
        return peak * (step + 1) / warm
    p = (step - warm) / max(1, total - warm)
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * min(1.0, p)))


def step_rng(cfg: Config, stage: int, step: int) -> np.random.Generator:
    return np.random.default_rng([cfg.seed, stage, step])


def step_torch_gen(cfg: Config, stage: int, step: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(cfg.seed * 1000003 + stage * 7919 + step)
    return g


def ids_of(captions, device: str = "cpu") -> torch.Tensor:
    return torch.from_numpy(TK.encode_batch(captions)).to(device)


def null_batch(n: int, device: str = "cpu") -> torch.Tensor:
    return torch.full((n, TK.L), TK.PAD, dtype=torch.long, device=device)


def render_batch(specs, rng: Optional[np.random.Generator]) -> torch.Tensor:
    return torch.from_numpy(np.stack([WD.render_spec(s, rng) for s in specs]))


def _finite(o):
    """Strict JSON for the Java side: NaN/inf become null."""
    if isinstance(o, float):
        return o if math.isfinite(o) else None
    if isinstance(o, dict):
        return {k: _finite(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_finite(v) for v in o]
    return o


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(_finite(obj), f, indent=1, allow_nan=False)
        f.write("\n")
