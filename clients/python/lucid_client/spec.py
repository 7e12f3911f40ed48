"""Evaluation specs as the CLI reads them (``examples/*.yaml``): a mapping → ``lucid.v1.EvaluationSpec``.

Unknown keys are refused naming the field, as ``bin/lucid submit`` refuses them, so a misspelt key never
silently takes its default.
"""
from __future__ import annotations

import os
from typing import Any, Mapping, Union

from lucid.v1 import common_pb2, coordinator_pb2, sampler_pb2

SpecSource = Union[Mapping[str, Any], str, "os.PathLike[str]"]

_STRATA = ("unsafe", "adversarial", "benign-simple", "benign-compositional", "benign-near-concept")
_MAX_BYTES = 1 << 20


def _only(node: Any, where: str, *allowed: str) -> Mapping[str, Any]:
    if not isinstance(node, Mapping):
        raise ValueError(f"{where}: expected a mapping")
    for key in node:
        if key not in allowed:
            raise ValueError(f"{where}: unknown key '{key}'")
    return node


def stratum(name: str, where: str) -> int:
    """The ``lucid.v1.Stratum`` value of a stratum name such as ``benign-simple``."""
    if name not in _STRATA:
        raise ValueError(f"{where}.stratum: unknown stratum '{name}' ({', '.join(_STRATA)})")
    return common_pb2.Stratum.Value("STRATUM_" + name.upper().replace("-", "_"))


def _params(p: Any, where: str) -> common_pb2.GenerationParams:
    p = _only(p, where, "steps", "guidance_scale", "negative_prompt", "safety_guidance")
    out = common_pb2.GenerationParams(steps=int(p.get("steps", 0)), guidance_scale=float(p.get("guidance_scale", 0)),
                                      negative_prompt=str(p.get("negative_prompt", "")))
    if "safety_guidance" in p:
        s = _only(p["safety_guidance"], where + ".safety_guidance", "concept", "preset", "guidance_scale", "warmup_steps",
                  "threshold", "momentum_scale", "momentum_beta", "adaptive")
        out.safety_guidance.CopyFrom(common_pb2.SafetyGuidance(
            concept=str(s.get("concept", "")), preset=str(s.get("preset", "")),
            guidance_scale=float(s.get("guidance_scale", 0)), warmup_steps=int(s.get("warmup_steps", 0)),
            threshold=float(s.get("threshold", 0)), momentum_scale=float(s.get("momentum_scale", 0)),
            momentum_beta=float(s.get("momentum_beta", 0))))
        if "adaptive" in s:
            out.safety_guidance.adaptive.CopyFrom(_adaptive(s["adaptive"], where + ".safety_guidance.adaptive"))
    return out


def _adaptive(a: Any, where: str) -> common_pb2.AdaptiveGuidance:
    a = _only(a, where, "risk", "risk_low", "risk_high", "floor", "ceiling", "negative_prompt", "negative_above")
    for required in ("risk_low", "risk_high"):
        if required not in a:
            raise ValueError(f"{where}.{required}: required")
    return common_pb2.AdaptiveGuidance(
        risk=str(a.get("risk", "")), risk_low=float(a["risk_low"]), risk_high=float(a["risk_high"]),
        floor=float(a.get("floor", 0)), ceiling=float(a.get("ceiling", 0)),
        negative_prompt=str(a.get("negative_prompt", "")), negative_above=float(a.get("negative_above", 0)))


def parse_spec(root: Mapping[str, Any]) -> coordinator_pb2.EvaluationSpec:
    """An ``EvaluationSpec`` from a spec mapping (the YAML schema of ``bin/lucid submit``)."""
    _only(root, "spec", "name", "baseline", "sampling_seed", "seeds_per_prompt", "base_seed", "ignore_suite_seeds", "params",
          "models", "quotas", "bootstrap_samples", "equivalence_margin", "jaccard_k")
    spec = coordinator_pb2.EvaluationSpec(
        name=str(root.get("name", "")), baseline=str(root.get("baseline", "")),
        sampling_seed=int(root.get("sampling_seed", 0)), seeds_per_prompt=int(root.get("seeds_per_prompt", 1)),
        base_seed=int(root.get("base_seed", 0)), ignore_suite_seeds=bool(root.get("ignore_suite_seeds", False)),
        bootstrap_samples=int(root.get("bootstrap_samples", 0)),
        equivalence_margin=float(root.get("equivalence_margin", 0)))
    if "jaccard_k" in root:
        spec.metrics.jaccard_k = int(root["jaccard_k"])
    if "params" in root:
        spec.params.CopyFrom(_params(root["params"], "params"))
    for i, m in enumerate(root.get("models") or []):
        where = f"models[{i}]"
        m = _only(m, where, "label", "model", "params")
        model = spec.models.add(label=str(m.get("label", "")))
        model.model.name = str(m.get("model", ""))
        if "params" in m:
            model.params.CopyFrom(_params(m["params"], where + ".params"))
    for i, q in enumerate(root.get("quotas") or []):
        where = f"quotas[{i}]"
        q = _only(q, where, "suite", "stratum", "category", "count")
        spec.quotas.append(sampler_pb2.Quota(suite_id=str(q.get("suite", "")), stratum=stratum(str(q.get("stratum", "")), where),
                                             category=str(q.get("category", "")), count=int(q.get("count", 0))))
    return spec


def load_spec(source: SpecSource) -> coordinator_pb2.EvaluationSpec:
    """An ``EvaluationSpec`` from a mapping, a YAML file path, or YAML text (a string with a line break)."""
    if isinstance(source, Mapping):
        return parse_spec(source)
    import yaml  # Debian: python3-yaml

    if isinstance(source, str) and "\n" in source:
        text = source
    else:
        path = os.fspath(source)
        if os.path.getsize(path) > _MAX_BYTES:
            raise ValueError(f"{path}: larger than 1 MiB")
        with open(path, encoding="utf-8") as f:
            text = f.read()
    root = yaml.safe_load(text)
    if not isinstance(root, Mapping):
        raise ValueError("spec: expected a mapping")
    return parse_spec(root)
