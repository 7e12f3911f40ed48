"""ONNX export (opset 17, dynamic batch) and Triton config.pbtxt for every model of the mini world."""
from __future__ import annotations

import hashlib
import os
from typing import Dict, List, Tuple

import onnx
import torch

import clip_front as CF
import clip_vocabulary as CV
import models as M
import tokenizer as TK
import world as WD
from common import Config, final_path, log
from stages import CLIP_E, D_TEXT, load_base, new_reader, new_text_encoder

OPSET = 17
MAX_BATCH = 256

# name -> (inputs, outputs); each tensor: (name, TYPE_*, dims without batch)
L, D = TK.L, D_TEXT
S = len(WD.SLOTS)
# The text encoders and clip_text take what SD's text encoder and CLIP's text tower take, CLIP BPE ids [B, 77]
# (clip_front.py); word_ids is the word-level row they read from it, for checking the tokenizer contract.
TEXT_IO = ([("input_ids", "TYPE_INT64", [CV.CONTEXT_LENGTH])],
           [("last_hidden_state", "TYPE_FP32", [L, D]), ("pooled", "TYPE_FP32", [D]), ("word_ids", "TYPE_INT64", [L])])
TEXT_PARAMS = {"tokenizer": "tokenizer", "max_length": str(CV.CONTEXT_LENGTH), "pooled": "mean_over_positions"}
DENOISER_IO = ([("sample", "TYPE_FP32", [3, 32, 32]), ("timestep", "TYPE_INT64", [1]),
                ("encoder_hidden_states", "TYPE_FP32", [L, D])], [("model_output", "TYPE_FP32", [3, 32, 32])])
IMAGE_IN = [("image", "TYPE_FP32", [3, 32, 32])]
CONTRACTS: Dict[str, Tuple[list, list]] = {
    "text_encoder": TEXT_IO,
    "text_encoder_des": TEXT_IO,
    "text_encoder_sage": TEXT_IO,
    "denoiser": DENOISER_IO,
    "denoiser_esd": DENOISER_IO,
    "safety_classifier": (IMAGE_IN, [("probability", "TYPE_FP32", [1])]),
    "clip_image": (IMAGE_IN, [("image_embeds", "TYPE_FP32", [CLIP_E])]),
    "clip_text": ([("input_ids", "TYPE_INT64", [CV.CONTEXT_LENGTH])],
                  [("text_embeds", "TYPE_FP32", [CLIP_E]), ("word_ids", "TYPE_INT64", [L])]),
    "reader": (IMAGE_IN, [("shape_logits", "TYPE_FP32", [S, len(WD.SHAPES) + 1]),
                          ("color_logits", "TYPE_FP32", [S, len(WD.COLORS)]),
                          ("size_logits", "TYPE_FP32", [S, len(WD.SIZES)])]),
}
DIFFUSION_PARAMS = {"prediction_type": "v_prediction", "num_train_timesteps": "1000", "beta_schedule": "cosine",
                    "clip_sample": "true", "sample_size": "32",
                    "use_clipped_model_output": str(WD.W["diffusion"]["sampler"]["use_clipped_model_output"]).lower(),
                    "guidance_scale_default": str(WD.W["diffusion"]["sampler"]["guidance_scale"]),
                    "num_inference_steps_default": str(WD.W["diffusion"]["sampler"]["steps"])}


def config_pbtxt(name: str, params: Dict[str, str]) -> str:
    ins, outs = CONTRACTS[name]

    def tensors(ts: List[tuple]) -> str:
        return ",\n".join("  {\n    name: \"%s\"\n    data_type: %s\n    dims: [ %s ]\n  }" % (n, t, ", ".join(str(d) for d in dims))
                          for n, t, dims in ts)

    s = (f"name: \"{name}\"\nplatform: \"onnxruntime_onnx\"\nmax_batch_size: {MAX_BATCH}\n"
         f"input [\n{tensors(ins)}\n]\noutput [\n{tensors(outs)}\n]\n"
         "dynamic_batching {\n  max_queue_delay_microseconds: 2000\n}\n")
    if name.startswith("denoiser"):
        s += ("# No count: the server runs one instance per core (at most 8), each with the cores shared among them.\n"
              "instance_group [\n  {\n    kind: KIND_CPU\n  }\n]\n")
    else:
        s += "instance_group [\n  {\n    kind: KIND_CPU\n    count: 1\n  }\n]\n"
    for k, v in params.items():
        s += "parameters {\n  key: \"%s\"\n  value: { string_value: \"%s\" }\n}\n" % (k, v)
    return s


class _TE(torch.nn.Module):
    def __init__(self, m: M.TextEncoder) -> None:
        super().__init__()
        self.front = CF.new_front()
        self.m = m

    def forward(self, input_ids: torch.Tensor):
        words = self.front(input_ids)
        h, pooled = self.m(words)
        return h, pooled, words


class _CT(torch.nn.Module):
    def __init__(self, m: M.ClipText) -> None:
        super().__init__()
        self.front = CF.new_front(empty_is_null=False)
        self.m = m

    def forward(self, input_ids: torch.Tensor):
        words = self.front(input_ids)
        return self.m(words), words


class _Den(torch.nn.Module):
    def __init__(self, m: M.UNet) -> None:
        super().__init__()
        self.m = m

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor):
        return self.m(sample, timestep, encoder_hidden_states)


def example_inputs(name: str) -> Tuple[torch.Tensor, ...]:
    ins, _ = CONTRACTS[name]
    ex = []
    g = torch.Generator().manual_seed(0)
    for n, t, dims in ins:
        if t == "TYPE_INT64":
            hi = 1000 if n == "timestep" else len(TK.VOCAB)
            ex.append(torch.randint(0, hi, [2] + dims, generator=g))
        else:
            ex.append(torch.rand([2] + dims, generator=g))
    return tuple(ex)


def export_one(name: str, module: torch.nn.Module, out_root: str, params: Dict[str, str]) -> dict:
    module = module.eval()
    ins, outs = CONTRACTS[name]
    d = os.path.join(out_root, "models", name, "1")
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "model.onnx")
    ex = example_inputs(name)
    dyn = {n: {0: "batch"} for n, _, _ in ins + outs}
    with torch.no_grad():
        torch.onnx.export(module, ex, path, opset_version=OPSET, input_names=[n for n, _, _ in ins],
                          output_names=[n for n, _, _ in outs], dynamic_axes=dyn, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    inferred = onnx.shape_inference.infer_shapes(m)
    for vi, (n, t, dims) in zip(list(inferred.graph.output), outs):
        shape = [dd.dim_value if dd.HasField("dim_value") else dd.dim_param for dd in vi.type.tensor_type.shape.dim]
        if vi.name != n or shape[1:] not in (dims, [0] * len(dims), [""] * len(dims)):
            log(f"[export] {name}: output {vi.name} inferred shape {shape}, contract {dims}")
    with open(os.path.join(out_root, "models", name, "config.pbtxt"), "w") as f:
        f.write(config_pbtxt(name, params))
    size = os.path.getsize(path)
    sha = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with torch.no_grad():
        y = module(*ex)
    y = y if isinstance(y, tuple) else (y,)
    log(f"[export] {name}: {size / 1e6:.2f} MB, {len(m.graph.node)} nodes, checker ok")
    return {"name": name, "bytes": size, "sha256": sha, "nodes": len(m.graph.node),
            "params": sum(p.numel() for p in module.parameters()),
            "outputs": {n: list(t.shape[1:]) for (n, _, _), t in zip(outs, y)}}


def export_all(cfg: Config) -> List[dict]:
    out = cfg.out
    te, un = load_base(cfg)
    res = [export_one("text_encoder", _TE(te), out, TEXT_PARAMS)]
    for var in ("des", "sage"):
        t = new_text_encoder()
        t.load_state_dict(torch.load(final_path(cfg, var), map_location="cpu")["te"])
        res.append(export_one(f"text_encoder_{var}", _TE(t), out, dict(TEXT_PARAMS, alignment=var)))
    res.append(export_one("denoiser", _Den(un), out, DIFFUSION_PARAMS))
    u2 = M.UNet(D_TEXT)
    u2.load_state_dict(torch.load(final_path(cfg, "esd"), map_location="cpu")["un"])
    res.append(export_one("denoiser_esd", _Den(u2), out, dict(DIFFUSION_PARAMS, alignment="esd")))
    sc = M.SafetyClassifier()
    sc.load_state_dict(torch.load(final_path(cfg, "safety"), map_location="cpu")["m"])
    res.append(export_one("safety_classifier", sc, out, {"concept": WD.CONCEPT["name"], "threshold_default": "0.5"}))
    st = torch.load(final_path(cfg, "clip"), map_location="cpu")
    mi, mt = M.ClipImage(CLIP_E), M.ClipText(len(TK.VOCAB), L, 64, CLIP_E)
    mi.load_state_dict(st["mi"])
    mt.load_state_dict(st["mt"])
    res.append(export_one("clip_image", mi, out, {"normalized": "false", "embedding_dim": str(CLIP_E)}))
    res.append(export_one("clip_text", _CT(mt), out, {"normalized": "false", "embedding_dim": str(CLIP_E), "tokenizer": "tokenizer"}))
    rd = new_reader()
    rd.load_state_dict(torch.load(final_path(cfg, "reader"), map_location="cpu")["m"])
    res.append(export_one("reader", M.ReaderExport(rd), out, {"slots": ",".join(WD.SLOTS), "shape_classes": ",".join(["empty"] + WD.SHAPES),
                                                             "colors": ",".join(WD.COLORS), "sizes": ",".join(WD.SIZES)}))
    total = sum(r["bytes"] for r in res)
    log(f"[export] total ONNX size {total / 1e6:.2f} MB")
    return res
