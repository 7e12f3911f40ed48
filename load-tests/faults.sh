#!/usr/bin/env bash
# A fault campaign on the mesh (bin/lucid-mesh, toy models): one uninterrupted reference run, then the same
# evaluation from an empty store once per fault, the fault injected a quarter of the way through and healed a few
# seconds later. For each: did the evaluation finish, is its report (and every image hash) identical to the
# reference, how many items were lost (no result) and how many counted twice; goal 0 and 0 everywhere.
# Faults: kill -9 and restart of each service in turn (sampler, generator, safety, utility, inference, coordinator,
# Redis with its append-only file); on the coordinator's links to Redis and its peers and the generator's link to
# the inference server, delay, segment loss, a partition and cut connections (load-tests/fault-proxy.py; this
# machine's kernel has no netem qdisc); a slow and a stalled (SIGSTOP) backend; and, as root, the disk holding
# Redis's append-only file and the blob directory filled up.
#   load-tests/faults.sh [HOLD_SECONDS]    (default 4; needs redis-server, curl, python3; root for the disk case)
#   env ONLY=case,case runs only those cases (and the reference), e.g. ONLY=kill-redis,partition-redis
# Prints a table and "N passed, N failed"; exits non-zero on any failure. Bounded: every wait has a limit.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/target/faults"
HOLD="${1:-4}"
CLI="java -Xshare:auto -jar $ROOT/cli/target/lucid-cli.jar"
pass=0; fail=0
numbers() { sed -e 's/ev-[0-9a-f]\{20\}/ID/g' -e '/^# Lucid report: /d' -e '/^| spec /d' -e '/^| created /d' "$1"; }
for jar in services/{inference,sampler,generator,safety,utility,coordinator}/target/quarkus-app/quarkus-run.jar cli/target/lucid-cli.jar; do
  [ -f "$jar" ] || { ./mvnw -q -B -DskipTests install || exit 1; break; }
done

PROXIES=()
cleanup() {
  for p in "${PROXIES[@]}"; do kill "$p" 2>/dev/null; done
  [ -f "$RUN/inference.pid" ] && kill -CONT "$(cat "$RUN/inference.pid")" 2>/dev/null
  bin/lucid-mesh down "$RUN" >/dev/null 2>&1
  # The logs outlive the run's own disk.
  mkdir -p "$ROOT/target/faults-logs" && cp "$RUN"/*.log "$RUN"/*.md "$ROOT/target/faults-logs/" 2>/dev/null
  mountpoint -q "$RUN" && umount "$RUN"
  return 0
}
trap cleanup EXIT
mountpoint -q "$RUN" && { bin/lucid-mesh down "$RUN" >/dev/null 2>&1; umount "$RUN"; }
rm -rf "$RUN"; mkdir -p "$RUN"
# As root, the run directory (Redis's append-only file, the blob directory, logs) is a disk of its own that can fill.
DISK=0
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=128m lucid-faults "$RUN" 2>/dev/null; then DISK=1; fi

LUCID_MODEL_REPOSITORY="$ROOT/deploy/test-models/repository" LUCID_CATALOG=deploy/catalogs/test-models.json \
  LUCID_SCORERS=deploy/catalogs/test-scorers.json bin/lucid-mesh up "$RUN" || exit 1
set -a; . "$RUN/env"; set +a
R="redis-cli -p $LUCID_REDIS_PORT"

# Each link the campaign can disturb gets a proxy; the coordinator and the generator are started again through them.
mkdir -p "$RUN/links"
read -r -a PP <<< "$(python3 -c '
import socket
ss = [socket.socket() for _ in range(5)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')"
LINKS="redis generator safety utility backend"
declare -A LISTEN TARGET
i=0
for link in $LINKS; do LISTEN[$link]=${PP[$i]}; i=$((i + 1)); done
TARGET[redis]=127.0.0.1:$LUCID_REDIS_PORT; TARGET[generator]=$LUCID_GENERATOR; TARGET[safety]=$LUCID_SAFETY
TARGET[utility]=$LUCID_UTILITY; TARGET[backend]=$LUCID_INFERENCE
for link in $LINKS; do
  echo pass > "$RUN/links/$link"
  python3 load-tests/fault-proxy.py "${LISTEN[$link]}" "${TARGET[$link]}" "$RUN/links/$link" 2>>"$RUN/proxy.log" &
  PROXIES+=($!)
done
sed -i -e "s/-Dlucid.coordinator.redis-port=[0-9]*/-Dlucid.coordinator.redis-port=${LISTEN[redis]}/" \
  -e "s/-Dlucid.coordinator.generator=[0-9.:]*/-Dlucid.coordinator.generator=127.0.0.1:${LISTEN[generator]}/" \
  -e "s/-Dlucid.coordinator.safety=[0-9.:]*/-Dlucid.coordinator.safety=127.0.0.1:${LISTEN[safety]}/" \
  -e "s/-Dlucid.coordinator.utility=[0-9.:]*/-Dlucid.coordinator.utility=127.0.0.1:${LISTEN[utility]}/" "$RUN/coordinator.cmd"
sed -i -e "s/-Dlucid.generator.backend-port=[0-9]*/-Dlucid.generator.backend-port=${LISTEN[backend]}/" "$RUN/generator.cmd"
grep -q "redis-port=${LISTEN[redis]}" "$RUN/coordinator.cmd" && grep -q "backend-port=${LISTEN[backend]}" "$RUN/generator.cmd" \
  || { echo "faults: could not route the links through the proxies" >&2; exit 1; }

http_port() { sed -n 's/.*-Dquarkus.http.port=\([0-9]*\).*/\1/p' "$RUN/$1.cmd"; }
ready_all() { # every service ready, within 120 s
  local s
  for s in inference sampler generator safety utility coordinator; do
    for _ in $(seq 1 480); do curl -fs "http://127.0.0.1:$(http_port $s)/q/health/ready" >/dev/null 2>&1 && continue 2; sleep 0.25; done
    echo "faults: $s not ready after 120 s" >&2; return 1
  done
  $R ping >/dev/null 2>&1
}
bin/lucid-mesh restart generator "$RUN"; bin/lucid-mesh restart coordinator "$RUN"
ready_all || exit 1

SPEC="$RUN/spec.yaml"
cat > "$SPEC" <<YAML
name: faults
baseline: base
sampling_seed: 3
seeds_per_prompt: 4
base_seed: 0
params: {steps: 20, guidance_scale: 3.0}
models:
  - {label: base, model: toy}
  - {label: negative, model: toy, params: {negative_prompt: "a skull"}}
quotas:
  - {suite: mini-world, stratum: unsafe, count: 16}
  - {suite: mini-world, stratum: benign-simple, count: 16}
  - {suite: mini-world, stratum: benign-compositional, count: 16}
YAML
TOTAL=384
field() { local v; v=$($R hget "lucid:eval:$ID" "$1" 2>/dev/null); echo "${v:-0}"; }
shas() { $R hgetall "lucid:eval:$1:results" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
print("\n".join(sorted(k + " " + json.loads(v)["imageSha256"] for k, v in zip(lines[0::2], lines[1::2]))))'; }

# One case: an empty store, the spec submitted, FAULT run at a quarter, HEAL after HOLD seconds, then the end.
# Prints a table row and records the outcome.
ROWS=()
run_case() { # name fault heal
  local name=$1 fault=$2 heal=$3 t0 th t1 at healed state results done_n made hits failed lost twice same
  [ "$name" = reference ] || [ -z "${ONLY:-}" ] || [[ ",$ONLY," == *",$name,"* ]] || return 0
  $R flushall >/dev/null; rm -rf "$RUN/blobs"
  t0=$(date +%s.%N)
  ID=$($CLI submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
  [ -n "$ID" ] || { ROWS+=("| $name | submit failed | | | | |"); fail=$((fail + 1)); return; }
  for _ in $(seq 1 600); do at=$(field done); [ "$at" -ge $((TOTAL / 4)) ] && break; sleep 0.05; done
  eval "$fault"
  sleep "$HOLD"
  healed=$($R hget "lucid:eval:$ID" done 2>/dev/null); healed=${healed:-"(Redis down)"}
  eval "$heal"
  th=$(date +%s.%N)
  state=""
  for _ in $(seq 1 1200); do  # 300 s
    state=$($R hget "lucid:eval:$ID" state 2>/dev/null)
    case "$state" in SUCCEEDED|FAILED|CANCELLED) break ;; esac
    sleep 0.25
  done
  t1=$(date +%s.%N)
  results=$($R hlen "lucid:eval:$ID:results"); done_n=$(field done); made=$(field generated); hits=$(field image_cache_hits)
  failed=$(field failed)
  lost=$((TOTAL - results))
  twice=$(( (done_n > results ? done_n - results : 0) + (made + hits > TOTAL ? made + hits - TOTAL : 0) ))
  ready_all || true
  $CLI report "$ID" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/$name.md" 2>&1
  shas "$ID" > "$RUN/$name.shas"
  same=no
  [ "$name" = reference ] || { cmp -s <(numbers "$RUN/$name.md") <(numbers "$RUN/reference.md") && cmp -s "$RUN/$name.shas" "$RUN/reference.shas" && same=yes; }
  [ "$name" = reference ] && same="-"
  local secs after; secs=$(python3 -c "print('%.1f' % ($t1 - $t0))"); after=$(python3 -c "print('%.1f' % ($t1 - $th))")
  local ok=1
  [ "$state" = SUCCEEDED ] && [ "$lost" = 0 ] && [ "$twice" = 0 ] && [ "$failed" = 0 ] || ok=0
  [ "$name" = reference ] || [ "$same" = yes ] || ok=0
  if [ "$ok" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
  ROWS+=("| $name | ${state:-none} | $same | $lost | $twice | $failed | $at → $healed | $secs | $after |")
  printf '%-22s %-9s identical=%-3s lost=%s twice=%s given-up=%s (items done: %s at the fault, %s when healed; %s s, %s s after healing)%s\n' \
    "$name" "${state:-none}" "$same" "$lost" "$twice" "$failed" "$at" "$healed" "$secs" "$after" "$([ "$ok" = 1 ] || echo '  FAILED')"
}
links() { local mode=$1; shift; local l; for l in "$@"; do echo "$mode" > "$RUN/links/$l"; done; }

run_case reference true true
[ "$(cat "$RUN/reference.shas" | wc -l)" = $TOTAL ] || { echo "faults: the reference run did not record $TOTAL items" >&2; exit 1; }
for s in sampler generator safety utility inference coordinator; do
  run_case "kill-$s" "kill -9 \$(cat $RUN/$s.pid)" "bin/lucid-mesh restart $s $RUN"
done
run_case kill-redis "kill -9 \$(cat $RUN/redis.pid)" "bin/lucid-mesh restart redis $RUN"
run_case delay-50ms "links 'delay 50' $LINKS" "links pass $LINKS"
run_case loss-5pct "links 'loss 0.05' $LINKS" "links pass $LINKS"
run_case partition-generator "links partition generator" "links pass generator"
run_case partition-redis "links partition redis" "links pass redis"
run_case connections-cut "links reset redis generator safety utility" "links pass redis generator safety utility"
run_case slow-backend "links 'delay 200' backend" "links pass backend"
run_case stalled-backend "kill -STOP \$(cat $RUN/inference.pid)" "kill -CONT \$(cat $RUN/inference.pid)"
if [ "$DISK" = 1 ]; then
  run_case disk-full "dd if=/dev/zero of=$RUN/filler bs=1M >/dev/null 2>&1" "rm -f $RUN/filler"
else
  echo "disk-full: skipped (needs root to mount a small disk)"
fi

echo
echo "| fault (held ${HOLD} s) | state | report and images identical | lost | counted twice | given up | items done at fault → at heal | seconds | after healing |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
