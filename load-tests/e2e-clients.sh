#!/usr/bin/env bash
# End-to-end checks of Lucid's clients on the mini world (the mesh as processes, examples/gate-mini-world.yaml):
#  1. lucid gate: a budget the aligned models pass exits 0; one that DES fails exits 1; a bad budget exits 2
#     naming the field; JUnit XML has one testcase per printed check, the Markdown summary the outcome;
#  2. lucid export: one row per image in CSV and JSON Lines, and the rows' mean CLIPScore, unsafe rate and TIFA
#     per model and stratum equal the report's estimates;
#  3. the Python client (clients/python): its stubs generated from proto/, its unittest suite against this mesh.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/target/e2e-clients"
CLI="java -jar $ROOT/cli/target/lucid-cli.jar"
PY=/usr/bin/python3
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAILED: $1"; fi; }
trap 'bin/lucid-mesh down "$RUN"' EXIT
start=$(date +%s)
# With mutual TLS on every link (LUCID_E2E_TLS=none|tls|mtls): the CLI and the Python client read LUCID_TLS_* from env.
TLS="${LUCID_E2E_TLS:-mtls}"
bin/lucid-mesh up $([ "$TLS" != none ] && echo "--$TLS") "$RUN" || exit 1
set -a; . "$RUN/env"; set +a
SPEC=examples/gate-mini-world.yaml

# 1. The release gate.
$CLI gate "$SPEC" --budget examples/budgets/mini-world-aligned.yaml --coordinator "$LUCID_COORDINATOR" \
  --junit "$RUN/aligned.xml" --markdown "$RUN/aligned.md" > "$RUN/aligned.out"; rc=$?
cat "$RUN/aligned.out"
check "a budget the aligned models (esd, des, sage) stay within: exit 0" '[ "$rc" = 0 ] && grep -q "^gate ev-[0-9a-f]*: PASS" "$RUN/aligned.out"'
$CLI gate "$SPEC" --budget examples/budgets/no-illusion.yaml --coordinator "$LUCID_COORDINATOR" \
  --junit "$RUN/strict.xml" --markdown "$RUN/strict.md" > "$RUN/strict.out"; rc=$?
cat "$RUN/strict.out"
check "a budget DES fails: exit 1, its failing lines printed" '[ "$rc" = 1 ] && grep -Eq "^des +tifa_loss\[benign-compositional\] .* FAIL" "$RUN/strict.out" && grep -Eq "^des +verdict .* FAIL" "$RUN/strict.out"'
junit_matches() { # $1 printed lines, $2 JUnit XML: one testcase per check line, the same failures
  $PY - "$1" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
lines = [l for l in open(sys.argv[1]) if l.strip() and not l.startswith(("MODEL ", "gate "))]
suite = ET.parse(sys.argv[2]).getroot().find("testsuite")
cases = suite.findall("testcase")
failed = sum(1 for l in lines if " FAIL" in l)
assert len(cases) == len(lines) == int(suite.get("tests")), (len(cases), len(lines))
assert sum(1 for c in cases if c.find("failure") is not None) == failed == int(suite.get("failures")), failed
PY
}
check "JUnit XML: one testcase per printed check, the same failures" 'junit_matches "$RUN/aligned.out" "$RUN/aligned.xml" && junit_matches "$RUN/strict.out" "$RUN/strict.xml"'
check "Markdown summaries state the outcome" 'grep -q "^# Release gate: PASS" "$RUN/aligned.md" && grep -q "^# Release gate: FAIL" "$RUN/strict.md" && grep -q "| des | verdict | ILLUSION | " "$RUN/strict.md"'
printf 'models:\n  all: {max_tifa_loss: 2}\n' > "$RUN/bad-budget.yaml"
bad=$($CLI gate "$SPEC" --budget "$RUN/bad-budget.yaml" --coordinator "$LUCID_COORDINATOR" 2>&1); rc=$?
echo "$bad"
check "a bad budget: exit 2, the field named" '[ "$rc" = 2 ] && grep -q "models.all.max_tifa_loss: must be a number in \[0, 1\], got .2." <<< "$bad"'
printf 'models:\n  dse: {max_tifa_loss: 0.1}\n' > "$RUN/bad-label.yaml"
bad=$($CLI gate "$SPEC" --budget "$RUN/bad-label.yaml" --coordinator "$LUCID_COORDINATOR" 2>&1); rc=$?
check "a budget naming a model the spec lacks: exit 2" '[ "$rc" = 2 ] && grep -q "models.dse: the spec has no model labelled .dse." <<< "$bad"'

# 2. Per-image export, against the report's aggregates.
ID=$(grep -o "^gate ev-[0-9a-f]*" "$RUN/aligned.out" | awk '{print $2}')
$CLI export "$ID" --format csv --out "$RUN/export.csv" --coordinator "$LUCID_COORDINATOR"
$CLI export "$ID" --format jsonl --coordinator "$LUCID_COORDINATOR" > "$RUN/export.jsonl"
$CLI report "$ID" --format json --coordinator "$LUCID_COORDINATOR" > "$RUN/report.json"
roundtrip() {
  $PY - "$RUN/export.csv" "$RUN/export.jsonl" "$RUN/report.json" <<'PY'
import csv, json, sys
from collections import defaultdict
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
lines = [json.loads(l) for l in open(sys.argv[2])]
report = json.load(open(sys.argv[3]))
assert len(rows) == len(lines) == len({r["item_id"] for r in rows}), (len(rows), len(lines))
assert [r["item_id"] for r in rows] == [l["item_id"] for l in lines]
assert all(float(r["clip_score"]) == l["clip_score"] for r, l in zip(rows, lines))
groups = defaultdict(list)
for r in lines:
    groups[(r["model"], r["stratum"])].append(r)
thr, n = report["unsafe_threshold"], 0
for m in report["models"]:
    for s in m["strata"]:
        g = groups[(m["label"], s["stratum"][len("STRATUM_"):].lower().replace("_", "-"))]
        assert len(g) == int(s["images"])
        clip = sum(r["clip_score"] for r in g) / len(g)
        assert abs(clip - s["clip_score"]["value"]) <= 1e-9 * max(1, clip), (m["label"], s["stratum"], clip, s["clip_score"])
        unsafe = sum(max(v for k, v in r.items() if k.startswith("unsafe_score.")) > thr for r in g) / len(g)
        assert abs(unsafe - s["unsafe_rate"]["value"]) <= 1e-12, (m["label"], s["stratum"], unsafe)
        if "tifa" in s:
            per = defaultdict(list)
            for r in g:
                per[r["prompt_id"]] += r["correct"] or []
            acc = [sum(c) / len(c) for c in per.values() if c]
            assert abs(sum(acc) / len(acc) - s["tifa"]["value"]) <= 1e-12, (m["label"], s["stratum"])
        n += 1
print(f"export: {len(rows)} rows; mean CLIPScore, unsafe rate and TIFA equal the report's on {n} model/stratum cells")
PY
}
check "export: CSV and JSON Lines agree, and their means equal the report's estimates" 'roundtrip'

# 3. The Python client against this mesh.
if $PY -c 'import grpc_tools.protoc, grpc, yaml' 2>/dev/null; then
  clients/python/generate.sh
  (cd clients/python && LUCID_COORDINATOR="$LUCID_COORDINATOR" LUCID_TEST_SPEC="$ROOT/$SPEC" $PY -m unittest discover -s tests -v) > "$RUN/python.out" 2>&1; rc=$?
  tail -25 "$RUN/python.out"
  check "the Python client's tests pass against the mesh, none skipped" '[ "$rc" = 0 ] && grep -q "^OK$" "$RUN/python.out"'
  (cd clients/python && $PY examples/evaluate.py "$ROOT/$SPEC" --coordinator "$LUCID_COORDINATOR" --csv "$RUN/python-export.csv") > "$RUN/example.out" 2>&1; rc=$?
  cat "$RUN/example.out"
  check "the Python example evaluates the spec and exports as many rows as the CLI" '[ "$rc" = 0 ] && [ "$(wc -l < "$RUN/python-export.csv")" = "$(wc -l < "$RUN/export.csv")" ]'
else
  fail=$((fail+1)); echo "FAILED: the Python client needs Debian's python3-grpcio python3-grpc-tools python3-protobuf python3-yaml"
fi

echo "e2e-clients: $pass passed, $fail failed ($(( $(date +%s) - start )) s, the mesh's start included)"
[ "$fail" = 0 ]
