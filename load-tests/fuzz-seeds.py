#!/usr/bin/python3
"""Writes the binary seed inputs of the fuzz targets (PNG, .npy/.npz, protobuf messages) into the modules'
src/test/resources/<package>/<Target>Inputs/<method>/ folders. Deterministic: reruns reproduce the files byte
for byte. Text seeds (suite files, YAML specs, config.pbtxt, prompts) are committed as written."""
import io
import os
import struct
import zipfile
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def put(module, package, target, method, name, data):
    d = os.path.join(ROOT, module, "src/test/resources", package.replace(".", "/"), target + "Inputs", method)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- protobuf wire format ----
def varint(n):
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, value):
    if isinstance(value, int):
        return varint(num << 3) + varint(value)
    if isinstance(value, str):
        value = value.encode()
    return varint(num << 3 | 2) + varint(len(value)) + value


def packed(num, values):
    return field(num, b"".join(varint(v) for v in values))


def tensor(name, datatype, shape):
    return field(1, name) + field(2, datatype) + packed(3, shape)


def le_floats(*v):
    return struct.pack("<%df" % len(v), *v)


def bytes_elements(*els):
    return b"".join(struct.pack("<I", len(e)) + e for e in els)


# ---- PNG ----
def png(width, height, color_type=2, bit_depth=8):
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    raw = b"".join(b"\x00" + bytes((x * 40 + y * 7 + c) % 256 for x in range(width) for c in range(channels))
                   for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


# ---- .npy / .npz ----
def npy(shape, values, descr="<f8", fortran=False):
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", "".join("%d, " % s for s in shape) if len(shape) != 1 else "%d," % shape[0])
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    fmt = "<%d%s" % (len(values), "d" if descr.endswith("8") else "f")
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + struct.pack(fmt, *values)


def npz(arrays):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in arrays.items():
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)
    return buf.getvalue()


def main():
    img = ("libs/images", "dev.lucid.image", "PngDecodeFuzzTest", "decode")
    put(*img, "rgb-2x2", png(2, 2))
    put(*img, "rgba-3x1", png(3, 1, color_type=6))
    put(*img, "gray-1x2", png(1, 2, color_type=0))

    fid = ("libs/metrics", "dev.lucid.metrics.fid", "NumpyFuzzTest", "featureStatistics")
    put(*fid, "features-npy", b"\x00" + npy((3, 2), [1.0, 2.0, 3.0, 5.0, 4.0, 1.0]))
    put(*fid, "features-f4-fortran-npy", b"\x00" + npy((3, 2), [1.0, 2.0, 3.0, 5.0, 4.0, 1.0], "<f4", True))
    put(*fid, "stats-npz", b"\x01" + npz({"mu": npy((2,), [0.5, 1.5]), "sigma": npy((2, 2), [1.0, 0.1, 0.1, 2.0])}))

    req = ("libs/model-runtime", "dev.lucid.runtime", "InferRequestFuzzTest", "modelInferRequest")
    put(*req, "raw-fp32", field(1, "m") + field(5, tensor("x", "FP32", [1, 2, 2])) + field(6, field(1, "y"))
        + field(7, le_floats(1, 2, 3, 4)))
    put(*req, "raw-fp32-and-bytes", field(1, "m") + field(5, tensor("x", "FP32", [1, 2, 1])) + field(5, tensor("s", "BYTES", [1, 1]))
        + field(7, le_floats(1, 2)) + field(7, bytes_elements(b"a cat")))
    put(*req, "typed-fp32", field(1, "m") + field(5, tensor("x", "FP32", [1, 2, 1]) + field(5, field(2, le_floats(1, 2)))))

    res = ("libs/kserve-client", "dev.lucid.kserve", "TensorCodecFuzzTest", "modelInferResponse")
    put(*res, "raw-fp32", field(1, "m") + field(5, tensor("y", "FP32", [1, 2])) + field(6, le_floats(0.25, 0.75)))
    put(*res, "raw-bytes", field(5, tensor("s", "BYTES", [2])) + field(6, bytes_elements(b"yes", b"no")))
    put(*res, "raw-fp16-int64", field(5, tensor("h", "FP16", [2])) + field(5, tensor("i", "INT64", [1]))
        + field(6, struct.pack("<2H", 0x3C00, 0xC000)) + field(6, struct.pack("<q", 7)))
    put(*res, "typed-int32", field(5, tensor("i", "INT32", [2]) + field(5, packed(3, [4, 5]))))

    spec = ("services/coordinator", "dev.lucid.coordinator", "SpecValidationFuzzTest", "evaluationSpec")
    model = lambda label, name: field(3, field(1, label) + field(2, field(1, name)))
    put(*spec, "two-models", field(1, "mini") + field(2, "base") + model("base", "mini-base") + model("esd", "mini-esd")
        + field(4, field(1, "i2p") + field(2, 1) + field(4, 10)) + field(5, 7) + field(6, 1))
    put(*spec, "one-model", model("base", "mini-base") + field(4, field(1, "coco30k") + field(4, 5)))


if __name__ == "__main__":
    main()
