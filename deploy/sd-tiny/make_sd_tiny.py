#!/usr/bin/env python3
"""Writes a random-weight stand-in for Stable Diffusion 1.x in the layout of an ONNX export by optimum.

Run with Debian's packages (apt-get install python3-torch python3-onnx python3-numpy python3-regex):
    /usr/bin/python3 deploy/sd-tiny/make_sd_tiny.py [--out DIR] [--vocab PATH]
DIR defaults to target/sd-tiny under the repository root; PATH to ../shared/tokenizers/clip/
bpe_simple_vocab_16e6.txt.gz next to it. The models are tiny and random but keep SD 1.x's tensor names,
datatypes and ranks (see README.md). Weights come from fixed seeds: a re-run writes the same bytes.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import io
import json
import math
import os
import shutil
import sys
from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "target" / "sd-tiny"
DEFAULT_VOCAB = REPO_ROOT.parent / "shared" / "tokenizers" / "clip" / "bpe_simple_vocab_16e6.txt.gz"
DEFAULT_REFERENCE_IDS = DEFAULT_VOCAB.parent / "reference_ids.jsonl"

OPSET = 14  # optimum's default for Stable Diffusion; every ONNX Runtime since 1.11 runs it
VOCAB_SIZE = 49408
MAX_POSITIONS = 77
BOS, EOS = 49406, 49407
HIDDEN = 16  # the text width D; the 49408 x D token embedding dominates the size
TEXT_LAYERS = 2
TEXT_HEADS = 2
LATENT_CHANNELS = 4
LATENT_SIZE = 8  # the stand-in's nominal latent side: 64 x 64 images (SD 1.x: 64 -> 512)
VAE_SCALE = 8
SCALING_FACTOR = 0.18215
SEEDS = {"text_encoder": 1001, "unet": 1002, "vae_decoder": 1003, "esd_unet": 2002, "des_text_encoder": 2001}
VARIANT_NOISE = 0.5  # relative size of the perturbation that makes the ESD/DES-like variants


# ---------------------------------------------------------------------------------------------------------
# Models (plain torch; module names follow transformers/diffusers where a real counterpart exists)


class ClipAttention(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads, self.dim = heads, dim
        self.q_proj, self.k_proj = nn.Linear(dim, dim), nn.Linear(dim, dim)
        self.v_proj, self.out_proj = nn.Linear(dim, dim), nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        # widths are Python ints, not traced shapes, so the graph keeps them as fixed dimensions
        b, d = x.shape[0], self.dim
        dh = d // self.heads
        split = lambda t: t.reshape(b, -1, self.heads, dh).transpose(1, 2)
        q, k, v = split(self.q_proj(x)), split(self.k_proj(x)), split(self.v_proj(x))
        weights = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(dh) + mask, dim=-1)
        return self.out_proj((weights @ v).transpose(1, 2).reshape(b, -1, d))


class ClipLayer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.layer_norm1, self.self_attn = nn.LayerNorm(dim), ClipAttention(dim, heads)
        self.layer_norm2 = nn.LayerNorm(dim)
        self.fc1, self.fc2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.layer_norm1(x), mask)
        h = self.fc1(self.layer_norm2(x))
        return x + self.fc2(h * torch.sigmoid(1.702 * h))  # quick_gelu, as CLIP


class TinyClipText(nn.Module):
    """CLIP's text transformer in miniature: causal self-attention, final layer norm, pooled = hidden
    state at the end token (the argmax of the ids, as CLIP takes it)."""

    def __init__(self):
        super().__init__()
        self.token_embedding = nn.Embedding(VOCAB_SIZE, HIDDEN)
        self.position_embedding = nn.Embedding(MAX_POSITIONS, HIDDEN)
        nn.init.normal_(self.token_embedding.weight, std=0.02)  # CLIP's initializer_range
        nn.init.normal_(self.position_embedding.weight, std=0.01)
        self.layers = nn.ModuleList(ClipLayer(HIDDEN, TEXT_HEADS) for _ in range(TEXT_LAYERS))
        self.final_layer_norm = nn.LayerNorm(HIDDEN)

    def forward(self, input_ids: torch.Tensor):
        seq = input_ids.shape[1]
        x = self.token_embedding(input_ids) + self.position_embedding.weight[:seq].unsqueeze(0)
        pos = torch.arange(seq)
        mask = (pos.unsqueeze(0) > pos.unsqueeze(1)).float() * -1e9  # a token sees itself and its left
        for layer in self.layers:
            x = layer(x, mask)
        last = self.final_layer_norm(x)
        end = input_ids.argmax(dim=-1)  # int32 argmax, as transformers' CLIP does for ONNX
        pooled = torch.gather(last, 1, end.long().reshape(-1, 1, 1).expand(-1, 1, HIDDEN)).reshape(-1, HIDDEN)
        return last, pooled


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int | None):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(8, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(temb, cout) if temb else None
        self.norm2, self.conv2 = nn.GroupNorm(8, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.conv_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x: torch.Tensor, temb: torch.Tensor | None = None) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.time_emb_proj is not None:
            h = h + self.time_emb_proj(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (x if self.conv_shortcut is None else self.conv_shortcut(x)) + h


class CrossAttention(nn.Module):
    """Image tokens attend to the text tokens (encoder_hidden_states), as in SD's transformer blocks."""

    def __init__(self, channels: int, context_dim: int, heads: int):
        super().__init__()
        self.heads, self.channels = heads, channels
        self.norm = nn.GroupNorm(8, channels)
        self.to_q = nn.Linear(channels, channels, bias=False)
        self.to_k = nn.Linear(context_dim, channels, bias=False)
        self.to_v = nn.Linear(context_dim, channels, bias=False)
        self.to_out = nn.Linear(channels, channels)

    def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        b, h, w = x.shape[0], x.shape[2], x.shape[3]
        c = self.channels
        dh = c // self.heads
        tokens = self.norm(x).flatten(2).transpose(1, 2)  # [b, h*w, c]
        split = lambda t: t.reshape(b, -1, self.heads, dh).transpose(1, 2)
        q, k, v = split(self.to_q(tokens)), split(self.to_k(context)), split(self.to_v(context))
        weights = torch.softmax(q @ k.transpose(2, 3) / math.sqrt(dh), dim=-1)
        out = self.to_out((weights @ v).transpose(1, 2).reshape(b, -1, c))
        return x + out.transpose(1, 2).reshape(b, c, h, w)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """SD's sinusoidal embedding (flip_sin_to_cos=True, freq_shift=0): [cos | sin] of t * 10000^(-i/half)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float().unsqueeze(1) * freqs.unsqueeze(0)
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class TinyUnet(nn.Module):
    """conv_in -> resblock -> down -> resblock + cross-attention -> up -> resblock (skip) -> conv_out."""

    def __init__(self):
        super().__init__()
        c1, c2, temb = 32, 64, 64
        self.time_embedding = nn.Sequential(nn.Linear(32, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c1, 3, padding=1)
        self.down_res = ResBlock(c1, c1, temb)
        self.downsample = nn.Conv2d(c1, c2, 3, stride=2, padding=1)
        self.mid_res = ResBlock(c2, c2, temb)
        self.mid_attn = CrossAttention(c2, HIDDEN, heads=2)
        self.up_res = ResBlock(c2 + c1, c1, temb)
        self.conv_norm_out = nn.GroupNorm(8, c1)
        self.conv_out = nn.Conv2d(c1, LATENT_CHANNELS, 3, padding=1)
        with torch.no_grad():  # default init leaves the output at std ~0.3; SD's noise prediction is ~1
            self.conv_out.weight.mul_(3.0)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor):
        # optimum's pipeline passes one timestep for the whole (guidance-doubled) batch: broadcast it.
        t = timestep.expand(sample.shape[0])
        temb = self.time_embedding(timestep_embedding(t, 32))
        skip = self.down_res(self.conv_in(sample), temb)
        h = self.mid_res(self.downsample(skip), temb)
        h = self.mid_attn(h, encoder_hidden_states)
        h = F.interpolate(h, scale_factor=2.0, mode="nearest")
        h = self.up_res(torch.cat([h, skip], dim=1), temb)
        return self.conv_out(F.silu(self.conv_norm_out(h)))


class TinyVaeDecoder(nn.Module):
    """post_quant_conv, conv_in, a resblock, three (upsample x2, conv) stages, norm, conv_out to RGB."""

    def __init__(self):
        super().__init__()
        self.post_quant_conv = nn.Conv2d(LATENT_CHANNELS, LATENT_CHANNELS, 1)
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, 32, 3, padding=1)
        self.mid = ResBlock(32, 32, None)
        widths = [32, 32, 16, 16]
        self.up_convs = nn.ModuleList(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1) for i in range(3))
        self.up_norms = nn.ModuleList(nn.GroupNorm(8, widths[i + 1]) for i in range(3))
        self.conv_out = nn.Conv2d(16, 3, 3, padding=1)

    def forward(self, latent_sample: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(self.post_quant_conv(latent_sample)))
        for conv, norm in zip(self.up_convs, self.up_norms):
            h = F.silu(norm(conv(F.interpolate(h, scale_factor=2.0, mode="nearest"))))
        return self.conv_out(h)


def build(cls, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return cls().eval()


def perturbed(model: nn.Module, prefixes: tuple[str, ...], seed: int) -> nn.Module:
    """A copy whose parameters under the given name prefixes carry seeded noise of VARIANT_NOISE x their std:
    the shape of a fine-tune that touches only some weights (ESD-x: cross-attention; DES: the text layers)."""
    copy = type(model)().eval()
    copy.load_state_dict(model.state_dict())
    gen = torch.Generator().manual_seed(seed)
    touched = 0
    with torch.no_grad():
        for name, p in copy.named_parameters():
            if name.startswith(prefixes):
                scale = float(p.std()) if p.numel() > 1 and float(p.std()) > 0 else 0.1
                p.add_(torch.randn(p.shape, generator=gen) * VARIANT_NOISE * scale)
                touched += 1
    if touched == 0:
        raise ValueError(f"no parameter matches {prefixes}")
    return copy


# ---------------------------------------------------------------------------------------------------------
# Export


def export(model: nn.Module, args: tuple, path: Path, inputs: dict, outputs: dict, contract: tuple,
           external: bool) -> None:
    """torch.onnx.export with optimum's tensor names and dynamic axes; the UNet's weights go to
    model.onnx_data as optimum writes them for models over 2 GB. Fixed widths that the exporter's shape
    inference lost (it names them 'Add..._dim_2') are set from the contract."""
    buf = io.BytesIO()
    torch.onnx.export(model, args, buf, input_names=list(inputs), output_names=list(outputs),
                      dynamic_axes={**{k: v for k, v in inputs.items() if v},
                                    **{k: v for k, v in outputs.items() if v}},
                      opset_version=OPSET, do_constant_folding=True)
    proto = onnx.load_from_string(buf.getvalue())
    for values, expected in ((proto.graph.input, contract[0]), (proto.graph.output, contract[1])):
        for v in values:
            for dim, want in zip(v.type.tensor_type.shape.dim, expected[v.name][1]):
                if isinstance(want, int):
                    dim.dim_value = want
    path.parent.mkdir(parents=True, exist_ok=True)
    if external:
        onnx.save_model(proto, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                        location="model.onnx_data", size_threshold=0)
    else:
        onnx.save_model(proto, str(path))


TEXT_IO = ({"input_ids": {0: "batch_size", 1: "sequence_length"}},
           {"last_hidden_state": {0: "batch_size", 1: "sequence_length"}, "pooler_output": {0: "batch_size"}})
UNET_IO = ({"sample": {0: "batch_size", 2: "height", 3: "width"}, "timestep": {0: "steps"},
            "encoder_hidden_states": {0: "batch_size", 1: "sequence_length"}},
           {"out_sample": {0: "batch_size", 2: "height", 3: "width"}})
VAE_IO = ({"latent_sample": {0: "batch_size", 2: "height_latent", 3: "width_latent"}},
          {"sample": {0: "batch_size", 2: "height", 3: "width"}})


def example_ids(batch: int = 2) -> torch.Tensor:
    """Two prompts' worth of ids (start, a few tokens, end, padding with the end token)."""
    rows = []
    for b in range(batch):
        body = [320 + 7 * b + 11 * i for i in range(3 + 2 * b)]
        row = [BOS] + body + [EOS]
        rows.append(row + [EOS] * (MAX_POSITIONS - len(row)))
    return torch.tensor(rows, dtype=torch.int32)


def pattern(shape: tuple[int, ...], phase: float) -> torch.Tensor:
    """A deterministic input a Java test can rebuild: element i (row-major) = sin(0.37 * i + phase)."""
    n = int(np.prod(shape))
    return torch.sin(0.37 * torch.arange(n, dtype=torch.float64) + phase).float().reshape(shape)


def write_text_encoder(model: nn.Module, folder: Path) -> None:
    export(model, (example_ids(),), folder / "model.onnx", *TEXT_IO, TEXT_CONTRACT, external=False)
    write_json(folder / "config.json", {
        "_name_or_path": "lucid/sd-tiny", "architectures": ["CLIPTextModel"], "bos_token_id": 0,
        "eos_token_id": 2, "hidden_act": "quick_gelu", "hidden_size": HIDDEN, "intermediate_size": 4 * HIDDEN,
        "layer_norm_eps": 1e-05, "max_position_embeddings": MAX_POSITIONS, "model_type": "clip_text_model",
        "num_attention_heads": TEXT_HEADS, "num_hidden_layers": TEXT_LAYERS, "pad_token_id": 1,
        "projection_dim": HIDDEN, "torch_dtype": "float32", "vocab_size": VOCAB_SIZE})


def write_unet(model: nn.Module, folder: Path) -> None:
    args = (pattern((2, LATENT_CHANNELS, LATENT_SIZE, LATENT_SIZE), 0.0), torch.tensor([981], dtype=torch.int64),
            pattern((2, MAX_POSITIONS, HIDDEN), 1.0))
    export(model, args, folder / "model.onnx", *UNET_IO, UNET_CONTRACT, external=True)
    write_json(folder / "config.json", {
        "_class_name": "UNet2DConditionModel", "act_fn": "silu", "attention_head_dim": 32,
        "block_out_channels": [32, 64], "cross_attention_dim": HIDDEN, "in_channels": LATENT_CHANNELS,
        "layers_per_block": 1, "norm_num_groups": 8, "out_channels": LATENT_CHANNELS,
        "sample_size": LATENT_SIZE, "time_cond_proj_dim": None})


def write_vae_decoder(model: nn.Module, folder: Path) -> None:
    args = (pattern((1, LATENT_CHANNELS, LATENT_SIZE, LATENT_SIZE), 2.0),)
    export(model, args, folder / "model.onnx", *VAE_IO, VAE_CONTRACT, external=False)
    write_json(folder / "config.json", {
        "_class_name": "AutoencoderKL", "act_fn": "silu", "block_out_channels": [16, 16, 32, 32],
        "in_channels": 3, "latent_channels": LATENT_CHANNELS, "norm_num_groups": 8, "out_channels": 3,
        "sample_size": LATENT_SIZE * VAE_SCALE, "scaling_factor": SCALING_FACTOR,
        "up_block_types": ["UpDecoderBlock2D"] * 4})


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------------------
# Pipeline metadata


def model_index() -> dict:
    """model_index.json as diffusers writes it for OnnxStableDiffusionPipeline: every component folder
    named with its class; the components this stand-in leaves out are [null, null]."""
    return {
        "_class_name": "OnnxStableDiffusionPipeline",
        "_diffusers_version": "0.21.4",
        "feature_extractor": [None, None],
        "requires_safety_checker": False,
        "safety_checker": [None, None],
        "scheduler": ["diffusers", "PNDMScheduler"],
        "text_encoder": ["diffusers", "OnnxRuntimeModel"],
        "tokenizer": ["transformers", "CLIPTokenizer"],
        "unet": ["diffusers", "OnnxRuntimeModel"],
        "vae_decoder": ["diffusers", "OnnxRuntimeModel"],
        "vae_encoder": [None, None],
    }


# scheduler/scheduler_config.json of CompVis/stable-diffusion-v1-4, key order included.
SCHEDULER_CONFIG = """{
  "_class_name": "PNDMScheduler",
  "_diffusers_version": "0.7.0.dev0",
  "beta_end": 0.012,
  "beta_schedule": "scaled_linear",
  "beta_start": 0.00085,
  "num_train_timesteps": 1000,
  "set_alpha_to_one": false,
  "skip_prk_steps": true,
  "steps_offset": 1,
  "trained_betas": null,
  "clip_sample": false
}
"""


def added_token(content: str, typed: bool) -> dict:
    token = {"content": content, "lstrip": False, "normalized": True, "rstrip": False, "single_word": False}
    return {"__type": "AddedToken", **token} if typed else token


def tokenizer_config() -> dict:
    """tokenizer/tokenizer_config.json of the SD 1.x repositories (CLIPTokenizer of CLIP ViT-L/14)."""
    return {
        "add_prefix_space": False,
        "bos_token": added_token("<|startoftext|>", True),
        "do_lower_case": True,
        "eos_token": added_token("<|endoftext|>", True),
        "errors": "replace",
        "model_max_length": MAX_POSITIONS,
        "name_or_path": "openai/clip-vit-large-patch14",
        "pad_token": "<|endoftext|>",
        "special_tokens_map_file": "./special_tokens_map.json",
        "tokenizer_class": "CLIPTokenizer",
        "unk_token": added_token("<|endoftext|>", True),
    }


def special_tokens_map() -> dict:
    return {
        "bos_token": added_token("<|startoftext|>", False),
        "eos_token": added_token("<|endoftext|>", False),
        "pad_token": "<|endoftext|>",
        "unk_token": added_token("<|endoftext|>", False),
    }


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2/CLIP's reversible byte -> printable character table, in its defining order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


def read_merges(vocab_path: Path) -> list[tuple[str, str]]:
    if not vocab_path.is_file():
        sys.exit(f"error: CLIP BPE vocabulary not found at {vocab_path}; pass --vocab "
                 "<path to bpe_simple_vocab_16e6.txt.gz> (see ../shared/tokenizers/clip/SOURCE.md)")
    lines = gzip.open(vocab_path, "rt", encoding="utf-8").read().split("\n")
    count = VOCAB_SIZE - 2 * 256 - 2  # 48,894 merges: lines 2 .. 48,895
    merges = [tuple(line.split()) for line in lines[1:1 + count]]
    if len(merges) != count or any(len(m) != 2 for m in merges):
        sys.exit(f"error: {vocab_path} has fewer than {count} well-formed merge lines")
    return merges


def clip_vocabulary(merges: list[tuple[str, str]]) -> dict[str, int]:
    """256 byte symbols, the same with </w>, the merges joined, then the two specials (ids 0..49407)."""
    symbols = list(bytes_to_unicode().values())
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {t: i for i, t in enumerate(tokens)}
    if len(vocab) != VOCAB_SIZE:
        raise ValueError(f"vocabulary has {len(vocab)} distinct tokens, expected {VOCAB_SIZE}")
    return vocab


def write_tokenizer(folder: Path, merges: list[tuple[str, str]], vocab: dict[str, int]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges),
                                       encoding="utf-8")
    write_json(folder / "special_tokens_map.json", special_tokens_map())
    write_json(folder / "tokenizer_config.json", tokenizer_config())


def bpe(word: str, ranks: dict[tuple[str, str], int], applied: list[tuple[str, str]] | None = None) -> list[str]:
    """CLIP's BPE of one pre-token given as byte symbols; the merges it applies are appended to ``applied``."""
    parts = list(word[:-1]) + [word[-1] + "</w>"]
    while len(parts) > 1:
        pairs = [(ranks.get((parts[i], parts[i + 1]), math.inf), i) for i in range(len(parts) - 1)]
        rank, i = min(pairs)
        if rank == math.inf:
            break
        first, second = parts[i], parts[i + 1]
        if applied is not None:
            applied.append((first, second))
        merged, j = [], 0
        while j < len(parts):
            if j < len(parts) - 1 and parts[j] == first and parts[j + 1] == second:
                merged.append(first + second)
                j += 2
            else:
                merged.append(parts[j])
                j += 1
        parts = merged
    return parts


def check_bpe(vocab: dict[str, int], merges: list[tuple[str, str]], reference: Path) -> int:
    """Encodes the reference prompts with the derived vocab.json/merges.txt and compares the ids with those of
    openai's tokenizer; returns the number of prompts checked (0 when the reference file is absent)."""
    if not reference.is_file():
        return 0
    import regex  # python3-regex: CLIP's pre-tokenizer needs \\p{L} and \\p{N}
    pat = regex.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
                        regex.IGNORECASE)
    ranks = {m: i for i, m in enumerate(merges)}
    byte_map = bytes_to_unicode()
    checked = 0
    for line in reference.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        text = " ".join(html.unescape(html.unescape(row["text"])).strip().split()).lower()
        ids = []
        for token in pat.findall(text):
            ids += [vocab[p] for p in bpe("".join(byte_map[b] for b in token.encode("utf-8")), ranks)]
        if ids != row["ids"]:
            raise ValueError(f"derived vocabulary encodes {row['text']!r} as {ids}, openai's tokenizer as {row['ids']}")
        checked += 1
    return checked


# ---------------------------------------------------------------------------------------------------------
# Validation and reference values


def check_onnx(path: Path, inputs: dict, outputs: dict) -> None:
    """onnx.checker (the path form also checks external data) plus shape inference; the graph's inputs and
    outputs must be exactly the contract's names, datatypes and ranks."""
    onnx.checker.check_model(str(path), full_check=True)
    model = onnx.load(str(path))
    for kind, values, expected in (("input", model.graph.input, inputs), ("output", model.graph.output, outputs)):
        got = {v.name: (onnx.TensorProto.DataType.Name(v.type.tensor_type.elem_type),
                        [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]) for v in values}
        if got != expected:
            raise ValueError(f"{path}: graph {kind}s are {got}, the contract says {expected}")


TEXT_CONTRACT = ({"input_ids": ("INT32", ["batch_size", "sequence_length"])},
                 {"last_hidden_state": ("FLOAT", ["batch_size", "sequence_length", HIDDEN]),
                  "pooler_output": ("FLOAT", ["batch_size", HIDDEN])})
UNET_CONTRACT = ({"sample": ("FLOAT", ["batch_size", LATENT_CHANNELS, "height", "width"]),
                  "timestep": ("INT64", ["steps"]),
                  "encoder_hidden_states": ("FLOAT", ["batch_size", "sequence_length", HIDDEN])},
                 {"out_sample": ("FLOAT", ["batch_size", LATENT_CHANNELS, "height", "width"])})
VAE_CONTRACT = ({"latent_sample": ("FLOAT", ["batch_size", LATENT_CHANNELS, "height_latent", "width_latent"])},
                {"sample": ("FLOAT", ["batch_size", 3, "height", "width"])})


def summary(t: torch.Tensor) -> dict:
    flat = t.detach().double().flatten()
    return {"shape": list(t.shape), "sum": round(float(flat.sum()), 6), "abs_sum": round(float(flat.abs().sum()), 6),
            "first": [round(float(v), 6) for v in flat[:4]]}


def references(text: nn.Module, unet: nn.Module, vae: nn.Module, esd: nn.Module, des: nn.Module) -> dict:
    """Torch's outputs on inputs a test can rebuild (see pattern() and example_ids()); the ONNX exports must
    reproduce them. Also asserts that the random weights are sane: O(1) UNet output, images not saturated."""
    with torch.no_grad():
        ids = example_ids()
        last, pooled = text(ids)
        last_des, _ = des(ids)
        sample = pattern((2, LATENT_CHANNELS, LATENT_SIZE, LATENT_SIZE), 0.5)
        context = pattern((2, MAX_POSITIONS, HIDDEN), 1.5)
        timestep = torch.tensor([500], dtype=torch.int64)
        out = unet(sample, timestep, context)
        out_esd = esd(sample, timestep, context)
        latents = pattern((1, LATENT_CHANNELS, LATENT_SIZE, LATENT_SIZE), 2.5) / SCALING_FACTOR
        image = vae(latents)
    with torch.no_grad():
        noise = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(0))
        noise_out = unet(noise, torch.tensor([999]), last)
        noise_image = vae(noise / SCALING_FACTOR)
    stats = {"unet_out_std_on_unit_noise": round(float(noise_out.std()), 4),
             "vae_pixels_saturated_fraction": round(float((noise_image.abs() > 1).float().mean()), 4),
             "vae_sample_std": round(float(noise_image.std()), 4),
             "esd_unet_max_abs_difference": round(float((out_esd - out).abs().max()), 4),
             "des_text_encoder_max_abs_difference": round(float((last_des - last).abs().max()), 4)}
    if not 0.3 < stats["unet_out_std_on_unit_noise"] < 3.0:
        raise ValueError(f"UNet output is not O(1): {stats}")
    if stats["vae_pixels_saturated_fraction"] > 0.2 or stats["vae_sample_std"] < 0.05:
        raise ValueError(f"decoded images are saturated or flat: {stats}")
    if stats["esd_unet_max_abs_difference"] < 1e-3 or stats["des_text_encoder_max_abs_difference"] < 1e-3:
        raise ValueError(f"a variant does not differ from the base: {stats}")
    return {
        "inputs": {
            "input_ids": {"shape": list(ids.shape), "values": ids.tolist()},
            "sample": "sin(0.37 * i + 0.5), shape [2, 4, 8, 8]",
            "timestep": [500],
            "encoder_hidden_states": "sin(0.37 * i + 1.5), shape [2, 77, %d]" % HIDDEN,
            "latent_sample": "sin(0.37 * i + 2.5) / 0.18215, shape [1, 4, 8, 8]",
        },
        "outputs": {
            "text_encoder.last_hidden_state": summary(last), "text_encoder.pooler_output": summary(pooled),
            "des_text_encoder.last_hidden_state": summary(last_des),
            "unet.out_sample": summary(out), "esd_unet.out_sample": summary(out_esd),
            "vae_decoder.sample": summary(image),
        },
        "stats": stats,
    }


# ---------------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--vocab", type=Path, default=DEFAULT_VOCAB, help="CLIP's bpe_simple_vocab_16e6.txt.gz")
    args = parser.parse_args()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    merges = read_merges(args.vocab)
    vocab = clip_vocabulary(merges)
    checked = check_bpe(vocab, merges, args.vocab.parent / DEFAULT_REFERENCE_IDS.name)

    text = build(TinyClipText, SEEDS["text_encoder"])
    unet = build(TinyUnet, SEEDS["unet"])
    vae = build(TinyVaeDecoder, SEEDS["vae_decoder"])
    esd = perturbed(unet, ("mid_attn.to_k", "mid_attn.to_v"), SEEDS["esd_unet"])
    des = perturbed(text, ("layers.", "final_layer_norm"), SEEDS["des_text_encoder"])
    refs = references(text, unet, vae, esd, des)

    out = args.out.resolve()
    for sub in ("base", "esd-unet", "des-text-encoder"):  # only our own folders are replaced
        shutil.rmtree(out / sub, ignore_errors=True)
    base = out / "base"
    write_json(base / "model_index.json", model_index())
    write_text_encoder(text, base / "text_encoder")
    write_unet(unet, base / "unet")
    write_vae_decoder(vae, base / "vae_decoder")
    write_tokenizer(base / "tokenizer", merges, vocab)
    (base / "scheduler").mkdir(parents=True)
    (base / "scheduler" / "scheduler_config.json").write_text(SCHEDULER_CONFIG, encoding="utf-8")
    write_unet(esd, out / "esd-unet" / "unet")
    write_text_encoder(des, out / "des-text-encoder" / "text_encoder")
    write_json(out / "reference.json", refs)

    for folder in (base / "text_encoder", out / "des-text-encoder" / "text_encoder"):
        check_onnx(folder / "model.onnx", *TEXT_CONTRACT)
    for folder in (base / "unet", out / "esd-unet" / "unet"):
        check_onnx(folder / "model.onnx", *UNET_CONTRACT)
    check_onnx(base / "vae_decoder" / "model.onnx", *VAE_CONTRACT)

    total = 0
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        size = path.stat().st_size
        total += size
        print(f"{hashlib.sha256(path.read_bytes()).hexdigest()[:16]}  {size:>9}  {path.relative_to(out)}")
    print(f"{total} bytes in {out}; BPE checked on {checked} reference prompts; stats {refs['stats']}")


if __name__ == "__main__":
    os.umask(0o022)
    main()
