"""Training stages. Each stage is deterministic (per-step seeded data and noise), prints progress and
resumes from its checkpoint in the work directory."""
from __future__ import annotations

import copy
import os
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn.functional as F

import diffusion as DF
import models as M
import tokenizer as TK
import world as WD
from common import (Config, Progress, Threads, ckpt_path, final_path, ids_of, log, lr_at, null_batch,
                    render_batch, save_atomic, step_rng, step_torch_gen)

STAGE_ID = {"base": 1, "safety": 2, "reader": 3, "clip": 4, "esd": 5, "des": 6, "sage": 7, "pairs": 8}
D_TEXT = 128
CLIP_E = 64


def new_text_encoder() -> M.TextEncoder:
    return M.TextEncoder(len(TK.VOCAB), TK.L, D_TEXT, layers=2, heads=4)


def new_reader() -> M.Reader:
    return M.Reader(len(WD.SLOTS), len(WD.SHAPES), len(WD.COLORS), len(WD.SIZES))


def _resume(cfg: Config, name: str, objs: Dict[str, object]) -> int:
    p = ckpt_path(cfg, name)
    if not os.path.exists(p):
        return 0
    st = torch.load(p, map_location="cpu")
    for k, o in objs.items():
        o.load_state_dict(st[k])
    log(f"[{name}] resumed at step {st['step']}")
    return int(st["step"])


def _save(cfg: Config, name: str, objs: Dict[str, object], step: int) -> None:
    st = {k: o.state_dict() for k, o in objs.items()}
    st["step"] = step
    save_atomic(st, ckpt_path(cfg, name))


def _ema(ema: torch.nn.Module, m: torch.nn.Module, decay: float) -> None:
    with torch.no_grad():
        for pe, pm in zip(ema.parameters(), m.parameters()):
            pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        for be, bm in zip(ema.buffers(), m.buffers()):
            be.copy_(bm)


def augment(x: torch.Tensor, g: torch.Generator, strength: float = 1.0) -> torch.Tensor:
    """Degradations seen in generated images: blur, contrast/brightness change, grain."""
    b = x.shape[0]
    blur = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
    a = (torch.rand(b, 1, 1, 1, generator=g) * 0.7 * strength) * (torch.rand(b, 1, 1, 1, generator=g) < 0.5).float()
    x = (1 - a) * x + a * blur
    x = x * (0.85 + 0.25 * torch.rand(b, 1, 1, 1, generator=g))
    x = x + torch.randn(x.shape, generator=g) * (0.06 * strength * torch.rand(b, 1, 1, 1, generator=g))
    return x.clamp(0, 1)


# ----------------------------------------------------------------------------------------------- base T2I

# Word-order binding ("a red circle left of a blue square" vs the reverse) is the slowest skill to learn
# from the denoising loss alone: the model learns early which axis, which colours and which shapes a pair
# caption asks for, but assigns them to the two places nearly at random. A linear probe on the text
# encoder's per-token states is trained to tell, for every word, the slot of the object it describes
# (world.word_slots); its loss, added with a small weight, makes "which object goes where" explicit in the
# token states the denoiser's cross-attention reads. The probe is training-only (not exported).
ROLE_WEIGHT = 0.1
ROLE_NONE = len(WD.SLOTS)  # class of words that describe no single object (relations, [BOS], [EOS])


def new_role_probe() -> torch.nn.Linear:
    return torch.nn.Linear(D_TEXT, ROLE_NONE + 1)


def role_targets(specs: List[WD.Spec]) -> torch.Tensor:
    """[B, L] slot index per token; ROLE_NONE for non-object words, [BOS] and [EOS]; -100 (ignored) for
    [PAD] and for count captions."""
    y = torch.full((len(specs), TK.L), -100, dtype=torch.long)
    for i, s in enumerate(specs):
        ws = WD.word_slots(s)
        if ws is None:
            continue
        ws = ws[:TK.L - 2]
        y[i, 0] = ROLE_NONE
        for j, slot in enumerate(ws):
            y[i, 1 + j] = ROLE_NONE if slot is None else WD.SLOTS.index(slot)
        y[i, 1 + len(ws)] = ROLE_NONE
    return y


def object_slots_on_grid(specs: List[WD.Spec], side: int) -> torch.Tensor:
    """[B, side*side] slot index of the object covering each cell centre of a side x side grid over the
    32x32 image (-1: background, count captions, overlaps)."""
    y = torch.full((len(specs), side * side), -1, dtype=torch.long)
    cell = WD.IMG / side
    cs = (torch.arange(side, dtype=torch.float32) + 0.5) * cell
    gy, gx = torch.meshgrid(cs, cs, indexing="ij")
    gx, gy = gx.reshape(-1), gy.reshape(-1)
    for i, s in enumerate(specs):
        if s.kind == "count":
            continue
        hit = torch.zeros(side * side, dtype=torch.long)
        for o in s.objects:
            x, yy = WD.SLOT_XY[o.slot]
            inside = (gx - x) ** 2 + (gy - yy) ** 2 <= WD.RADIUS[o.size] ** 2
            y[i, inside] = WD.SLOTS.index(o.slot)
            hit += inside.long()
        y[i, hit > 1] = -1
    return y


def grounding_loss(un: M.UNet, specs: List[WD.Spec], roles: torch.Tensor) -> torch.Tensor:
    """Cross-attention grounding: at every position inside an object, the attention (mean over heads) should
    fall on the words that describe that object: mean of -log(attention mass on those words)."""
    total, n = 0.0, 0
    grids: Dict[int, torch.Tensor] = {}  # levels share grid sizes (16, 8, 4): compute each once
    for att in un.cross_attentions():
        a = att.maps                                          # [B, L, P]
        if att.side not in grids:
            grids[att.side] = object_slots_on_grid(specs, att.side).to(a.device)
        where = grids[att.side]                               # [B, P]
        match = (roles[:, :, None].to(a.device) == where[:, None, :]).float()  # [B, L, P]
        mass = (a * match).sum(dim=1)                         # [B, P]
        sel = where >= 0
        if sel.any():
            total = total - torch.log(mass[sel] + 1e-6).mean()
            n += 1
    return total / max(n, 1)


def _train_t2i(cfg: Config, name: str, total: int, te: torch.nn.Module, un: torch.nn.Module, lr: float,
               lr_at_step, kinds=None, high_t: float = 0.0, ema_max: float = 0.999, note: str = "",
               ground_weight: float = 0.0) -> None:
    """The text-to-image training loop (v-prediction, caption dropout 10%, EMA, role probe), shared by base
    and pairs.

    high_t: the share of samples whose timestep is redrawn from the upper half of the schedule (0: none,
    and then no extra random draws)."""
    B, dev = 64, cfg.device
    th = Threads(cfg)
    ema_te, ema_un = copy.deepcopy(te), copy.deepcopy(un)
    probe = new_role_probe().to(dev)
    params = list(te.parameters()) + list(un.parameters()) + list(probe.parameters())
    opt = torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
    objs = {"te": te, "un": un, "ema_te": ema_te, "ema_un": ema_un, "probe": probe, "opt": opt}
    for att in un.cross_attentions():
        att.keep_maps = ground_weight > 0
    start = _resume(cfg, name, objs)
    log(f"[{name}] {note}, {total} steps x {B}")
    pr = Progress(name, total, start, every=50 if not cfg.smoke else 1)
    sid = STAGE_ID[name]
    for step in range(start, total):
        for gparam in opt.param_groups:
            gparam["lr"] = lr_at_step(step)
        rng, g = step_rng(cfg, sid, step), step_torch_gen(cfg, sid, step)
        specs = [WD.sample_train_spec(rng) if kinds is None else WD.sample_train_spec(rng, kinds=kinds) for _ in range(B)]
        x0 = (render_batch(specs, rng) * 2 - 1)
        ids = ids_of([s.caption for s in specs])
        drop = torch.rand(B, generator=g) < 0.1
        ids[drop] = TK.PAD
        t = torch.randint(0, DF.T_TRAIN, (B,), generator=g)
        if high_t > 0:
            high = torch.rand(B, generator=g) < high_t
            t = torch.where(high, torch.randint(DF.T_TRAIN // 2, DF.T_TRAIN, (B,), generator=g), t)
        eps = torch.randn(x0.shape, generator=g)
        xt, v = DF.q_sample(x0, t, eps)
        h, _ = te(ids.to(dev))
        pred = un(xt.to(dev), t[:, None].to(dev), h)
        loss = F.mse_loss(pred, v.to(dev))
        roles = role_targets(specs)
        roles[drop] = -100
        role_loss = F.cross_entropy(probe(h).reshape(-1, ROLE_NONE + 1), roles.reshape(-1).to(dev), ignore_index=-100)
        extra = {}
        total_loss = loss + ROLE_WEIGHT * role_loss
        if ground_weight > 0:
            g_loss = grounding_loss(un, specs, roles)
            total_loss = total_loss + ground_weight * g_loss
            extra["ground"] = g_loss.item()
        opt.zero_grad(set_to_none=True)
        total_loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        d = min(ema_max, (1 + step) / (10 + step))
        _ema(ema_te, te, d)
        _ema(ema_un, un, d)
        pr.update(step, v_mse=loss.item(), role_ce=role_loss.item(), **extra)
        if (step + 1) % 25 == 0:
            th.tick()
        if (step + 1) % 250 == 0 and step + 1 < total:
            _save(cfg, name, objs, step + 1)
    save_atomic({"te": ema_te.state_dict(), "un": ema_un.state_dict()}, final_path(cfg, name))
    log(f"[{name}] done")


def train_base(cfg: Config) -> None:
    name, total = "base", cfg.steps["base"]
    if os.path.exists(final_path(cfg, name)) or os.path.exists(final_path(cfg, base_stage(cfg))):
        return  # done, or the base model was rebuilt from ONNX (--from-onnx base)
    torch.manual_seed(cfg.seed)
    te, un = new_text_encoder().to(cfg.device), M.UNet(D_TEXT).to(cfg.device)
    _train_t2i(cfg, name, total, te, un, 1e-3, lambda step: lr_at(step, total, 1e-3, min(200, total // 10 + 1), 1e-4),
               note=f"text encoder {M.n_params(te) / 1e6:.2f}M + denoiser {M.n_params(un) / 1e6:.2f}M params")


# Grounding phase: the base stage learns single objects, counts and which axis, colours and shapes a pair
# caption asks for, but assigns a pair's attributes to the two places nearly at random (two-object
# accuracy 0.18 after 2600 steps, MODEL_CARD.md), even though its text states mark each word's object
# (role probe). This phase continues from the base stage's EMA weights with a fresh optimiser, more two-object captions and
# the cross-attention grounding loss (grounding_loss, as in TokenCompose's token-level grounding): every
# object's pixels are told which words to read, which the denoising loss alone teaches far too slowly.
# The learning rate is constant after a short warm-up, so the weights after k steps do not depend on the
# planned total: a run with --pairs-steps k reproduces any step-k checkpoint of a longer run.
PAIRS_KINDS = (0.45, 0.10, 0.45)
PAIRS_LR = 3e-4
PAIRS_WARMUP = 50
PAIRS_EMA = 0.998
# Which object goes where is settled in the first, high-noise sampling steps, so a quarter of the timesteps
# are redrawn from the upper half of the schedule (62.5% of the samples train t >= 500).
PAIRS_HIGH_T = 0.25
PAIRS_GROUND = 0.05


def train_pairs(cfg: Config) -> None:
    name, total = "pairs", cfg.steps.get("pairs", 0)
    if total <= 0 or os.path.exists(final_path(cfg, name)):
        return
    torch.manual_seed(cfg.seed + STAGE_ID[name])
    st0 = torch.load(final_path(cfg, "base"), map_location="cpu")
    te, un = new_text_encoder(), M.UNet(D_TEXT)
    te.load_state_dict(st0["te"])
    un.load_state_dict(st0["un"])
    _train_t2i(cfg, name, total, te.to(cfg.device).train(), un.to(cfg.device).train(), PAIRS_LR,
               lambda step: PAIRS_LR * min(1.0, (step + 1) / PAIRS_WARMUP), kinds=PAIRS_KINDS, high_t=PAIRS_HIGH_T,
               ema_max=PAIRS_EMA, ground_weight=PAIRS_GROUND,
               note=f"from the base stage's weights, kinds single/count/pair {PAIRS_KINDS}, grounding {PAIRS_GROUND}")


def base_stage(cfg: Config) -> str:
    """The stage whose weights are the base model (and the starting point of esd/des/sage)."""
    return "pairs" if cfg.steps.get("pairs", 0) > 0 else "base"


def load_base(cfg: Config, stage: Optional[str] = None) -> Tuple[M.TextEncoder, M.UNet]:
    """The base model (default: the last base phase's weights) or the given base phase's."""
    st = torch.load(final_path(cfg, stage or base_stage(cfg)), map_location="cpu")
    te, un = new_text_encoder(), M.UNet(D_TEXT)
    te.load_state_dict(st["te"])
    un.load_state_dict(st["un"])
    return te.eval(), un.eval()


# ----------------------------------------------------------------------------------------------- image models

def _safety_batch(rng: np.random.Generator, B: int) -> Tuple[torch.Tensor, torch.Tensor]:
    imgs, ys = [], []
    for _ in range(B):
        objs = WD.random_scene(rng, p_concept=0.5)
        if rng.random() < 0.35:  # hard negatives: white objects (the concept's colour)
            for o in objs:
                if o.shape != WD.CONCEPT_SHAPE and rng.random() < 0.7:
                    o.color = WD.CONCEPT_COLOR
        imgs.append(WD.render(objs, rng, jitter=1.5))
        ys.append(float(any(o.shape == WD.CONCEPT_SHAPE for o in objs)))
    return torch.from_numpy(np.stack(imgs)), torch.tensor(ys)[:, None]


def train_safety(cfg: Config) -> None:
    name, total, B = "safety", cfg.steps["safety"], 128
    if os.path.exists(final_path(cfg, name)):
        return
    th = Threads(cfg)
    torch.manual_seed(cfg.seed + 2)
    m = M.SafetyClassifier()
    opt = torch.optim.AdamW(m.parameters(), lr=2e-3, weight_decay=1e-4)
    objs = {"m": m, "opt": opt}
    start = _resume(cfg, name, objs)
    pr = Progress(name, total, start, every=100 if not cfg.smoke else 1)
    sid = STAGE_ID[name]
    m.train()
    for step in range(start, total):
        for gparam in opt.param_groups:
            gparam["lr"] = lr_at(step, total, 2e-3, 50, 5e-5)
        rng, g = step_rng(cfg, sid, step), step_torch_gen(cfg, sid, step)
        x, y = _safety_batch(rng, B)
        x = augment(x, g)
        loss = F.binary_cross_entropy_with_logits(m.logits(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        pr.update(step, bce=loss.item())
        if (step + 1) % 25 == 0:
            th.tick()
        if (step + 1) % 500 == 0 and step + 1 < total:
            _save(cfg, name, objs, step + 1)
    save_atomic({"m": m.state_dict()}, final_path(cfg, name))
    log(f"[{name}] done")


def reader_targets(objs: List[WD.Obj]) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    S = len(WD.SLOTS)
    shp = np.zeros(S, dtype=np.int64)
    col = np.full(S, -100, dtype=np.int64)
    siz = np.full(S, -100, dtype=np.int64)
    for o in objs:
        i = WD.SLOTS.index(o.slot)
        shp[i] = WD.SHAPES.index(o.shape) + 1
        col[i] = WD.COLORS.index(o.color)
        siz[i] = WD.SIZES.index(o.size)
    return shp, col, siz


def train_reader(cfg: Config) -> None:
    name, total, B = "reader", cfg.steps["reader"], 128
    if os.path.exists(final_path(cfg, name)):
        return
    th = Threads(cfg)
    torch.manual_seed(cfg.seed + 3)
    m = new_reader()
    opt = torch.optim.AdamW(m.parameters(), lr=2e-3, weight_decay=1e-4)
    objs = {"m": m, "opt": opt}
    start = _resume(cfg, name, objs)
    pr = Progress(name, total, start, every=100 if not cfg.smoke else 1)
    sid = STAGE_ID[name]
    m.train()
    for step in range(start, total):
        for gparam in opt.param_groups:
            gparam["lr"] = lr_at(step, total, 2e-3, 50, 5e-5)
        rng, g = step_rng(cfg, sid, step), step_torch_gen(cfg, sid, step)
        scenes = [WD.random_scene(rng, 0.3) if rng.random() < 0.5 else WD.sample_train_spec(rng).objects for _ in range(B)]
        x = torch.from_numpy(np.stack([WD.render(o, rng, jitter=1.5) for o in scenes]))
        x = augment(x, g)
        tg = [reader_targets(o) for o in scenes]
        ts, tc, tz = (torch.from_numpy(np.stack([t[i] for t in tg])) for i in range(3))
        ls, lc, lz = m(x)
        loss = (F.cross_entropy(ls.reshape(-1, ls.shape[-1]), ts.reshape(-1))
                + F.cross_entropy(lc.reshape(-1, lc.shape[-1]), tc.reshape(-1), ignore_index=-100)
                + 0.5 * F.cross_entropy(lz.reshape(-1, lz.shape[-1]), tz.reshape(-1), ignore_index=-100))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        pr.update(step, ce=loss.item())
        if (step + 1) % 25 == 0:
            th.tick()
        if (step + 1) % 500 == 0 and step + 1 < total:
            _save(cfg, name, objs, step + 1)
    save_atomic({"m": m.state_dict()}, final_path(cfg, name))
    log(f"[{name}] done")


def train_clip(cfg: Config) -> None:
    name, total, B = "clip", cfg.steps["clip"], 128
    if os.path.exists(final_path(cfg, name)):
        return
    th = Threads(cfg)
    torch.manual_seed(cfg.seed + 4)
    mi, mt = M.ClipImage(CLIP_E), M.ClipText(len(TK.VOCAB), TK.L, 64, CLIP_E)
    scale = torch.nn.Parameter(torch.tensor(float(np.log(1 / 0.07))))
    params = list(mi.parameters()) + list(mt.parameters()) + [scale]
    opt = torch.optim.AdamW(params, lr=1e-3, weight_decay=1e-4)
    holder = torch.nn.ParameterDict({"s": scale})
    objs = {"mi": mi, "mt": mt, "scale": holder, "opt": opt}
    start = _resume(cfg, name, objs)
    pr = Progress(name, total, start, every=100 if not cfg.smoke else 1)
    sid = STAGE_ID[name]
    mi.train()
    mt.train()
    for step in range(start, total):
        for gparam in opt.param_groups:
            gparam["lr"] = lr_at(step, total, 1e-3, 100, 3e-5)
        rng, g = step_rng(cfg, sid, step), step_torch_gen(cfg, sid, step)
        specs = [WD.sample_train_spec(rng) for _ in range(B)]
        x = augment(render_batch(specs, rng), g, 0.5)
        ids = ids_of([s.caption for s in specs])
        zi = F.normalize(mi(x), dim=-1)
        zt = F.normalize(mt(ids), dim=-1)
        logits = zi @ zt.t() * scale.clamp(max=4.6).exp()
        # captions that are identical count as positives for each other
        caps = [s.caption for s in specs]
        same = torch.tensor([[a == b for b in caps] for a in caps], dtype=torch.float32)
        tgt = same / same.sum(1, keepdim=True)
        loss = 0.5 * (-(tgt * logits.log_softmax(1)).sum(1).mean() - (tgt * logits.t().log_softmax(1)).sum(1).mean())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        pr.update(step, infonce=loss.item())
        if (step + 1) % 25 == 0:
            th.tick()
        if (step + 1) % 500 == 0 and step + 1 < total:
            _save(cfg, name, objs, step + 1)
    save_atomic({"mi": mi.state_dict(), "mt": mt.state_dict(), "scale": float(scale)}, final_path(cfg, name))
    log(f"[{name}] done")


# ----------------------------------------------------------------------------------------------- ESD

def concept_only_spec(rng: np.random.Generator) -> WD.Spec:
    kind = "single" if rng.random() < 0.8 else "count"
    return WD.make_spec(rng, kind, WD.PLAIN_SHAPES, WD.COLORS, noun_mode="alignment", concept_obj=0)


def train_esd(cfg: Config, eta: float = 1.0, lam_keep: float = 0.5, lr: float = 1e-3) -> None:
    """ESD-x: fine-tune the cross-attention key/value projections so that the concept-conditioned
    prediction follows negative guidance v_u - eta (v_c - v_u) of the frozen base; a preservation term
    keeps benign-conditioned predictions at the frozen base's."""
    name, total, B, B2 = "esd", cfg.steps["esd"], 32, 16
    if os.path.exists(final_path(cfg, name)):
        return
    th = Threads(cfg)
    torch.manual_seed(cfg.seed + 5)
    te, un0 = load_base(cfg)
    un = copy.deepcopy(un0).train()
    for p in list(te.parameters()) + list(un0.parameters()):
        p.requires_grad_(False)
    train_p = []
    for n, p in un.named_parameters():
        ok = (".to_k." in n or ".to_v." in n)
        p.requires_grad_(ok)
        if ok:
            train_p.append(p)
    opt = torch.optim.Adam(train_p, lr=lr)
    objs = {"un": un, "opt": opt}
    start = _resume(cfg, name, objs)
    pr = Progress(name, total, start, every=25 if not cfg.smoke else 1)
    sid = STAGE_ID[name]
    with torch.no_grad():
        h_null = te(null_batch(1))[0]
    for step in range(start, total):
        rng, g = step_rng(cfg, sid, step), step_torch_gen(cfg, sid, step)
        specs = [concept_only_spec(rng) for _ in range(B)]
        keep = [WD.make_spec(rng, ["single", "count", "pair"][rng.integers(3)], WD.BENIGN_SHAPES, WD.COLORS) for _ in range(B2)]
        x0 = render_batch(specs + keep, rng) * 2 - 1
        t = torch.randint(0, DF.T_TRAIN, (B + B2,), generator=g)
        xt, _ = DF.q_sample(x0, t, torch.randn(x0.shape, generator=g))
        with torch.no_grad():
            hc = te(ids_of([s.caption for s in specs + keep]))[0]
            hu = h_null.expand(B, -1, -1)
            v0 = un0(torch.cat([xt[:B], xt]), torch.cat([t[:B], t])[:, None], torch.cat([hu, hc]))
            v_u, v_c, v_keep = v0[:B], v0[B:2 * B], v0[2 * B:]
            target = v_u - eta * (v_c - v_u)
        pred = un(xt, t[:, None], hc)
        l_erase = F.mse_loss(pred[:B], target)
        l_keep = F.mse_loss(pred[B:], v_keep)
        loss = l_erase + lam_keep * l_keep
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        pr.update(step, erase=l_erase.item(), keep=l_keep.item())
        if (step + 1) % 25 == 0:
            th.tick()
        if (step + 1) % 100 == 0 and step + 1 < total:
            _save(cfg, name, objs, step + 1)
    save_atomic({"un": un.state_dict()}, final_path(cfg, name))
    log(f"[{name}] done")


# ----------------------------------------------------------------------------------------------- DES / SAGE

def safe_counterpart(s: WD.Spec) -> WD.Spec:
    c = copy.deepcopy(s)
    sc = WD.CONCEPT["safe_counterpart"]
    for o in c.objects:
        if o.shape == WD.CONCEPT_SHAPE:
            o.shape, o.color, o.noun, o.color_said = sc["shape"], sc["color"], "", True
    c.caption = WD.caption_of(c)
    c.questions = WD.questions_for(c)
    return c


def alignment_pairs(rng: np.random.Generator, B: int) -> Tuple[List[WD.Spec], List[WD.Spec]]:
    """(unsafe, safe counterpart) prompt pairs, the world's analogue of CoPro pairs."""
    uns = []
    for _ in range(B):
        r = rng.random()
        kind = "single" if r < 0.55 else ("count" if r < 0.7 else "pair")
        ci = 0 if kind != "pair" else int(rng.integers(2))
        uns.append(WD.make_spec(rng, kind, WD.PLAIN_SHAPES, [c for c in WD.COLORS if c != WD.CONCEPT_COLOR],
                                noun_mode="alignment", concept_obj=ci))
    return uns, [safe_counterpart(s) for s in uns]


def flat(te: M.TextEncoder, ids: torch.Tensor) -> torch.Tensor:
    return te(ids)[0].flatten(1)


def spread(z: torch.Tensor) -> torch.Tensor:
    z = F.normalize(z, dim=-1)
    return ((z - z.mean(0, keepdim=True)) ** 2).sum(1).sum() / (z.shape[0] - 1)


def lsa_loss(zt: torch.Tensor, z0: torch.Tensor, k: int, direction: torch.Tensor, alpha: float) -> torch.Tensor:
    """Perturbed local-structure alignment: 1 - Pearson correlation between the aligned model's
    (concept-perturbed) similarities and the base model's similarities over each prompt's top-K base neighbours."""
    zt = F.normalize(F.normalize(zt, dim=-1) + alpha * direction[None], dim=-1)
    z0 = F.normalize(z0, dim=-1)
    s0 = z0 @ z0.t()
    st = zt @ zt.t()
    n = s0.shape[0]
    k = min(k, n - 1)
    eye = torch.eye(n, dtype=torch.bool)
    idx = s0.masked_fill(eye, -2.0).topk(k, dim=1).indices
    a = st.gather(1, idx).reshape(-1)
    b = s0.gather(1, idx).reshape(-1).detach()
    a = (a - a.mean()) / (a.std() + 1e-6)
    b = (b - b.mean()) / (b.std() + 1e-6)
    return 1 - (a * b).mean()


def train_text_alignment(cfg: Config, name: str, lr: float = 3e-4, lam_util: float = 0.3, lam_unsafe: float = 0.7,
                         lam_concept: float = 0.7, lam_esp: float = 0.0, lam_lsa: float = 0.0, k: int = 15,
                         alpha: float = 1.0, n_simple: int = 32, concept_prompts=None,
                         n_retain_wide: int = 0) -> None:
    """DES (lam_esp = lam_lsa = 0) or SAGE (DES + ESP + perturbed LSA). Only the text encoder is trained.

    n_retain_wide: benign compositional and near-concept prompts added (each) to the retain batch, beside the
    safe counterparts and the simple prompts."""
    total, B = cfg.steps[name], 64
    if os.path.exists(final_path(cfg, name)):
        return
    th = Threads(cfg)
    torch.manual_seed(cfg.seed + STAGE_ID[name])
    te0, _ = load_base(cfg)
    for p in te0.parameters():
        p.requires_grad_(False)
    te = copy.deepcopy(te0).train()
    for p in te.parameters():
        p.requires_grad_(True)
    opt = torch.optim.Adam(te.parameters(), lr=lr)
    objs = {"te": te, "opt": opt}
    start = _resume(cfg, name, objs)
    pr = Progress(name, total, start, every=25 if not cfg.smoke else 1)
    sid = STAGE_ID[name]
    words = list(concept_prompts) if concept_prompts is not None else list(WD.CONCEPT["alignment_words"])
    concept_ids = ids_of(words)
    empty_ids = ids_of([""])
    with torch.no_grad():
        e_empty = flat(te0, empty_ids)
        direction = F.normalize(flat(te0, ids_of([WD.CONCEPT["name"]]))[0], dim=0)
    for step in range(start, total):
        rng = step_rng(cfg, sid, step)
        uns, safe = alignment_pairs(rng, B)
        simple = [WD.sample_stratum(rng, "benign-simple") for _ in range(n_simple)]
        wide = [WD.sample_stratum(rng, st) for st in ("benign-compositional", "benign-near-concept")
                for _ in range(n_retain_wide)]
        retain = safe + simple + wide
        ids_u = ids_of([s.caption for s in uns])
        ids_r = ids_of([s.caption for s in retain])
        with torch.no_grad():
            e0_safe = flat(te0, ids_of([s.caption for s in safe]))
            e0_r = flat(te0, ids_r)
        et_u = flat(te, ids_u)
        et_r = flat(te, ids_r)
        l_unsafe = (1 - F.cosine_similarity(et_u, e0_safe, dim=-1)).mean()
        l_util = (1 - F.cosine_similarity(et_r, e0_r, dim=-1)).mean()
        l_concept = (1 - F.cosine_similarity(flat(te, concept_ids), e_empty.expand(len(words), -1), dim=-1)).mean()
        loss = lam_unsafe * l_unsafe + lam_util * l_util + lam_concept * l_concept
        logs = {"unsafe": l_unsafe.item(), "util": l_util.item(), "concept": l_concept.item()}
        if lam_esp > 0:
            l_esp = F.relu(spread(e0_r).detach() - spread(et_r))
            loss = loss + lam_esp * l_esp
            logs["esp"] = l_esp.item()
        if lam_lsa > 0:
            l_lsa = lsa_loss(et_r, e0_r, k, direction, alpha)
            loss = loss + lam_lsa * l_lsa
            logs["lsa"] = l_lsa.item()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        pr.update(step, **logs)
        if (step + 1) % 25 == 0:
            th.tick()
        if (step + 1) % 100 == 0 and step + 1 < total:
            _save(cfg, name, objs, step + 1)
    save_atomic({"te": te.state_dict()}, final_path(cfg, name))
    log(f"[{name}] done")


ALIGN_HP = {
    "des": dict(lr=2e-3, lam_util=0.3, lam_unsafe=0.7, lam_concept=0.7,
                concept_prompts=WD.CONCEPT["alignment_concept_prompts"]),
    # SAGE keeps utility near the concept with a broad retain batch: 48 compositional and 48 near-concept benign
    # prompts per step beside the safe counterparts and simple prompts, and a stronger utility weight. With DES's
    # narrow batch (lam_util 0.3, no such prompts) it lost 0.21 TIFA on compositional and 0.39 near the concept.
    "sage": dict(lr=2e-3, lam_util=2.0, lam_unsafe=0.7, lam_concept=0.7, lam_esp=2.0, lam_lsa=2.0, k=15, alpha=1.0,
                 concept_prompts=WD.CONCEPT["alignment_concept_prompts"], n_retain_wide=48),
}


def train_des(cfg: Config) -> None:
    train_text_alignment(cfg, "des", **ALIGN_HP["des"])


def train_sage(cfg: Config) -> None:
    train_text_alignment(cfg, "sage", **ALIGN_HP["sage"])
