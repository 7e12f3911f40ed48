"""Model definitions of the mini world (all exportable to ONNX opset 17)."""
from __future__ import annotations

import math
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F


# ----------------------------------------------------------------------------------------------- text

class Block(nn.Module):
    """Pre-LayerNorm transformer block (no attention mask: [PAD] is an ordinary token)."""

    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.h = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        hd = d // self.h
        q = q.reshape(b, n, self.h, hd).transpose(1, 2)
        k = k.reshape(b, n, self.h, hd).transpose(1, 2)
        v = v.reshape(b, n, self.h, hd).transpose(1, 2)
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd), dim=-1)
        y = (a @ v).transpose(1, 2).reshape(b, n, d).contiguous()
        x = x + self.proj(y)
        return x + self.mlp(self.ln2(x))


class TextEncoder(nn.Module):
    """input_ids [B,L] -> (last_hidden_state [B,L,D], pooled [B,D] = mean over the L positions)."""

    def __init__(self, vocab: int, length: int = 16, d: int = 128, layers: int = 2, heads: int = 4) -> None:
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, length, d))
        nn.init.normal_(self.pos, std=0.02)
        nn.init.normal_(self.tok.weight, std=0.02)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)

    def forward(self, ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        x = self.tok(ids) + self.pos
        for b in self.blocks:
            x = b(x)
        h = self.ln(x)
        return h, h.mean(dim=1)


# ----------------------------------------------------------------------------------------------- denoiser

def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    a = t.float().reshape(-1, 1) * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, cdim: int) -> None:
        super().__init__()
        self.n1 = nn.GroupNorm(8, cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.film = nn.Linear(cdim, 2 * cout)
        self.n2 = nn.GroupNorm(8, cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        nn.init.zeros_(self.c2.weight)
        nn.init.zeros_(self.c2.bias)

    def forward(self, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        h = self.c1(F.silu(self.n1(x)))
        s, b = self.film(c)[:, :, None, None].chunk(2, dim=1)
        h = self.n2(h) * (1 + s) + b
        h = self.c2(F.silu(h))
        return self.skip(x) + h


class CrossAttn(nn.Module):
    """Cross-attention from image positions to text tokens; 1x1-conv projections keep NCHW contiguous.

    A learned embedding of the grid position is added to the queries: which text tokens a position should
    read depends on where it is ("a red circle left of a blue square" means different words on the left
    and on the right), and convolutions alone carry little absolute position."""

    def __init__(self, c: int, d: int, side: int, heads: int = 4) -> None:
        super().__init__()
        self.h = heads
        self.side = side
        self.keep_maps = False          # training only: keep the attention maps for a grounding loss
        self.maps: Optional[torch.Tensor] = None
        self.pos = nn.Parameter(torch.zeros(1, c, side, side))
        self.norm = nn.GroupNorm(8, c)
        self.to_q = nn.Conv2d(c, c, 1)
        self.to_k = nn.Linear(d, c)
        self.to_v = nn.Linear(d, c)
        self.out = nn.Conv2d(c, c, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor, ctx: torch.Tensor) -> torch.Tensor:
        b, c, hh, ww = x.shape
        hd = c // self.h
        q = self.to_q(self.norm(x) + self.pos).reshape(b, self.h, hd, hh * ww)
        k = self.to_k(ctx).reshape(b, -1, self.h, hd).permute(0, 2, 1, 3)
        v = self.to_v(ctx).reshape(b, -1, self.h, hd).permute(0, 2, 3, 1)
        a = torch.softmax((k @ q) / math.sqrt(hd), dim=2)
        if self.keep_maps:
            self.maps = a.mean(dim=1)   # [B, L, H*W]: each position's attention over the tokens
        y = (v @ a).reshape(b, c, hh, ww)
        return x + self.out(y)


class UNet(nn.Module):
    """(sample [B,3,32,32] in [-1,1], timestep [B,1] int64, encoder_hidden_states [B,L,D]) -> v [B,3,32,32].

    A 2x2 space-to-depth stem runs the UNet at 16x16 (levels 16/8/4 px); FiLM from the time embedding in
    every res block; cross-attention to the text states at every level. Text enters only through the
    cross-attention (as in Stable Diffusion's UNet): a pooled text vector in FiLM hands every position the
    same bag of attributes, enough for one object but a shortcut that mixes up the two objects of a pair.
    """

    def __init__(self, d_text: int = 128, ch: Tuple[int, int, int] = (32, 64, 128), tdim: int = 256) -> None:
        super().__init__()
        c0, c1, c2 = ch
        self.tdim = tdim
        self.t_mlp = nn.Sequential(nn.Linear(128, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.stem = nn.Conv2d(12, c0, 3, padding=1)
        self.d0 = ResBlock(c0, c0, tdim); self.a0 = CrossAttn(c0, d_text, 16)
        self.down0 = nn.Conv2d(c0, c1, 3, stride=2, padding=1)
        self.d1 = ResBlock(c1, c1, tdim); self.a1 = CrossAttn(c1, d_text, 8)
        self.down1 = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.d2 = ResBlock(c2, c2, tdim); self.a2 = CrossAttn(c2, d_text, 4)
        self.m1 = ResBlock(c2, c2, tdim); self.am = CrossAttn(c2, d_text, 4); self.m2 = ResBlock(c2, c2, tdim)
        self.u2a = ResBlock(2 * c2, c2, tdim); self.u2b = ResBlock(c2, c2, tdim); self.au2 = CrossAttn(c2, d_text, 4)
        self.up1 = nn.Conv2d(c2, c1, 3, padding=1)
        self.u1a = ResBlock(2 * c1, c1, tdim); self.u1b = ResBlock(c1, c1, tdim); self.au1 = CrossAttn(c1, d_text, 8)
        self.up0 = nn.Conv2d(c1, c0, 3, padding=1)
        self.u0a = ResBlock(2 * c0, c0, tdim); self.u0b = ResBlock(c0, c0, tdim); self.au0 = CrossAttn(c0, d_text, 16)
        self.out_norm = nn.GroupNorm(8, c0)
        self.out = nn.Conv2d(c0, 12, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def cross_attentions(self) -> List[CrossAttn]:
        return [m for m in self.modules() if isinstance(m, CrossAttn)]

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, ehs: torch.Tensor) -> torch.Tensor:
        c = F.silu(self.t_mlp(timestep_embedding(timestep.reshape(-1), 128)))
        x = self.stem(F.pixel_unshuffle(sample, 2))
        h0 = self.a0(self.d0(x, c), ehs)
        h1 = self.a1(self.d1(self.down0(h0), c), ehs)
        h2 = self.a2(self.d2(self.down1(h1), c), ehs)
        m = self.m2(self.am(self.m1(h2, c), ehs), c)
        u = self.au2(self.u2b(self.u2a(torch.cat([m, h2], 1), c), c), ehs)
        u = self.up1(F.interpolate(u, scale_factor=2.0, mode="nearest"))
        u = self.au1(self.u1b(self.u1a(torch.cat([u, h1], 1), c), c), ehs)
        u = self.up0(F.interpolate(u, scale_factor=2.0, mode="nearest"))
        u = self.au0(self.u0b(self.u0a(torch.cat([u, h0], 1), c), c), ehs)
        return F.pixel_shuffle(self.out(F.silu(self.out_norm(u))), 2)


# ----------------------------------------------------------------------------------------------- image models

class Trunk(nn.Module):
    """3x32x32 -> flattened 128x4x4 features (position-preserving)."""

    def __init__(self, w: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, w, 3, padding=1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.Conv2d(w, 2 * w, 3, stride=2, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.Conv2d(2 * w, 2 * w, 3, padding=1), nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.Conv2d(2 * w, 4 * w, 3, stride=2, padding=1), nn.BatchNorm2d(4 * w), nn.ReLU(),
            nn.Conv2d(4 * w, 4 * w, 3, stride=2, padding=1), nn.BatchNorm2d(4 * w), nn.ReLU(),
        )
        self.out_dim = 4 * w * 16

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).flatten(1)


class SafetyClassifier(nn.Module):
    """image [B,3,32,32] in [0,1] -> probability [B,1] that the concept is present."""

    def __init__(self) -> None:
        super().__init__()
        self.trunk = Trunk(24)
        self.head = nn.Sequential(nn.Linear(self.trunk.out_dim, 128), nn.ReLU(), nn.Linear(128, 1))

    def logits(self, image: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(image))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.logits(image))


class Reader(nn.Module):
    """image -> per-slot logits: shape_logits [B,S,1+#shapes] (index 0 = empty), color_logits [B,S,#colors],
    size_logits [B,S,#sizes]."""

    def __init__(self, n_slots: int, n_shapes: int, n_colors: int, n_sizes: int) -> None:
        super().__init__()
        self.dims = (n_slots, n_shapes + 1, n_colors, n_sizes)
        self.trunk = Trunk(32)
        self.head = nn.Sequential(nn.Linear(self.trunk.out_dim, 256), nn.ReLU(),
                                  nn.Linear(256, n_slots * (n_shapes + 1 + n_colors + n_sizes)))

    def forward(self, image: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        s, a, c, z = self.dims
        y = self.head(self.trunk(image)).reshape(-1, s, a + c + z)
        return y[:, :, :a], y[:, :, a:a + c], y[:, :, a + c:]


class ClipImage(nn.Module):
    def __init__(self, e: int = 64) -> None:
        super().__init__()
        self.trunk = Trunk(32)
        self.head = nn.Sequential(nn.Linear(self.trunk.out_dim, 256), nn.ReLU(), nn.Linear(256, e))

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(image))


class ClipText(nn.Module):
    def __init__(self, vocab: int, length: int = 16, d: int = 64, e: int = 64) -> None:
        super().__init__()
        self.enc = TextEncoder(vocab, length, d, layers=2, heads=4)
        self.head = nn.Linear(d * length, e)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h, _ = self.enc(ids)
        return self.head(h.flatten(1))


# ----------------------------------------------------------------------------------------------- export wrappers

class ReaderExport(nn.Module):
    def __init__(self, m: Reader) -> None:
        super().__init__()
        self.m = m

    def forward(self, image: torch.Tensor):
        return self.m(image)


def n_params(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
