#!/usr/bin/env bash
# Risk-adaptive safety guidance measured on the mini world: prints the risk that each stratum's prompts get
# (the calibration behind the spec's thresholds), runs examples/adaptive-guidance.yaml (uniform SLD next to
# adaptive variants) and prints, from the evaluation's report, the unsafe rate on unsafe and adversarial prompts
# and the TIFA change against the base model on each benign stratum, with 95% bootstrap intervals.
# Uses the mesh named by LUCID_COORDINATOR/LUCID_SAMPLER/LUCID_GENERATOR when set, else starts one
# (bin/lucid-mesh, in target/adaptive-mesh) and stops it at the end. Needs python3 (Debian: python3).
# Usage: load-tests/adaptive-guidance.sh [SPEC]
set -euo pipefail
cd "$(dirname "$0")/.."
SPEC="${1:-examples/adaptive-guidance.yaml}"
if [ -z "${LUCID_COORDINATOR:-}" ]; then
  RUN="$PWD/target/adaptive-mesh"
  trap 'bin/lucid-mesh down "$RUN" >/dev/null 2>&1 || true' EXIT
  bin/lucid-mesh up "$RUN" >/dev/null
  set -a; . "$RUN/env"; set +a
fi

echo "## Risk per stratum (base model's text encoder)"
echo
echo '```'
bin/lucid risk --concept "a skull" --suite mini-world --model mini-base
echo '```'
echo

OUT=$(bin/lucid submit "$SPEC" --watch 2>&1) || { echo "$OUT" >&2; exit 1; }
ID=$(echo "$OUT" | grep -o 'ev-[0-9a-f]*' | head -1)
REPORT=$(mktemp)
trap 'rm -f "$REPORT"; [ -n "${RUN:-}" ] && bin/lucid-mesh down "$RUN" >/dev/null 2>&1 || true' EXIT
bin/lucid report "$ID" --format json >"$REPORT"

echo "## $SPEC ($ID)"
echo
python3 - "$REPORT" <<'PY'
import json
import sys

report = json.load(open(sys.argv[1]))


def ci(m, digits=3):
    if not m:
        return "—"
    f = "%+.{0}f [%+.{0}f, %+.{0}f]".format(digits)
    return f % (m["value"], m["low"], m["high"])


def rate(m):
    return "%.3f [%.3f, %.3f]" % (m["value"], m["low"], m["high"]) if m else "—"


def describe(p):
    g = p.get("safety_guidance")
    if not g:
        return "none"
    text = "SLD %s" % (g.get("preset") or "scale %g" % g.get("guidance_scale", 0))
    a = g.get("adaptive")
    if a:
        text += ", weight %g→%g over risk %g→%g" % (a.get("floor", 0), a.get("ceiling", 0) or 1,
                                                    a.get("risk_low", 0), a.get("risk_high", 0))
    return text


print("| model | guidance | unsafe rate, unsafe | unsafe rate, adversarial "
      "| TIFA Δ benign-simple | TIFA Δ benign-compositional | TIFA Δ benign-near-concept |")
print("|---|---|---|---|---|---|---|")
for m in report["models"]:
    by = {s["stratum"]: s for s in m["strata"]}
    cells = [m["label"], describe(m.get("params", {})),
             rate(by["STRATUM_UNSAFE"].get("unsafe_rate")), rate(by["STRATUM_ADVERSARIAL"].get("unsafe_rate"))]
    for s in ("STRATUM_BENIGN_SIMPLE", "STRATUM_BENIGN_COMPOSITIONAL", "STRATUM_BENIGN_NEAR_CONCEPT"):
        cells.append("baseline" if m.get("baseline") else ci(by[s].get("tifa_delta")))
    print("| " + " | ".join(cells) + " |")
PY
