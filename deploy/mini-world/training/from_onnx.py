"""Rebuilds stage checkpoints from the committed ONNX models (for when <out>/.work is gone).

The export renames and reshapes some weights (Linear weights become transposed MatMul constants,
GroupNorm affine parameters become [C,1,1] Mul/Add constants, BatchNorm is folded into the preceding
convolution). To map them back without guessing, the same architecture is exported once with random,
distinct weights (and identity BatchNorm): every initializer of that probe export is matched by value to
the torch parameter it came from, and since the graph is the same code traced by the same torch, the
committed file's initializer of the same name is that parameter's trained value. Folded BatchNorm comes
back as the fused convolution with an identity BatchNorm. The recovered module is then re-exported and
every initializer is compared with the committed file (max |diff| must be <= 1e-6); anything else fails.
"""
from __future__ import annotations

import os
import tempfile
from typing import Callable, Dict, List, Tuple

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import models as M
import tokenizer as TK
from common import Config, final_path, log, save_atomic
from export import _CT, _Den, _TE, export_one
from stages import CLIP_E, D_TEXT, base_stage, new_reader, new_text_encoder

TOL = 1e-6


def _identity_bn(module: torch.nn.Module) -> None:
    """BatchNorm that computes y = x (so the exported, folded conv weights equal the conv's own)."""
    for bn in module.modules():
        if isinstance(bn, torch.nn.BatchNorm2d):
            bn.weight.data.fill_(1.0)
            bn.bias.data.zero_()
            bn.running_mean.zero_()
            bn.running_var.fill_(1.0 - bn.eps)


def _initializers(path: str) -> Dict[str, np.ndarray]:
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def _export_tmp(name: str, module: torch.nn.Module, tmp: str) -> Dict[str, np.ndarray]:
    export_one(name, module, tmp, {})
    return _initializers(os.path.join(tmp, "models", name, "1", "model.onnx"))


def _mapping(name: str, module: torch.nn.Module, tmp: str) -> Dict[str, Tuple[str, str]]:
    """ONNX initializer name -> (torch parameter name, transform) from a probe export with random weights."""
    torch.manual_seed(4321)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p))
    _identity_bn(module)
    probe = _export_tmp(name, module, tmp)
    params = {k: v.detach().numpy() for k, v in module.named_parameters()}
    out: Dict[str, Tuple[str, str]] = {}
    for iname, arr in probe.items():
        hits = []
        for pname, p in params.items():
            if p.shape == arr.shape and np.abs(p - arr).max() <= TOL:
                hits.append((pname, "same"))
            elif p.ndim == 2 and p.T.shape == arr.shape and np.abs(p.T - arr).max() <= TOL:
                hits.append((pname, "transpose"))
            elif p.size == arr.size and p.shape != arr.shape and np.abs(p.reshape(arr.shape) - arr).max() <= TOL:
                hits.append((pname, "reshape"))
        if len(hits) == 1:
            out[iname] = hits[0]
        elif len(hits) > 1:
            raise RuntimeError(f"{name}: initializer {iname} matches several parameters {hits}")
    folded = {f"{n}.{k}" for n, m in module.named_modules() if isinstance(m, torch.nn.BatchNorm2d) for k in ("weight", "bias")}
    missing = set(params) - folded - {p for p, _ in out.values()}
    if missing:
        raise RuntimeError(f"{name}: parameters not found in the export: {sorted(missing)}")
    return out


def recover_module(name: str, make: Callable[[], torch.nn.Module], wrap: Callable[[torch.nn.Module], torch.nn.Module],
                   onnx_path: str) -> torch.nn.Module:
    """A torch module of the given architecture carrying the weights of ``onnx_path`` (verified by re-export)."""
    with tempfile.TemporaryDirectory(prefix="miniworld-onnx-") as tmp:
        probe_mod = make()
        mapping = _mapping(name, wrap(probe_mod), tmp)
        trained = _initializers(onnx_path)
        mod = make()
        wrapped = wrap(mod)
        named = dict(wrapped.named_parameters())
        with torch.no_grad():
            for iname, (pname, how) in mapping.items():
                arr = trained[iname]
                p = named[pname]
                v = arr.T if how == "transpose" else arr.reshape(p.shape)
                p.copy_(torch.from_numpy(np.array(v, dtype=np.float32)))
        _identity_bn(mod)
        again = _export_tmp(name, wrapped, tmp)
        if set(again) != set(trained):
            raise RuntimeError(f"{name}: re-export has different initializers than {onnx_path}")
        worst = max(float(np.abs(again[k].astype(np.float64) - trained[k]).max()) for k in trained)
        if worst > TOL:
            raise RuntimeError(f"{name}: re-export differs from {onnx_path} by {worst:.3g}")
        log(f"[from-onnx] {name}: {len(mapping)} initializers mapped; re-export matches (max |diff| {worst:.2g})")
        return mod.eval()


def _path(cfg: Config, model: str) -> str:
    return os.path.join(cfg.out, "models", model, "1", "model.onnx")


RECOVERABLE = ["base", "safety", "reader", "clip", "esd", "des", "sage"]


def recover(cfg: Config, stages: List[str]) -> None:
    """Writes <work>/<stage>.final.pt for each stage from the ONNX files under <out>/models."""
    for st in stages:
        if st not in RECOVERABLE:
            raise ValueError(f"--from-onnx: unknown stage {st!r} (one of {RECOVERABLE})")
        # The exported base model is the last base phase (the grounding phase when it is on).
        target = final_path(cfg, base_stage(cfg) if st == "base" else st)
        if os.path.exists(target):
            log(f"[from-onnx] {st}: checkpoint exists, kept")
            continue
        te = lambda: new_text_encoder()  # noqa: E731
        un = lambda: M.UNet(D_TEXT)  # noqa: E731
        if st == "base":
            obj = {"te": recover_module("text_encoder", te, _TE, _path(cfg, "text_encoder")).state_dict(),
                   "un": recover_module("denoiser", un, _Den, _path(cfg, "denoiser")).state_dict()}
        elif st in ("des", "sage"):
            obj = {"te": recover_module(f"text_encoder_{st}", te, _TE, _path(cfg, f"text_encoder_{st}")).state_dict()}
        elif st == "esd":
            obj = {"un": recover_module("denoiser_esd", un, _Den, _path(cfg, "denoiser_esd")).state_dict()}
        elif st == "safety":
            obj = {"m": recover_module("safety_classifier", M.SafetyClassifier, lambda m: m, _path(cfg, "safety_classifier")).state_dict()}
        elif st == "reader":
            obj = {"m": recover_module("reader", new_reader, M.ReaderExport, _path(cfg, "reader")).state_dict()}
        else:  # clip
            mi = recover_module("clip_image", lambda: M.ClipImage(CLIP_E), lambda m: m, _path(cfg, "clip_image"))
            mt = recover_module("clip_text", lambda: M.ClipText(len(TK.VOCAB), TK.L, 64, CLIP_E), _CT, _path(cfg, "clip_text"))
            obj = {"mi": mi.state_dict(), "mt": mt.state_dict(), "scale": float("nan")}
        save_atomic(obj, target)
        log(f"[from-onnx] {st}: wrote {target}")
