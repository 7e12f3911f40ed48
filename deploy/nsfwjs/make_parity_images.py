"""Writes the parity photographs: scikit-image's public-domain / CC0 sample photos, shrunk 3x by box averaging.

Run with Debian's python3-skimage installed: /usr/bin/python3 deploy/nsfwjs/make_parity_images.py
The output PNGs are byte-identical on every run (fixed zlib level, no ancillary chunks).
"""
import pathlib
import struct
import zlib

import numpy as np
import skimage.data

FACTOR = 3
# Public domain: astronaut (NASA), rocket (SpaceX); CC0: chelsea, coffee (see parity/LICENSE.md).
NAMES = ["astronaut", "chelsea", "coffee", "rocket"]
OUT = pathlib.Path(__file__).resolve().parent / "parity"


def shrink(rgb: np.ndarray) -> np.ndarray:
    h, w = rgb.shape[0] // FACTOR * FACTOR, rgb.shape[1] // FACTOR * FACTOR
    blocks = rgb[:h, :w].astype(np.int64).reshape(h // FACTOR, FACTOR, w // FACTOR, FACTOR, 3)
    total = blocks.sum(axis=(1, 3))
    return ((total + FACTOR * FACTOR // 2) // (FACTOR * FACTOR)).astype(np.uint8)


def png(rgb: np.ndarray) -> bytes:
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name in NAMES:
        img = shrink(getattr(skimage.data, name)()[:, :, :3])
        (OUT / f"{name}.png").write_bytes(png(img))
        print(f"{name}.png {img.shape[1]}x{img.shape[0]}")


if __name__ == "__main__":
    main()
