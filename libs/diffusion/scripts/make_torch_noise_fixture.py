#!/usr/bin/python3
"""Writes src/test/resources/torch/cpu_noise.json: torch.randn with a seeded CPU generator, in float32.

For each seed, Stable Diffusion's latent shape [1, 4, 64, 64] is recorded as the sha256 of its float32
little-endian bytes plus its first and last 8 values; a few small shapes (fewer than 16 elements take torch's
element-wise path, 16 and more its blockwise Box-Muller with the tail block redrawn) are recorded in full.
Values are written as the hex of their float32 bit patterns, so the Java test compares bits.

The noise is what diffusers starts from with `generator=torch.Generator("cpu").manual_seed(seed)`.
Run with Debian's python3-torch (the version is recorded in the fixture):
    /usr/bin/python3 libs/diffusion/scripts/make_torch_noise_fixture.py
"""
import hashlib
import json
import pathlib

import numpy as np
import torch

OUT = pathlib.Path(__file__).resolve().parents[1] / "src/test/resources/torch/cpu_noise.json"

LATENT = [1, 4, 64, 64]
SMALL_SIZES = [1, 2, 7, 15, 16, 17, 33, 100]
# evaluation_seed values of the first prompts of I2P (they lie in [0, 2^32)).
I2P_SEEDS = [4261553411, 2166949837, 3458738243, 519474212, 1415225615, 4064489035, 2507924794, 2536491214,
             1115273136, 2799622591, 1783771128, 376692278, 3201011347, 971059717, 278591155, 8]
EDGE_SEEDS = [0, 1, 2, 42, 1234, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**32 + 5, 2**40 + 7, 2**63 - 1, 2**64 - 1]


def seeds():
    rng = np.random.RandomState(20240601)
    more = [int(s) for s in rng.randint(0, 2**32, size=60, dtype=np.uint64)]
    more += [int(s) for s in rng.randint(0, 2**63, size=20, dtype=np.uint64)]
    out = []
    for s in EDGE_SEEDS + I2P_SEEDS + more:
        if s not in out:
            out.append(s)
    return out


def randn(seed, shape):
    g = torch.Generator("cpu").manual_seed(seed)
    return torch.randn(shape, generator=g, dtype=torch.float32).numpy().reshape(-1)


def bits(values):
    return [format(int(b), "08x") for b in np.asarray(values, dtype="<f4").view("<u4")]


def main():
    latents = []
    for s in seeds():
        x = randn(s, LATENT)
        latents.append({"seed": str(s), "sha256": hashlib.sha256(x.astype("<f4").tobytes()).hexdigest(),
                        "first": bits(x[:8]), "last": bits(x[-8:])})
    small = []
    for s in [0, 1, 42, 2**32 + 5, 2**63 - 1, 4261553411]:
        for n in SMALL_SIZES:
            small.append({"seed": str(s), "size": n, "values": bits(randn(s, [n]))})
    doc = {"description": "torch.randn(shape, generator=torch.Generator('cpu').manual_seed(seed), dtype=float32); "
                          "values are float32 bit patterns in hex, sha256 is over the float32 little-endian bytes",
           "torch_version": torch.__version__,
           "latent_shape": LATENT, "latents": latents, "small": small}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"wrote {OUT} ({len(latents)} latent seeds, {len(small)} small cases, torch {torch.__version__})")


if __name__ == "__main__":
    main()
