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


# Safe Latent Diffusion presets (guidance scale s_S, warm-up steps, threshold λ, momentum scale s_m, momentum β),
# as Lucid's SafetyGuidance has them.
SLD_PRESETS = {"weak": (20.0, 15, 0.0, 0.0, 0.0), "medium": (1000.0, 10, 0.01, 0.3, 0.4),
               "strong": (2000.0, 7, 0.025, 0.5, 0.7), "max": (5000.0, 0, 1.0, 0.5, 0.7)}


@torch.no_grad()
def ddim_sample(model: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor],
                cond: torch.Tensor, uncond: torch.Tensor, noise: torch.Tensor, steps: int = 25,
                guidance: float = 4.0, negative: Optional[torch.Tensor] = None,
                concept: Optional[torch.Tensor] = None, sld: Optional[str] = None,
                use_clipped_model_output: bool = True) -> torch.Tensor:
    """DDIM, eta 0, classifier-free guidance, x0 clipped to [-1,1]; returns images in [0,1].

    model(x [B,3,32,32], t [B,1] int64, ehs [B,L,D]) -> v. cond/uncond: encoder states [B,L,D].
    If ``negative`` is given it replaces ``uncond`` (negative prompt). ``sld`` names a Safe Latent Diffusion
    preset steering away from ``concept`` (states [B,L,D]), in epsilon space as Lucid's DdimSampler does.
    use_clipped_model_output: eps is re-derived from the clipped x0 (GLIDE; diffusers' DDIM step argument of
    that name). Without it the clipped x0 and the unclipped eps disagree, and with guidance w > 1 the
    extrapolated eps carries the overshoot into the next step: images wash out and break up.
    """
    x = noise.clone()
    b = x.shape[0]
    un = negative if negative is not None else uncond
    r = T_TRAIN // steps
    parts = [un, cond] + ([concept] if sld else [])
    ctx = torch.cat(parts, 0)
    momentum = torch.zeros_like(x)
    for k, t in enumerate(ddim_timesteps(steps)):
        a_t = float(ACP[t])
        sa, s1a = math.sqrt(a_t), math.sqrt(1 - a_t)
        tt = torch.full((len(parts) * b, 1), t, dtype=torch.long, device=x.device)
        out = model(torch.cat([x] * len(parts), 0), tt, ctx).chunk(len(parts))
        v_u, v_c = out[0], out[1]
        v = v_u + guidance * (v_c - v_u)
        if sld:
            s_s, warmup, thr, s_m, beta = SLD_PRESETS[sld]
            e_u, e_c, e_s = (sa * o + s1a * x for o in (v_u, v_c, out[2]))
            diff = e_c - e_s
            scale = torch.where(diff >= thr, torch.zeros_like(diff), (diff.abs() * s_s).clamp(max=1.0))
            term = (e_s - e_u) * scale + s_m * momentum
            momentum = beta * momentum + (1 - beta) * term
            if k >= warmup:
                v = v - guidance * term / sa    # epsilon-space term in v: delta-eps = sqrt(acp) delta-v
        a_prev = float(ACP[t - r]) if t - r >= 0 else 1.0
        x0 = sa * x - s1a * v
        eps = sa * v + s1a * x
        x0 = x0.clamp(-1, 1)
        if use_clipped_model_output:
            eps = (x - sa * x0) / s1a
        x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
    return ((x + 1) / 2).clamp(0, 1)
