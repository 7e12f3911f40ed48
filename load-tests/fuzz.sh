#!/usr/bin/env bash
# Fuzzing campaign: runs every Jazzer fuzz target (classes *FuzzTest, one JVM each) for DURATION each (default 60s),
# after replaying its committed corpus, and prints per target: inputs tried, findings kept as regression inputs
# (found earlier and fixed: they pass now) and new findings of this run (crash-* files Jazzer wrote next to the
# corpus; the run fails until the parser is fixed and the input renamed to finding-<what>).
# Usage: load-tests/fuzz.sh [DURATION]   e.g. load-tests/fuzz.sh 5m
# The normal build replays the corpora only (deterministic); this script fuzzes with -Dlucid.fuzz=1.
set -uo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-60s}
MODULES=libs/suites,libs/tokenizers,libs/images,libs/metrics,libs/kserve-client,libs/model-runtime,cli,services/coordinator
LOG=target/fuzz-campaign.log
mkdir -p target
marker=$(mktemp)
echo "== fuzzing every target for $DURATION (log: $LOG)"
./mvnw -B -ntp ${LUCID_MAVEN_OFFLINE:+-o} -fae -pl "$MODULES" -am test -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dlucid.fuzz=1 -Dlucid.fuzz.duration="$DURATION" -Dmaven.test.redirectTestOutputToFile=true >"$LOG" 2>&1
status=$?
printf '%-50s %14s %16s %10s\n' "target" "inputs tried" "fixed findings" "new"
total_runs=0; total_fixed=0; total_new=0
# libFuzzer prints "Done N runs" on the fork's stderr, between surefire's "Running CLASS" and its result line.
while read -r cls runs; do
  simple=${cls##*.}
  inputs=$(find libs services cli -path '*/src/test/resources/*' -type d -name "${simple}Inputs" 2>/dev/null)
  fixed=0; new=0
  if [ -n "$inputs" ]; then
    fixed=$(find $inputs -type f -name 'finding-*' | wc -l)
    new=$(find $inputs -type f -name 'crash-*' -newer "$marker" | wc -l)
  fi
  printf '%-50s %14d %16d %10d\n' "$simple" "$runs" "$fixed" "$new"
  total_runs=$((total_runs + runs)); total_fixed=$((total_fixed + fixed)); total_new=$((total_new + new))
done < <(awk '/Running dev\.lucid\..*FuzzTest/ {cls = $NF; runs[cls] += 0; order[++n] = cls}
              /^Done [0-9]+ runs/ && cls != "" {runs[cls] += $2}
              END {for (i = 1; i <= n; i++) print order[i], runs[order[i]]}' "$LOG")
printf '%-50s %14d %16d %10d\n' "total" "$total_runs" "$total_fixed" "$total_new"
rm -f "$marker"
if [ "$status" -ne 0 ]; then
  echo "fuzz campaign failed (exit $status): see $LOG and the crash-* inputs above"
fi
exit "$status"
