"""Builds the ONNX graph of nsfwjs's MobileNetV2 from the layers and weights convert.cjs dumped.

Reproduces tfjs's LayersModel computation layer by layer, in NCHW: explicit ZeroPadding2D, TF 'same'
padding (the extra row/column goes after), depthwise convolutions as grouped convolutions, batch
normalization with its own epsilon, ReLU6 as Clip(0, 6), average pooling, channels-last flattening,
dense layers and the softmax. Input: `image` FP32 [B, 3, 224, 224], RGB in [0, 1], already resized
as nsfwjs does (bilinear, align corners); output: `probabilities` FP32 [B, 5].

Run from the repository root after convert.cjs: /usr/bin/python3 deploy/nsfwjs/build_onnx.py
"""
import json
import pathlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = pathlib.Path(__file__).resolve().parents[2]
DUMP = ROOT / "target" / "nsfwjs"
OUT = ROOT / "deploy" / "nsfwjs" / "repository" / "nsfwjs_mobilenet_v2" / "1" / "model.onnx"
OPSET = 17
SIZE = 224
CLASSES = 5


def same_pads(size: int, kernel: int, stride: int) -> tuple:
    """TF's 'same': total padding split with the extra pixel after (bottom/right)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


class Graph:
    def __init__(self, blob: bytes):
        self.blob = blob
        self.nodes, self.inits = [], []

    def weight(self, layer: dict, suffix: str) -> np.ndarray:
        for w in layer["weights"]:
            if w["name"].endswith("/" + suffix):
                a = np.frombuffer(self.blob, dtype="<f4", count=w["length"], offset=w["offset"])
                return a.reshape(w["shape"])
        raise KeyError(f"layer {layer['name']}: no weight '{suffix}'")

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(self, op: str, inputs: list, output: str, **attrs) -> str:
        self.nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output


def activation(g: Graph, kind: str, x: str, name: str) -> str:
    if kind == "linear":
        return x
    if kind == "relu":
        return g.node("Relu", [x], name + "_relu")
    if kind == "softmax":
        return g.node("Softmax", [x], name + "_softmax", axis=-1)
    raise ValueError(f"layer {name}: unsupported activation '{kind}'")


def conv(g: Graph, layer: dict, x: str, shape: tuple, depthwise: bool) -> tuple:
    cfg = layer["config"]
    name = layer["name"]
    kh, kw = cfg["kernelSize"]
    sh, sw = cfg["strides"]
    if cfg["dilationRate"] != [1, 1]:
        raise ValueError(f"layer {name}: dilation {cfg['dilationRate']} is not supported")
    c, h, w = shape
    if cfg["padding"] == "same":
        (top, bottom), (left, right) = same_pads(h, kh, sh), same_pads(w, kw, sw)
    elif cfg["padding"] == "valid":
        top = bottom = left = right = 0
    else:
        raise ValueError(f"layer {name}: padding '{cfg['padding']}'")
    if depthwise:
        k = g.weight(layer, "depthwise_kernel")  # [kh, kw, in, mult]; output channel = in * mult + m
        mult = k.shape[3]
        weights = k.transpose(2, 3, 0, 1).reshape(c * mult, 1, kh, kw)
        group, out_c = c, c * mult
    else:
        k = g.weight(layer, "kernel")  # [kh, kw, in, out]
        weights = k.transpose(3, 2, 0, 1)
        group, out_c = 1, k.shape[3]
    inputs = [x, g.const(name + "/W", weights)]
    if cfg["useBias"]:
        inputs.append(g.const(name + "/B", g.weight(layer, "bias")))
    y = g.node("Conv", inputs, name, kernel_shape=[kh, kw], strides=[sh, sw], pads=[top, left, bottom, right],
               group=group)
    out_h = (h + top + bottom - kh) // sh + 1
    out_w = (w + left + right - kw) // sw + 1
    return activation(g, cfg["activation"], y, name), (out_c, out_h, out_w)


def build(dump: dict, blob: bytes) -> onnx.ModelProto:
    g = Graph(blob)
    tensors, shapes = {}, {}
    for layer in dump["layers"]:
        kind, name, cfg = layer["class_name"], layer["name"], layer["config"]
        ins = [tensors[i] for i in layer["inbound"]]
        shape = shapes[layer["inbound"][0]] if layer["inbound"] else None
        if kind == "InputLayer":
            if cfg["batchInputShape"] != [None, SIZE, SIZE, 3]:
                raise ValueError(f"input {cfg['batchInputShape']} is not [None, {SIZE}, {SIZE}, 3]")
            y, shape = "image", (3, SIZE, SIZE)
        elif kind == "ZeroPadding2D":
            (t, b), (l, r) = cfg["padding"]
            y = g.node("Pad", [ins[0], g.const(name + "/pads", np.array([0, 0, t, l, 0, 0, b, r], dtype=np.int64))], name)
            shape = (shape[0], shape[1] + t + b, shape[2] + l + r)
        elif kind in ("Conv2D", "DepthwiseConv2D"):
            y, shape = conv(g, layer, ins[0], shape, kind == "DepthwiseConv2D")
        elif kind == "BatchNormalization":
            if cfg["axis"] not in (-1, 3):
                raise ValueError(f"layer {name}: axis {cfg['axis']}")
            y = g.node("BatchNormalization", [ins[0]] + [g.const(f"{name}/{p}", g.weight(layer, p)) for p in
                                                         ("gamma", "beta", "moving_mean", "moving_variance")],
                       name, epsilon=float(cfg["epsilon"]))
        elif kind == "ReLU":
            if cfg.get("maxValue") is None:
                y = g.node("Relu", ins, name)
            else:
                y = g.node("Clip", [ins[0], g.const(name + "/min", np.array(0, dtype=np.float32)),
                                    g.const(name + "/max", np.array(cfg["maxValue"], dtype=np.float32))], name)
        elif kind == "Add":
            y = g.node("Sum", ins, name)
        elif kind == "AveragePooling2D":
            if cfg["padding"] != "valid":
                raise ValueError(f"layer {name}: padding '{cfg['padding']}'")
            (ph, pw), (sh, sw) = cfg["poolSize"], cfg["strides"]
            y = g.node("AveragePool", ins, name, kernel_shape=[ph, pw], strides=[sh, sw])
            shape = (shape[0], (shape[1] - ph) // sh + 1, (shape[2] - pw) // sw + 1)
        elif kind == "Flatten":
            # Keras flattens channels-last: H, W, C order.
            nhwc = g.node("Transpose", ins, name + "_nhwc", perm=[0, 2, 3, 1])
            y = g.node("Flatten", [nhwc], name, axis=1)
            shape = (shape[0] * shape[1] * shape[2],)
        elif kind == "Dense":
            z = g.node("Gemm", [ins[0], g.const(name + "/kernel", g.weight(layer, "kernel")),
                                g.const(name + "/bias", g.weight(layer, "bias"))], name)
            y = activation(g, cfg["activation"], z, name)
            shape = (cfg["units"],)
        elif kind == "Dropout":
            y = ins[0]  # inference: identity
        else:
            raise ValueError(f"layer {name}: unsupported class {kind}")
        tensors[name], shapes[name] = y, shape
    last = dump["layers"][-1]["name"]
    if shapes[last] != (CLASSES,):
        raise ValueError(f"last layer {last} has shape {shapes[last]}, expected ({CLASSES},)")
    g.node("Identity", [tensors[last]], "probabilities")
    graph = helper.make_graph(
        g.nodes, "nsfwjs_mobilenet_v2",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, SIZE, SIZE])],
        [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", CLASSES])],
        g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="lucid-nsfwjs")
    model.ir_version = 8  # loadable by every ONNX Runtime since 1.10
    onnx.checker.check_model(model)
    return model


def main() -> None:
    dump = json.loads((DUMP / "layers.json").read_text())
    model = build(dump, (DUMP / "weights.bin").read_bytes())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(model.SerializeToString())
    print(f"{OUT.relative_to(ROOT)}: {len(model.graph.node)} nodes, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
