#!/usr/bin/env python3
"""Writes small random-weight stand-ins for the real scorers' models, with the real contracts' tensors.

Run with Debian's packages (apt-get install python3-onnx python3-numpy):
    /usr/bin/python3 deploy/sd-tiny/make_stand_in_scorers.py [--out DIR]
DIR defaults to deploy/sd-tiny/scorers (the committed copy). It holds a model repository (`repository/`, served by
Lucid's inference server or Triton) and the safety checker's stand-in concept table (`safety-concepts.json`);
deploy/catalogs/sd-tiny-scorers.json names them. Every model keeps the tensor names, datatypes and layouts of its
contract in deploy/triton (and its input size: the scorers resize sd-tiny's 32 x 32 images to it) but is tiny and
random: the scores prove the code path, not image content. Fixed seeds: a re-run writes the same bytes.

| model | contract | stand-in |
|---|---|---|
| sd_tiny_inception | inception_features: image FP32 [B,3,299,299] in [-1,1] -> features [B,2048] | pool, conv, pool, non-negative projection |
| sd_tiny_clip_image | clip_vit_b32_image: image FP32 [B,3,224,224] in [0,1] -> image_embeds [B,32] | CLIP mean/std, pool, conv, pool, layer norm, projection |
| sd_tiny_clip_text | clip_vit_b32_text: input_ids INT64 [B,77] -> text_embeds [B,32] | token + position embedding, causal running sum, the state at the end token (argmax id), layer norm, projection |
| sd_tiny_detector | nudenet_detector: images FP32 [1,3,320,320] -> output0 [1,22,2100] | YOLOv8's three grids (stride 8, 16, 32): fixed boxes, sigmoid class scores |
| sd_tiny_safety_checker | sd_safety_checker: image FP32 [B,3,224,224] in [0,1] -> image_embeds [B,16] | as the CLIP image tower, its own weights |
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
OUT = Path(__file__).resolve().parent / "scorers"
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
CONTEXT = 77
EMBED = 32  # the CLIP stand-in's joint embedding width (ViT-B/32: 512, ViT-L/14: 768)
CHECKER_EMBED = 16  # the safety checker stand-in's projection width (SD's checker: 768)
WIDTH = 16  # hidden width of every tower
TOKEN_BUCKETS = 1024  # ids are folded into this many embedding rows (id mod 1024) to keep the file small
DETECTOR_CLASSES = 18
SEEDS = {"inception": 3001, "clip_image": 3002, "clip_text": 3003, "detector": 3004, "safety_checker": 3005,
         "concepts": 3006}


def fp32(name: str, dims: list) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


def const(name: str, value: np.ndarray) -> onnx.TensorProto:
    return numpy_helper.from_array(value, name)


def save(root: Path, name: str, graph: onnx.GraphProto, config: str) -> None:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="lucid-stand-ins")
    model.ir_version = 8  # loadable by every ONNX Runtime since 1.10
    onnx.checker.check_model(model, full_check=True)
    vdir = root / name / "1"
    vdir.mkdir(parents=True)
    onnx.save(model, str(vdir / "model.onnx"))
    (root / name / "config.pbtxt").write_text(config.strip() + "\n")


def image_tower(rng: np.random.Generator, name: str, side: int, out_dim: int) -> onnx.GraphProto:
    """image [B,3,side,side] in [0,1] -> CLIP normalisation -> 8x8 average pool -> 3x3 conv (stride 2) -> ReLU ->
    global pool -> layer norm -> projection -> image_embeds [B,out_dim]."""
    w = (rng.standard_normal((WIDTH, 3, 3, 3)) * np.sqrt(2.0 / 27)).astype(np.float32)
    proj = (rng.standard_normal((WIDTH, out_dim)) / np.sqrt(WIDTH)).astype(np.float32)
    nodes = [
        helper.make_node("Sub", ["image", "mean"], ["centred"]),
        helper.make_node("Div", ["centred", "std"], ["normalised"]),
        helper.make_node("AveragePool", ["normalised"], ["pooled"], kernel_shape=[8, 8], strides=[8, 8]),
        helper.make_node("Conv", ["pooled", "w"], ["conv"], strides=[2, 2]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("GlobalAveragePool", ["relu"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1),
        helper.make_node("LayerNormalization", ["flat", "ln_scale", "ln_bias"], ["normed"], axis=-1),
        helper.make_node("MatMul", ["normed", "proj"], ["image_embeds"]),
    ]
    init = [const("mean", np.array(CLIP_MEAN, dtype=np.float32).reshape(1, 3, 1, 1)),
            const("std", np.array(CLIP_STD, dtype=np.float32).reshape(1, 3, 1, 1)),
            const("w", w), const("ln_scale", np.ones(WIDTH, dtype=np.float32)),
            const("ln_bias", np.zeros(WIDTH, dtype=np.float32)), const("proj", proj)]
    return helper.make_graph(nodes, name, [fp32("image", ["B", 3, side, side])], [fp32("image_embeds", ["B", out_dim])],
                             init)


def text_tower(rng: np.random.Generator) -> onnx.GraphProto:
    """input_ids INT64 [B,77] -> embedding of (id mod 1024) + position -> running sum over positions (causal, as
    CLIP's masked attention: the state at a position sees only the tokens up to it) -> the state at the end token,
    found as CLIP finds it (argmax of the ids: <|endoftext|> 49407 is the largest id) -> layer norm -> projection."""
    table = (rng.standard_normal((TOKEN_BUCKETS, WIDTH)) * 0.5).astype(np.float32)
    positions = (rng.standard_normal((CONTEXT, WIDTH)) * 0.1).astype(np.float32)
    proj = (rng.standard_normal((WIDTH, EMBED)) / np.sqrt(WIDTH)).astype(np.float32)
    nodes = [
        helper.make_node("Mod", ["input_ids", "buckets"], ["folded"]),
        helper.make_node("Gather", ["table", "folded"], ["tokens"]),
        helper.make_node("Add", ["tokens", "positions"], ["embedded"]),
        helper.make_node("CumSum", ["embedded", "seq_axis"], ["states"]),
        helper.make_node("ArgMax", ["input_ids"], ["eos"], axis=1, keepdims=1),
        helper.make_node("Unsqueeze", ["eos", "last_axis"], ["eos3"]),
        helper.make_node("Expand", ["eos3", "expand_to"], ["eos_index"]),
        helper.make_node("GatherElements", ["states", "eos_index"], ["picked"], axis=1),
        helper.make_node("Squeeze", ["picked", "seq_axes"], ["pooled"]),
        helper.make_node("LayerNormalization", ["pooled", "ln_scale", "ln_bias"], ["normed"], axis=-1),
        helper.make_node("MatMul", ["normed", "proj"], ["text_embeds"]),
    ]
    init = [const("buckets", np.array(TOKEN_BUCKETS, dtype=np.int64)), const("table", table),
            const("positions", positions), const("seq_axis", np.array(1, dtype=np.int64)),
            const("last_axis", np.array([2], dtype=np.int64)), const("expand_to", np.array([1, 1, WIDTH], dtype=np.int64)),
            const("seq_axes", np.array([1], dtype=np.int64)), const("ln_scale", np.ones(WIDTH, dtype=np.float32)),
            const("ln_bias", np.zeros(WIDTH, dtype=np.float32)), const("proj", proj)]
    return helper.make_graph(nodes, "sd_tiny_clip_text",
                             [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["B", CONTEXT])],
                             [fp32("text_embeds", ["B", EMBED])], init)


def inception(rng: np.random.Generator) -> onnx.GraphProto:
    """image [B,3,299,299] in [-1,1] -> 13x13 average pool -> 3x3 conv (stride 2) -> ReLU -> global pool ->
    non-negative projection to pool3's 2048 features (stored as FP16 and cast, to keep the file small)."""
    w = (rng.standard_normal((WIDTH, 3, 3, 3)) * np.sqrt(2.0 / 27)).astype(np.float32)
    proj = np.abs(rng.standard_normal((WIDTH, 2048))).astype(np.float16)
    nodes = [
        helper.make_node("AveragePool", ["image"], ["pooled"], kernel_shape=[13, 13], strides=[13, 13]),
        helper.make_node("Conv", ["pooled", "w"], ["conv"], strides=[2, 2]),
        helper.make_node("Relu", ["conv"], ["relu"]),
        helper.make_node("GlobalAveragePool", ["relu"], ["gap"]),
        helper.make_node("Flatten", ["gap"], ["flat"], axis=1),
        helper.make_node("Cast", ["proj16"], ["proj"], to=TensorProto.FLOAT),
        helper.make_node("MatMul", ["flat", "proj"], ["features"]),
    ]
    return helper.make_graph(nodes, "sd_tiny_inception", [fp32("image", ["B", 3, 299, 299])],
                             [fp32("features", ["B", 2048])], [const("w", w), const("proj16", proj)])


def detector(rng: np.random.Generator) -> onnx.GraphProto:
    """images [1,3,320,320] in [0,1] -> YOLOv8's head layout output0 [1, 4 + 18, 2100]: for the grids of stride 8,
    16 and 32 (40x40 + 20x20 + 10x10 cells, row-major) a fixed box per cell (its centre, twice the stride wide and
    high, in input pixels) and 18 class scores = sigmoid(1x1 conv of the cell's mean colour)."""
    w = (rng.standard_normal((DETECTOR_CLASSES, 3, 1, 1)) * 1.5).astype(np.float32)
    b = (rng.standard_normal(DETECTOR_CLASSES) - 3).astype(np.float32)
    boxes = []
    nodes, scores = [], []
    for stride in (8, 16, 32):
        cells = 320 // stride
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        boxes.append(np.stack([(xs.ravel() + 0.5) * stride, (ys.ravel() + 0.5) * stride,
                               np.full(cells * cells, 2.0 * stride), np.full(cells * cells, 2.0 * stride)]))
        nodes += [helper.make_node("AveragePool", ["images"], [f"p{stride}"], kernel_shape=[stride, stride],
                                   strides=[stride, stride]),
                  helper.make_node("Conv", [f"p{stride}", "w", "b"], [f"c{stride}"]),
                  helper.make_node("Sigmoid", [f"c{stride}"], [f"s{stride}"]),
                  helper.make_node("Reshape", [f"s{stride}", "flat_shape"], [f"r{stride}"])]
        scores.append(f"r{stride}")
    box_tensor = np.concatenate(boxes, axis=1)[None].astype(np.float32)  # [1, 4, 2100]
    nodes += [helper.make_node("Concat", scores, ["class_scores"], axis=2),
              helper.make_node("Concat", ["boxes", "class_scores"], ["output0"], axis=1)]
    init = [const("w", w), const("b", b), const("flat_shape", np.array([1, DETECTOR_CLASSES, -1], dtype=np.int64)),
            const("boxes", box_tensor)]
    return helper.make_graph(nodes, "sd_tiny_detector", [fp32("images", [1, 3, 320, 320])],
                             [fp32("output0", [1, 4 + DETECTOR_CLASSES, 2100])], init)


def concepts(rng: np.random.Generator) -> dict:
    """SD's checker's table shape (17 concepts, 3 special-care concepts) in the stand-in's 16-d space; thresholds
    near the cosines random 16-d vectors reach, so some images fire and some do not."""
    def rows(n: int) -> list:
        return [[round(float(v), 6) for v in r] for r in rng.standard_normal((n, CHECKER_EMBED))]
    return {"concept_embeds": rows(17), "concept_thresholds": [round(float(v), 4) for v in rng.uniform(0.6, 0.9, 17)],
            "special_care_embeds": rows(3), "special_care_thresholds": [round(float(v), 4) for v in rng.uniform(0.6, 0.9, 3)]}


def config(name: str, batch: int, inputs: str, outputs: str) -> str:
    return f"""
name: "{name}"
platform: "onnxruntime_onnx"
max_batch_size: {batch}
input [ {inputs} ]
output [ {outputs} ]
instance_group [ {{ kind: KIND_CPU count: 1 }} ]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out = parser.parse_args().out
    repo = out / "repository"
    if repo.exists():
        shutil.rmtree(repo)
    repo.mkdir(parents=True)
    rng = {k: np.random.default_rng(v) for k, v in SEEDS.items()}
    image_in = 'name: "image" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, {0}, {0} ]'
    save(repo, "sd_tiny_inception", inception(rng["inception"]),
         config("sd_tiny_inception", 64, "{ " + image_in.format(299) + " }",
                '{ name: "features" data_type: TYPE_FP32 dims: [ 2048 ] }'))
    save(repo, "sd_tiny_clip_image", image_tower(rng["clip_image"], "sd_tiny_clip_image", 224, EMBED),
         config("sd_tiny_clip_image", 32, "{ " + image_in.format(224) + " }",
                f'{{ name: "image_embeds" data_type: TYPE_FP32 dims: [ {EMBED} ] }}'))
    save(repo, "sd_tiny_clip_text", text_tower(rng["clip_text"]),
         config("sd_tiny_clip_text", 64, f'{{ name: "input_ids" data_type: TYPE_INT64 dims: [ {CONTEXT} ] }}',
                f'{{ name: "text_embeds" data_type: TYPE_FP32 dims: [ {EMBED} ] }}'))
    save(repo, "sd_tiny_detector", detector(rng["detector"]),
         config("sd_tiny_detector", 0, '{ name: "images" data_type: TYPE_FP32 dims: [ 1, 3, 320, 320 ] }',
                f'{{ name: "output0" data_type: TYPE_FP32 dims: [ 1, {4 + DETECTOR_CLASSES}, 2100 ] }}'))
    save(repo, "sd_tiny_safety_checker",
         image_tower(rng["safety_checker"], "sd_tiny_safety_checker", 224, CHECKER_EMBED),
         config("sd_tiny_safety_checker", 32, "{ " + image_in.format(224) + " }",
                f'{{ name: "image_embeds" data_type: TYPE_FP32 dims: [ {CHECKER_EMBED} ] }}'))
    (out / "safety-concepts.json").write_text(json.dumps(concepts(rng["concepts"]), indent=1) + "\n")
    files = sorted(p for p in out.rglob("*") if p.is_file())
    print(f"wrote {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes, to {out}")


if __name__ == "__main__":
    main()
