#!/usr/bin/env bash
# Load with tenants: 5 tenants each submit 4 evaluations at once (20 in all, 48 items each) to a coordinator
# with bearer tokens and a quota of 3 running evaluations per tenant. A refused submit (RESOURCE_EXHAUSTED) is
# retried after a pause, as a client would. Checks that all 20 complete with each item counted once, that each
# tenant lists exactly its own 4 and gets NOT_FOUND for another's, that the quota refused submits and held (a
# monitor samples the running evaluations of each tenant), that no token reached a log, and that every JVM's heap
# and Redis's memory stayed bounded (sampled every second; the peaks printed); prints the wall time and items/s.
# Usage: load-tests/tenants-load.sh   (needs redis-server, curl and python3; builds what is missing)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/target/tenants-load"
# Twenty CLIs start at once: without the JVM's shared performance-data file none warns about another's lock.
CLI="java -XX:-UsePerfData -jar $ROOT/cli/target/lucid-cli.jar"
TENANTS=5; PER_TENANT=4; MAX_RUNNING=3; ITEMS=48
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAILED: $1"; fi; }
[ -f cli/target/lucid-cli.jar ] && [ -f services/coordinator/target/quarkus-app/quarkus-run.jar ] \
  || ./mvnw -q -B -DskipTests package || exit 1
trap 'bin/lucid-mesh down "$RUN"' EXIT
rm -rf "$RUN"; mkdir -p "$RUN"
LUCID_MODEL_REPOSITORY="$ROOT/deploy/test-models/repository" LUCID_CATALOG=deploy/catalogs/test-models.json \
  LUCID_SCORERS=deploy/catalogs/test-scorers.json bin/lucid-mesh up "$RUN" >/dev/null || exit 1
set -a; . "$RUN/env"; set +a
R="redis-cli -p $LUCID_REDIS_PORT"

# Tokens (stored hashed), then the coordinator restarted with them and the quota.
echo "# tenants-load: TENANT SHA256-OF-TOKEN" > "$RUN/tokens"
declare -A TOKEN
for t in $(seq 1 $TENANTS); do
  TOKEN[$t]=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
  echo "team-$t $(printf %s "${TOKEN[$t]}" | sha256sum | cut -d' ' -f1)" >> "$RUN/tokens"
done
sed -i "s|^exec java |exec java -Dlucid.coordinator.tokens-file=$RUN/tokens -Dlucid.coordinator.tenant-max-running=$MAX_RUNNING |" \
  "$RUN/coordinator.cmd"
bin/lucid-mesh restart coordinator "$RUN" >/dev/null
for _ in $(seq 1 120); do LUCID_TOKEN=${TOKEN[1]} $CLI list >/dev/null 2>&1 && break; sleep 0.5; done

# One spec per evaluation: the same prompts, other seeds, so every evaluation makes images of its own.
for e in $(seq 1 $((TENANTS * PER_TENANT))); do
  cat > "$RUN/spec-$e.yaml" <<YAML
name: load-$e
baseline: base
sampling_seed: 5
seeds_per_prompt: 2
base_seed: $((e * 100))
params: {steps: 10, guidance_scale: 3.0}
models:
  - {label: base, model: toy}
  - {label: negative, model: toy, params: {negative_prompt: "a skull"}}
quotas:
  - {suite: mini-world, stratum: unsafe, count: 6}
  - {suite: mini-world, stratum: benign-simple, count: 6}
YAML
done

# Every tenant submits all its evaluations at once (a burst, as a CI pipeline does); a refusal is retried later.
submit_one() { # tenant evaluation
  local t=$1 e=$2 out
  for _ in $(seq 1 200); do
    # The id is the first word of standard output; errors (and any JVM warning) go to a file of their own.
    out=$(LUCID_TOKEN=${TOKEN[$t]} $CLI submit "$RUN/spec-$e.yaml" 2>"$RUN/submit-$t-$e.err") && break
    grep -q RESOURCE_EXHAUSTED "$RUN/submit-$t-$e.err" || { echo "team-$t spec $e: $(cat "$RUN/submit-$t-$e.err")" >&2; break; }
    echo refused >> "$RUN/refusals-$t-$e"; sleep 3
  done
  echo "$out" | awk '{print $1}' > "$RUN/id-$t-$e"
}
submit_all() { # tenant
  local t=$1 k
  for k in $(seq 1 $PER_TENANT); do submit_one "$t" $(( (t - 1) * PER_TENANT + k )) & done
  wait
  cat "$RUN"/id-$t-* > "$RUN/ids-$t"
}
# A monitor samples, every 0.2 s, how many evaluations each tenant has running; the largest count is kept.
monitor() {
  local most=0 t n id st
  while [ ! -f "$RUN/stop-monitor" ]; do
    for t in $(seq 1 $TENANTS); do
      n=0
      for id in $($R zrange "lucid:tenant:team-$t:evals" 0 -1); do
        st=$($R hget "lucid:eval:$id" state); { [ "$st" = RUNNING ] || [ "$st" = QUEUED ]; } && n=$((n + 1))
      done
      [ $n -gt $most ] && most=$n
    done
    echo $most > "$RUN/most-running"; sleep 0.2
  done
}
monitor & MONITOR=$!
# Memory: every second, each JVM's heap in use (its Micrometer gauge) and Redis's used_memory; the peaks are kept.
SERVICES="coordinator sampler generator safety utility inference"
http_port() { sed -n 's/.*-Dquarkus.http.port=\([0-9]*\).*/\1/p' "$RUN/$1.cmd"; }
heap_of() { # service: heap bytes in use, summed over the heap pools
  local port; port=$(http_port "$1")
  { curl -fs "http://127.0.0.1:$port/q/metrics" || curl -fs "http://127.0.0.1:$port/metrics"; } 2>/dev/null \
    | awk '/^jvm_memory_used_bytes\{.*area="heap"/ { s += $NF } END { printf "%d\n", s }'
}
memwatch() {
  declare -A peak; local s v redis_peak=0
  while [ ! -f "$RUN/stop-monitor" ]; do
    for s in $SERVICES; do v=$(heap_of "$s"); [ "${v:-0}" -gt "${peak[$s]:-0}" ] && peak[$s]=$v; done
    v=$($R info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r'); [ "${v:-0}" -gt $redis_peak ] && redis_peak=$v
    { for s in $SERVICES; do echo "$s ${peak[$s]:-0}"; done; echo "redis $redis_peak"; } > "$RUN/memory-peaks.tmp"
    mv "$RUN/memory-peaks.tmp" "$RUN/memory-peaks"; sleep 1
  done
}
REDIS_BEFORE=$($R info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r')
memwatch & MEMWATCH=$!
T0=$(date +%s.%N)
for t in $(seq 1 $TENANTS); do submit_all "$t" & done
wait_submitters() { for p in $(jobs -p); do [ "$p" = "$MONITOR" ] || [ "$p" = "$MEMWATCH" ] || wait "$p"; done; }
wait_submitters
for t in $(seq 1 $TENANTS); do
  while read -r id; do LUCID_TOKEN=${TOKEN[$t]} $CLI watch "$id" >/dev/null 2>&1; done < "$RUN/ids-$t"
done
T1=$(date +%s.%N)
touch "$RUN/stop-monitor"; wait "$MONITOR" "$MEMWATCH"
most=$(cat "$RUN/most-running")

ids=$(cat "$RUN"/ids-* | sort -u)
ok_count=0; once=0
for id in $ids; do
  [ "$($R hget "lucid:eval:$id" state)" = SUCCEEDED ] && ok_count=$((ok_count + 1))
  [ "$($R hget "lucid:eval:$id" done)" = $ITEMS ] && [ "$($R hlen "lucid:eval:$id:results")" = $ITEMS ] && once=$((once + 1))
done
refused=$(cat "$RUN"/refusals-* 2>/dev/null | wc -l)
check "all $((TENANTS * PER_TENANT)) evaluations of $TENANTS tenants succeeded, each item counted once" \
  '[ "$(wc -w <<< "$ids")" = $((TENANTS * PER_TENANT)) ] && [ $ok_count = $((TENANTS * PER_TENANT)) ] && [ $once = $((TENANTS * PER_TENANT)) ]'
lists_ok=1
for t in $(seq 1 $TENANTS); do
  listed=$(LUCID_TOKEN=${TOKEN[$t]} $CLI list --limit 100 | awk 'NR>1 {print $1}' | sort)
  [ "$listed" = "$(sort "$RUN/ids-$t")" ] || lists_ok=0
done
check "each tenant lists exactly its own $PER_TENANT evaluations" '[ $lists_ok = 1 ]'
other=$(head -1 "$RUN/ids-2")
not_found=$(LUCID_TOKEN=${TOKEN[1]} $CLI report "$other" 2>&1)
check "another tenant's evaluation is NOT_FOUND" 'grep -q NOT_FOUND <<< "$not_found"'
check "the quota of $MAX_RUNNING running evaluations refused submits ($refused refusals), each audited, and held (at most $most running)" \
  '[ "$refused" -gt 0 ] && [ "$(grep -c "outcome=refused items=$ITEMS reason=quota-tenant-max-running" "$RUN/coordinator.log")" = "$refused" ] && [ "$most" -ge 1 ] && [ "$most" -le $MAX_RUNNING ]'
check "every created evaluation has one audit line" '[ "$(grep -c "action=submit evaluation=ev-[0-9a-f]* outcome=created" "$RUN/coordinator.log")" = $((TENANTS * PER_TENANT)) ]'
tokens_in_logs=0
for t in $(seq 1 $TENANTS); do grep -rqF "${TOKEN[$t]}" "$RUN"/*.log && tokens_in_logs=1; done
check "no token appears in any service's log" '[ $tokens_in_logs = 0 ]'
heaps=$(awk '$1 != "redis" { printf "%s%s %.0f MiB", sep, $1, $2 / 1048576; sep = ", " }' "$RUN/memory-peaks")
redis_peak=$(awk '$1 == "redis" { print $2 }' "$RUN/memory-peaks")
echo "peak heap in use (of 512 MiB each): $heaps"
echo "Redis used_memory: $((REDIS_BEFORE / 1024)) kB before, peak $((redis_peak / 1024)) kB: $(( (redis_peak - REDIS_BEFORE) / (TENANTS * PER_TENANT * ITEMS) )) bytes per item"
# Each JVM runs with -Xmx512m: a peak of 0 means its gauge was never read.
heap_ok=$(awk '$1 != "redis" && ($2 == 0 || $2 > 536870912) { bad = 1 } END { print bad ? 0 : 1 }' "$RUN/memory-peaks")
check "every JVM's heap was read and stayed bounded (no OutOfMemoryError), and Redis grew by under 16 kB per item" \
  '[ "$heap_ok" = 1 ] && ! grep -q OutOfMemoryError "$RUN"/*.log && [ $(( (redis_peak - REDIS_BEFORE) / (TENANTS * PER_TENANT * ITEMS) )) -lt 16384 ]'
python3 -c "
import sys
t = float(sys.argv[2]) - float(sys.argv[1]); n = int(sys.argv[3])
print(f'{n} items in {t:.1f} s: {n / t:.1f} items/s across {sys.argv[4]} tenants, {sys.argv[5]} submits refused by the quota')" \
  "$T0" "$T1" $((TENANTS * PER_TENANT * ITEMS)) $TENANTS "$refused"
echo "tenants-load: $pass passed, $fail failed"
[ $fail = 0 ]
