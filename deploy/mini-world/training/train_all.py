"""Trains, exports and evaluates every model of the mini world with one command.

  /usr/bin/python3 deploy/mini-world/training/train_all.py            # full run (about 84 min on 2 cores)
  /usr/bin/python3 deploy/mini-world/training/train_all.py --smoke    # seconds-long end-to-end check in a temp dir

Stages (each resumable; finished stages are skipped): base (text_encoder + denoiser), pairs (the grounding
phase that continues the base on more two-object captions with a cross-attention grounding loss; its weights
are the base model esd/des/sage start from; --pairs-steps 0 turns it off), safety, reader, clip, esd, des, sage, export (ONNX + config.pbtxt), evaluate
(metrics.json), model card (MODEL_CARD.md). Checkpoints live in <out>/.work (git-ignored); when they are
gone, --from-onnx base,safety,reader,clip rebuilds those stages' checkpoints (base: the exported base model, i.e. the grounding phase's weights) from the committed ONNX files. Threads: --threads / MINIWORLD_THREADS (default 2);
--adaptive drops to one thread while other processes keep the CPUs busy.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import diffusion as DF  # noqa: E402
import stages as ST  # noqa: E402
import tokenizer as TK  # noqa: E402
from common import FULL_EVAL, FULL_STEPS, SMOKE_EVAL, SMOKE_STEPS, Config, log, write_json  # noqa: E402

ORDER = ["base", "pairs", "safety", "reader", "clip", "esd", "des", "sage", "export", "evaluate", "card"]


def main() -> None:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=None, help="output root (default: deploy/mini-world; --smoke: a temp dir)")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("MINIWORLD_THREADS", "2")))
    ap.add_argument("--adaptive", action="store_true", default=os.environ.get("MINIWORLD_ADAPTIVE", "") == "1")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", default=None, help="comma-separated stages to run (default: all)")
    ap.add_argument("--redo", default="", help="comma-separated training stages to retrain from scratch")
    ap.add_argument("--base-steps", type=int, default=None)
    ap.add_argument("--pairs-steps", type=int, default=None, help="steps of the grounding phase that continues the base (0: none)")
    ap.add_argument("--from-onnx", default="", help="comma-separated training stages whose checkpoints are rebuilt "
                    "from the committed ONNX models instead of trained (when .work is gone); see from_onnx.py")
    ap.add_argument("--keep", action="store_true", help="--smoke: keep the temp dir")
    a = ap.parse_args()

    out = a.out or (tempfile.mkdtemp(prefix="miniworld-smoke-") if a.smoke else here)
    cfg = Config(out=out, work=os.path.join(out, ".work"), device=a.device, threads=a.threads, adaptive=a.adaptive,
                 smoke=a.smoke, steps=dict(SMOKE_STEPS if a.smoke else FULL_STEPS),
                 eval_n=dict(SMOKE_EVAL if a.smoke else FULL_EVAL))
    if a.base_steps:
        cfg.steps["base"] = a.base_steps
    if a.pairs_steps is not None:
        cfg.steps["pairs"] = a.pairs_steps
    os.makedirs(cfg.work, exist_ok=True)
    torch.set_num_threads(cfg.threads)
    for r in filter(None, a.redo.split(",")):
        for p in (os.path.join(cfg.work, f"{r}.final.pt"), os.path.join(cfg.work, f"{r}.ckpt.pt")):
            if os.path.exists(p):
                os.remove(p)
    log(f"mini world: out={out} device={cfg.device} threads={cfg.threads} adaptive={cfg.adaptive} steps={cfg.steps}")
    TK.write_tokenizer(os.path.join(out, "tokenizer.json"))
    DF.write_schedule(os.path.join(out, "schedule.json"))

    timings_path = os.path.join(cfg.work, "timings.json")
    timings = json.load(open(timings_path)) if os.path.exists(timings_path) else {}
    for r in filter(None, a.redo.split(",")):
        timings.pop(r, None)
    todo = a.only.split(",") if a.only else ORDER
    recovered = [r for r in a.from_onnx.split(",") if r]
    if recovered:
        import from_onnx as FO
        FO.recover(cfg, recovered)
        for r in recovered:
            timings.pop(r, None)
        timings["_from_onnx"] = sorted(set(timings.get("_from_onnx", [])) | set(recovered))
    for r in filter(None, a.redo.split(",")):
        if r in timings.get("_from_onnx", []):
            timings["_from_onnx"].remove(r)
    fns = {"base": ST.train_base, "pairs": ST.train_pairs, "safety": ST.train_safety, "reader": ST.train_reader, "clip": ST.train_clip,
           "esd": ST.train_esd, "des": ST.train_des, "sage": ST.train_sage}
    export_info = None
    for stage in ORDER:
        if stage not in todo:
            continue
        t0 = time.time()
        if stage in fns:
            done_before = os.path.exists(os.path.join(cfg.work, f"{stage}.final.pt"))
            fns[stage](cfg)
            if not done_before:
                timings[stage] = timings.get(stage, 0.0) + time.time() - t0
        elif stage == "export":
            import export as EX
            export_info = EX.export_all(cfg)
            write_json(os.path.join(cfg.work, "export.json"), export_info)
            timings[stage] = time.time() - t0
        elif stage == "evaluate":
            import evaluate as EV
            EV.evaluate(cfg)
            timings[stage] = max(timings.get(stage, 0.0), time.time() - t0)  # cached reruns are faster
        elif stage == "card":
            import model_card as MC
            MC.write_card(cfg, timings)
        write_json(timings_path, timings)
    log(f"finished; stage seconds: { {k: round(v) for k, v in timings.items() if not k.startswith('_')} }")
    if a.smoke and not a.keep and a.out is None:
        shutil.rmtree(out, ignore_errors=True)
        log("smoke test passed (temp dir removed)")


if __name__ == "__main__":
    main()
