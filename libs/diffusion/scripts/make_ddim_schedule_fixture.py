#!/usr/bin/python3
"""Writes src/test/resources/ddim/schedules.json: diffusers DDIMScheduler's timesteps and ᾱ for several configs.

diffusers computes β with torch in float32 (torch.linspace(...), squared for scaled_linear; the cosine β rounded
to float32), α = 1 − β in float32, ᾱ = torch.cumprod(α) (torch's CPU cumprod accumulates in double and rounds
each value to float32), final ᾱ = 1 or ᾱ_0, and timesteps with numpy (leading / trailing / linspace), previous
timestep t − T // steps. Here everything is computed with numpy and exact rationals; torch.linspace is
reproduced as torch 1.13's AVX2 CPU kernel evaluates it (first half up from start, second half down from end,
fused multiply-adds, blocks of 16 as two 8-lane vectors of base + k·step). Where torch is importable the betas
and ᾱ are checked against it and the agreement is printed; the fixture itself never depends on torch.

    /usr/bin/python3 libs/diffusion/scripts/make_ddim_schedule_fixture.py
"""
import json
import math
import pathlib
from fractions import Fraction

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "src/test/resources/ddim/schedules.json"
f32 = np.float32

SD = {"num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
      "steps_offset": 1, "set_alpha_to_one": False, "timestep_spacing": "leading"}
CONFIGS = [
    SD,
    dict(SD, timestep_spacing="trailing", steps_offset=0),
    dict(SD, timestep_spacing="linspace", steps_offset=0),
    dict(SD, set_alpha_to_one=True, steps_offset=0),
    {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
     "steps_offset": 0, "set_alpha_to_one": True, "timestep_spacing": "leading"},
    {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
     "steps_offset": 1, "set_alpha_to_one": False, "timestep_spacing": "trailing"},
    {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "squaredcos_cap_v2",
     "steps_offset": 0, "set_alpha_to_one": True, "timestep_spacing": "linspace"},
    {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "squaredcos_cap_v2",
     "steps_offset": 1, "set_alpha_to_one": False, "timestep_spacing": "leading"},
    dict(SD, num_train_timesteps=999, timestep_spacing="trailing", steps_offset=0),
    dict(SD, num_train_timesteps=1001, beta_schedule="linear", beta_start=0.00085, beta_end=0.012),
]
STEPS = [1, 2, 3, 7, 10, 13, 25, 30, 37, 50, 77, 100, 250, 333]


def round_f32(x):
    """The float32 nearest to the rational x (ties to even)."""
    c = f32(float(x))
    best = None
    for cand in (np.nextafter(c, f32(-np.inf)), c, np.nextafter(c, f32(np.inf))):
        d = abs(Fraction(float(cand)) - x)
        key = (d, int(np.array(cand).view(np.uint32)) & 1)
        if best is None or key < best[0]:
            best = (key, cand)
    return f32(best[1])


def fma32(a, b, c):
    return round_f32(Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c)))


def torch_linspace_f32(start, end, steps, lanes=8):
    s, e = f32(start), f32(end)
    step = f32(f32(e - s) / f32(steps - 1))
    half = steps // 2
    out = np.zeros(steps, dtype=np.float32)
    whole = steps - steps % (2 * lanes)
    for idx in range(0, whole, lanes):
        base = fma32(step, f32(idx), s) if idx < half else fma32(-step, f32(steps - idx - 1), e)
        for k in range(lanes):
            out[idx + k] = f32(base + f32(f32(k) * step))
    for idx in range(whole, steps):
        out[idx] = fma32(step, f32(idx), s) if idx < half else fma32(-step, f32(steps - idx - 1), e)
    return out


def betas(c):
    t = c["num_train_timesteps"]
    if c["beta_schedule"] == "linear":
        return torch_linspace_f32(c["beta_start"], c["beta_end"], t)
    if c["beta_schedule"] == "scaled_linear":
        b = torch_linspace_f32(c["beta_start"] ** 0.5, c["beta_end"] ** 0.5, t)
        return (b * b).astype(np.float32)
    if c["beta_schedule"] == "squaredcos_cap_v2":
        def alpha_bar(u):
            return math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
        return np.array([min(1 - alpha_bar((i + 1) / t) / alpha_bar(i / t), 0.999) for i in range(t)], dtype=np.float32)
    raise ValueError(c["beta_schedule"])


def alphas_cumprod(b):
    alphas = (f32(1.0) - b).astype(np.float32)
    return np.cumprod(alphas.astype(np.float64)).astype(np.float32)


def timesteps(c, steps):
    t = c["num_train_timesteps"]
    if c["timestep_spacing"] == "linspace":
        return np.linspace(0, t - 1, steps).round()[::-1].copy().astype(np.int64)
    if c["timestep_spacing"] == "leading":
        ratio = t // steps
        return (np.arange(0, steps) * ratio).round()[::-1].copy().astype(np.int64) + c["steps_offset"]
    if c["timestep_spacing"] == "trailing":
        ratio = t / steps
        return np.round(np.arange(t, 0, -ratio)).astype(np.int64) - 1
    raise ValueError(c["timestep_spacing"])


def check_against_torch(c, b, acp):
    try:
        import torch
    except ImportError:
        return "torch not importable: not checked"
    t = c["num_train_timesteps"]
    if c["beta_schedule"] == "linear":
        tb = torch.linspace(c["beta_start"], c["beta_end"], t, dtype=torch.float32)
    elif c["beta_schedule"] == "scaled_linear":
        tb = torch.linspace(c["beta_start"] ** 0.5, c["beta_end"] ** 0.5, t, dtype=torch.float32) ** 2
    else:
        tb = torch.tensor(list(map(float, betas(c))), dtype=torch.float32)
    tacp = torch.cumprod(1.0 - tb, dim=0).numpy()
    same_b = int((tb.numpy().view(np.uint32) == b.view(np.uint32)).sum())
    same_a = int((tacp.view(np.uint32) == acp.view(np.uint32)).sum())
    return f"torch {torch.__version__}: betas {same_b}/{t} and alphas_cumprod {same_a}/{t} bit-identical"


def main():
    doc = {"description": "diffusers DDIMScheduler: alphas_cumprod (float32 values), final_alpha_cumprod, and per "
                          "step count the timesteps and the previous ᾱ (alphas_cumprod[t - T // steps], or "
                          "final_alpha_cumprod below 0)",
           "schedules": []}
    for c in CONFIGS:
        b = betas(c)
        acp = alphas_cumprod(b)
        final = 1.0 if c["set_alpha_to_one"] else float(acp[0])
        t = c["num_train_timesteps"]
        runs = []
        for steps in STEPS:
            ts = timesteps(c, steps)
            prev = [float(acp[p]) if p >= 0 else final for p in (ts - t // steps)]
            runs.append({"steps": steps, "timesteps": [int(v) for v in ts], "alpha_prev": prev})
        doc["schedules"].append({"config": c, "alphas_cumprod": [float(v) for v in acp],
                                 "final_alpha_cumprod": final, "runs": runs})
        print(f"{c['beta_schedule']:>17} {c['timestep_spacing']:>8} T={t}: {check_against_torch(c, b, acp)}")
    sd50 = doc["schedules"][0]["runs"][STEPS.index(50)]["timesteps"]
    print("SD 1.x at 50 steps:", sd50[:3], "...", sd50[-2:])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
