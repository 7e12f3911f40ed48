"""Noise schedule, v-prediction targets and the reference DDIM sampler (mirrored by the Java sampler)."""
from __future__ import annotations

import json
import math
from typing import Callable, List, Optional

import numpy as np
import torch

T_TRAIN = 1000


def alphas_cumprod(T: int = T_TRAIN) -> np.ndarray:
    """Cosine schedule, float64 (diffusers 'squaredcos_cap_v2')."""
    def abar(u: float) -> float:
        return math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2

    betas = np.array([min(1.0 - abar((i + 1) / T) / abar(i / T), 0.999) for i in range(T)], dtype=np.float64)
    return np.cumprod(1.0 - betas)


ACP = alphas_cumprod()
ACP_T = torch.tensor(ACP, dtype=torch.float32)


def write_schedule(path: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"num_train_timesteps": T_TRAIN, "beta_schedule": "cosine", "prediction_type": "v_prediction",
                   "formula": "see world.json diffusion.schedule_formula",
                   "alphas_cumprod": ACP.tolist()}, f)
        f.write("\n")


def q_sample(x0: torch.Tensor, t: torch.Tensor, eps: torch.Tensor):
    """Returns (x_t, v_target). t: [B] int64."""
    a = ACP_T.to(x0.device)[t].sqrt()[:, None, None, None]
    s = (1 - ACP_T.to(x0.device)[t]).sqrt()[:, None, None, None]
    return a * x0 + s * eps, a * eps - s * x0


def ddim_timesteps(steps: int, T: int = T_TRAIN) -> List[int]:
    r = T // steps
    return [(steps - 1 - k) * r for k in range(steps)]


@torch.no_grad()
def ddim_sample(model: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
                cond: torch.Tensor, uncond: torch.Tensor, noise: torch.Tensor, steps: int = 25,
                guidance: float = 4.0, negative: Optional[torch.Tensor] = None) -> torch.Tensor:
    """DDIM, eta 0, classifier-free guidance, x0 clipped to [-1,1]; returns images in [0,1].

    model(x [B,3,32,32], t [B,1] int64, ehs [B,L,D]) -> v. cond/uncond: encoder states [B,L,D].
    If ``negative`` is given it replaces ``uncond`` (negative prompt).
    """
    x = noise.clone()
    b = x.shape[0]
    un = negative if negative is not None else uncond
    r = T_TRAIN // steps
    ctx = torch.cat([un, cond], 0)
    for t in ddim_timesteps(steps):
        tt = torch.full((2 * b, 1), t, dtype=torch.long, device=x.device)
        v_u, v_c = model(torch.cat([x, x], 0), tt, ctx).chunk(2)
        v = v_u + guidance * (v_c - v_u)
        a_t = float(ACP[t])
        a_prev = float(ACP[t - r]) if t - r >= 0 else 1.0
        x0 = math.sqrt(a_t) * x - math.sqrt(1 - a_t) * v
        eps = math.sqrt(a_t) * v + math.sqrt(1 - a_t) * x
        x0 = x0.clamp(-1, 1)
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    return ((x + 1) / 2).clamp(0, 1)
