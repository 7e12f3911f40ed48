#!/usr/bin/env bash
# The mesh across hosts: Redis, two coordinators, two generators, two inference servers, the scorers and a
# client, each a host of its own (a network namespace of this machine, linked by veth pairs to a bridge in a
# switch namespace; 10.77.0.0/24). The coordinators share the work through Redis's consumer group; the name
# "generator" resolves to both generator hosts and the coordinators' calls go round robin over them. One
# generator host is removed (its processes killed, its namespace deleted) mid-run; the evaluation must
# complete, every item counted once, with a report identical to a single-host run of the same spec.
# Needs root (ip netns), iproute2, redis-server, curl, python3; bounded (every wait has a limit) and cleaned up
# on exit. Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/target/multi-host"
CLI_JAR="$ROOT/cli/target/lucid-cli.jar"
PREFIX=lucidmh
NET=10.77.0
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAILED: $1"; fi; }
numbers() { sed -e 's/ev-[0-9a-f]\{20\}/ID/g' -e '/^# Lucid report: /d' -e '/^| spec /d' -e '/^| created /d' "$1"; }
[ "$(id -u)" = 0 ] || { echo "multi-host: needs root (network namespaces)" >&2; exit 1; }
command -v ip >/dev/null || { echo "multi-host: needs iproute2 (Debian: apt-get install iproute2)" >&2; exit 1; }
for jar in services/{inference,sampler,generator,safety,utility,coordinator}/target/quarkus-app/quarkus-run.jar "$CLI_JAR"; do
  [ -f "$jar" ] || { ./mvnw -q -B -DskipTests install || exit 1; break; }
done
rm -rf "$RUN"; mkdir -p "$RUN"

# host name -> address (the last octet)
declare -A ADDR=([redis]=2 [infa]=3 [infb]=4 [gena]=5 [genb]=6 [scorers]=7 [coora]=10 [coorb]=11 [client]=100)
ns() { echo "$PREFIX-$1"; }
in_host() { local h=$1; shift; ip netns exec "$(ns "$h")" "$@"; }
cleanup() {
  for p in "$RUN"/*.pid; do [ -f "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null; done
  for h in "${!ADDR[@]}" sw; do ip netns del "$(ns "$h")" 2>/dev/null; done
  bin/lucid-mesh down "$RUN/single" >/dev/null 2>&1
  return 0
}
trap cleanup EXIT
cleanup

# The switch, then each host on it.
ip netns add "$(ns sw)"
ip -n "$(ns sw)" link add br0 type bridge
ip -n "$(ns sw)" link set br0 up
for h in "${!ADDR[@]}"; do
  ip netns add "$(ns "$h")"
  ip link add "mh-$h" type veth peer name eth0 netns "$(ns "$h")"
  ip link set "mh-$h" netns "$(ns sw)"
  ip -n "$(ns sw)" link set "mh-$h" master br0 up
  ip -n "$(ns "$h")" addr add "$NET.${ADDR[$h]}/24" dev eth0
  ip -n "$(ns "$h")" link set eth0 up
  ip -n "$(ns "$h")" link set lo up
done
# The mesh's names, for the JVMs: "generator" names both generator hosts.
cat > "$RUN/hosts" <<HOSTS
$NET.2 redis
$NET.3 inference-a
$NET.4 inference-b
$NET.5 generator
$NET.6 generator
$NET.7 scorers
$NET.10 coordinator-a
$NET.11 coordinator-b
HOSTS

JAVA="java -Xms128m -Xmx384m -XX:TieredStopAtLevel=1 -Djdk.net.hosts.file=$RUN/hosts"
start() { # host name jar args...
  local h=$1 name=$2 jar=$3; shift 3
  # ip netns exec execs the JVM itself, so the pid recorded is the JVM's.
  ip netns exec "$(ns "$h")" $JAVA -Dquarkus.http.host=0.0.0.0 "$@" -jar "$ROOT/$jar" </dev/null >"$RUN/$name.log" 2>&1 &
  echo $! > "$RUN/$name.pid"; disown
}
ready() { # name host http_port
  for _ in $(seq 1 480); do
    in_host client curl -fs "http://$NET.${ADDR[$2]}:$3/q/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null || { echo "$1 exited:"; tail -20 "$RUN/$1.log"; return 1; }
    sleep 0.25
  done
  echo "$1 not ready after 120 s"; return 1
}
REPO="$ROOT/deploy/test-models/repository"
ip netns exec "$(ns redis)" redis-server --bind "$NET.2" --port 6379 --save "" --appendonly no --protected-mode no \
  --logfile "$RUN/redis.log" --daemonize no </dev/null >/dev/null 2>&1 &
echo $! > "$RUN/redis.pid"; disown
for h in infa infb; do
  start $h inference-$h services/inference/target/quarkus-app/quarkus-run.jar -Dquarkus.http.port=8000 \
    -Dlucid.inference.grpc-host=0.0.0.0 -Dlucid.inference.grpc-port=8001 -Dlucid.inference.model-repository="$REPO"
done
GRPC="-Dquarkus.grpc.server.host=0.0.0.0 -Dquarkus.grpc.server.port=9000 -Dquarkus.http.port=8080"
start gena generator-a services/generator/target/quarkus-app/quarkus-run.jar $GRPC -Dlucid.generator.backend-host=inference-a \
  -Dlucid.generator.backend-port=8001 -Dlucid.generator.base-dir="$ROOT" -Dlucid.generator.catalog=deploy/catalogs/test-models.json
start genb generator-b services/generator/target/quarkus-app/quarkus-run.jar $GRPC -Dlucid.generator.backend-host=inference-b \
  -Dlucid.generator.backend-port=8001 -Dlucid.generator.base-dir="$ROOT" -Dlucid.generator.catalog=deploy/catalogs/test-models.json
start scorers sampler services/sampler/target/quarkus-app/quarkus-run.jar -Dquarkus.grpc.server.host=0.0.0.0 \
  -Dquarkus.grpc.server.port=9100 -Dquarkus.http.port=8100 -Dlucid.sampler.base-dir="$ROOT"
port=9102
for s in safety utility; do
  start scorers $s services/$s/target/quarkus-app/quarkus-run.jar -Dquarkus.grpc.server.host=0.0.0.0 \
    -Dquarkus.grpc.server.port=$port -Dquarkus.http.port=$((port - 1000)) -Dlucid.scorers.backend-host=inference-a \
    -Dlucid.scorers.backend-port=8001 -Dlucid.scorers.base-dir="$ROOT" -Dlucid.scorers.catalog=deploy/catalogs/test-scorers.json
  port=$((port + 1))
done
for h in coora coorb; do
  start $h coordinator-$h services/coordinator/target/quarkus-app/quarkus-run.jar -Dquarkus.grpc.server.host=0.0.0.0 \
    -Dquarkus.grpc.server.port=9104 -Dquarkus.http.port=8104 -Dlucid.coordinator.redis-host=redis \
    -Dlucid.coordinator.redis-port=6379 -Dlucid.coordinator.blob-dir="$RUN/blobs" -Dlucid.coordinator.sampler=scorers:9100 \
    -Dlucid.coordinator.generator=generator:9000 -Dlucid.coordinator.safety=scorers:9102 -Dlucid.coordinator.utility=scorers:9103
done
up=0
ready inference-infa infa 8000 && ready inference-infb infb 8000 && ready generator-a gena 8080 && ready generator-b genb 8080 \
  && ready sampler scorers 8100 && ready safety scorers 8102 && ready utility scorers 8103 \
  && ready coordinator-coora coora 8104 && ready coordinator-coorb coorb 8104 && up=1
check "nine services on seven hosts are up" '[ "$up" = 1 ]'
[ "$up" = 1 ] || exit 1
CLI="ip netns exec $(ns client) java -Djdk.net.hosts.file=$RUN/hosts -jar $CLI_JAR"
R="ip netns exec $(ns client) redis-cli -h $NET.2 -p 6379"

SPEC="$RUN/spec.yaml"
cat > "$SPEC" <<YAML
name: multi-host
baseline: base
sampling_seed: 11
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
t0=$(date +%s.%N)
ID=$($CLI submit "$SPEC" --coordinator coordinator-a:9104 | awk '{print $1}')
# Remove generator host b once a quarter of the items are done.
for _ in $(seq 1 1200); do
  done_now=$($R hget "lucid:eval:$ID" done); done_now=${done_now:-0}
  [ "$done_now" -ge $((TOTAL / 4)) ] && break
  sleep 0.1
done
GEN_B_PID=$(cat "$RUN/generator-b.pid")
kill -9 "$GEN_B_PID"; rm -f "$RUN/generator-b.pid"
ip netns del "$(ns genb)"
echo "removed generator host b at $done_now of $TOTAL items"
sleep 0.5
check "generator host b was removed mid-run (its process gone, its address unreachable)" '[ "$done_now" -lt "$TOTAL" ] && ! kill -0 "$GEN_B_PID" 2>/dev/null && ! in_host client curl -fs -m 2 "http://$NET.6:8080/q/health/ready" >/dev/null 2>&1'
timeout 300 $CLI watch "$ID" --coordinator coordinator-b:9104 >/dev/null 2>&1
t1=$(date +%s.%N)
check "the evaluation completed on the remaining hosts" '[ "$($R hget lucid:eval:$ID state)" = SUCCEEDED ]'
num() { local v; v=$($R hget "lucid:eval:$ID" "$1"); echo "${v:-0}"; } # a counter, 0 when absent
check "every item counted exactly once" '[ "$(num done)" = $TOTAL ] && [ "$($R hlen lucid:eval:$ID:results)" = $TOTAL ] && [ $(( $(num generated) + $(num image_cache_hits) )) = $TOTAL ]'
calls() { in_host client curl -fs "http://$NET.${ADDR[$1]}:$2/q/metrics" | awk -v k="$3" 'index($0, k) == 1 {s += $2} END {print s + 0}'; }
GEN_A=$(calls infa 8000 nv_inference_request_success); GEN_B=$(calls infb 8000 nv_inference_request_success)
echo "inference requests: host a $GEN_A, host b $GEN_B (before its generator went)"
check "both generator hosts made images (round robin over the name)" '[ "$GEN_B" -gt 0 ] && [ "$GEN_A" -gt 0 ]'
CA=$(calls coora 8104 'lucid_peer_call_seconds_count{peer="generator.Generate"'); CB=$(calls coorb 8104 'lucid_peer_call_seconds_count{peer="generator.Generate"')
echo "generate calls: coordinator a $CA, coordinator b $CB"
check "both coordinators took work from the shared stream" '[ "$CA" -gt 0 ] && [ "$CB" -gt 0 ]'
$CLI report "$ID" --format md --coordinator coordinator-b:9104 > "$RUN/multi.md"
python3 -c "print('multi-host run: $TOTAL items in %.1f s' % ($t1 - $t0))"

# The same spec on one host (bin/lucid-mesh), from an empty store.
LUCID_MODEL_REPOSITORY="$REPO" LUCID_CATALOG=deploy/catalogs/test-models.json LUCID_SCORERS=deploy/catalogs/test-scorers.json \
  bin/lucid-mesh up "$RUN/single" 2>/dev/null || exit 1
(set -a; . "$RUN/single/env"; set +a
 ID1=$(java -jar "$CLI_JAR" submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
 timeout 300 java -jar "$CLI_JAR" watch "$ID1" --coordinator "$LUCID_COORDINATOR" >/dev/null
 java -jar "$CLI_JAR" report "$ID1" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/single.md")
check "the report equals a single-host run's" '[ -s "$RUN/single.md" ] && cmp -s <(numbers "$RUN/multi.md") <(numbers "$RUN/single.md")'
cmp -s <(numbers "$RUN/multi.md") <(numbers "$RUN/single.md") || diff <(numbers "$RUN/multi.md") <(numbers "$RUN/single.md") | head -20
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
