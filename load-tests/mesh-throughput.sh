#!/usr/bin/env bash
# Mesh throughput on this machine: builds if needed, starts the mesh (bin/lucid-mesh), runs the mini world's
# evaluation at scale (every stratum at PROMPTS prompts, SEEDS seeds per prompt, 7 models; 48 and 6 give
# 10,080 items) uncached, then the same images again under another name (cache-hot), then the first and
# a second rendering of the report. Prints items/s, cores busy and load average, CPU per service, Redis
# commands and bytes per item, the report times, and percentiles of every peer call the coordinator made.
#   load-tests/mesh-throughput.sh [RUN_DIR]      (env PROMPTS, SEEDS; needs redis-server, curl, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="${1:-$ROOT/target/throughput}"
PROMPTS="${PROMPTS:-48}"
SEEDS="${SEEDS:-6}"
CLI="$ROOT/bin/lucid"   # the CLI as users run it (class data sharing after its first run)
[ -f cli/target/lucid-cli.jar ] || ./mvnw -q -B -DskipTests install
trap 'bin/lucid-mesh down "$RUN"' EXIT
bin/lucid-mesh up "$RUN"
. "$RUN/env"
R="redis-cli -p $LUCID_REDIS_PORT"
http_port() { sed -n 's/.*-Dquarkus.http.port=\([0-9]*\).*/\1/p' "$RUN/$1.cmd"; }
COORD_HTTP=$(http_port coordinator)
INF_HTTP=$(http_port inference)

SPEC="$RUN/spec.yaml"
sed -e "s/count: [0-9]*}/count: $PROMPTS}/" -e "s/^seeds_per_prompt: [0-9]*/seeds_per_prompt: $SEEDS/" \
    -e 's/^name: mini-world$/name: throughput/' examples/mini-world.yaml > "$SPEC"
sed 's/^name: throughput$/name: throughput-cached/' "$SPEC" > "$RUN/spec-cached.yaml"

busy_idle() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat; }   # busy and idle jiffies, all cores
cpu_of() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }    # a process's user+system jiffies
SERVICES="redis inference sampler generator safety utility coordinator"
declare -A CPU0
snapshot() { for s in $SERVICES; do CPU0[$s]=$(cpu_of "$(cat "$RUN/$s.pid")"); done; }
commands() { $R info stats | sed -n 's/^total_commands_processed:\([0-9]*\).*/\1/p' | tr -d '\r'; }
memory() { $R info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p' | tr -d '\r'; }
now() { date +%s.%N; }
HZ=$(getconf CLK_TCK); CORES=$(nproc)

# One run of a spec to its end: prints id, seconds, cores busy (fraction of all), Redis commands.
run_spec() {
  local spec=$1 t0 t1 b0 i0 b1 i1 c0 c1 id
  read -r b0 i0 < <(busy_idle); c0=$(commands); t0=$(now)
  $CLI submit "$spec" --watch --coordinator "$LUCID_COORDINATOR" > "$RUN/submit.log"
  t1=$(now)
  id=$(head -1 "$RUN/submit.log" | awk '{print $1}'); read -r b1 i1 < <(busy_idle); c1=$(commands)
  echo "$id $(python3 -c "print(round($t1 - $t0, 2), round(($b1-$b0)/max(1, ($b1-$b0)+($i1-$i0)), 3))") $((c1 - c0))"
}

mem0=$(memory)
snapshot
echo "uncached run of $SPEC ($CORES cores)..." >&2
# The coordinator's adaptive concurrency, sampled once a second while the uncached run goes on.
( while sleep 1; do curl -fs "http://127.0.0.1:$COORD_HTTP/q/metrics" | sed -n 's/^lucid_coordinator_concurrency \([0-9.]*\)$/\1/p'; done ) \
    > "$RUN/concurrency.samples" 2>/dev/null &
SAMPLER=$!
trap 'kill "$SAMPLER" 2>/dev/null || true; bin/lucid-mesh down "$RUN"' EXIT
read -r ID SECS BUSY CMDS < <(run_spec "$SPEC")
kill "$SAMPLER" 2>/dev/null || true
LOAD=$(cut -d' ' -f1 /proc/loadavg)
ITEMS=$($R hget "lucid:eval:$ID" total)
STATE=$($R hget "lucid:eval:$ID" state)
[ "$STATE" = SUCCEEDED ] || { echo "the evaluation ended $STATE: $($R hget "lucid:eval:$ID" last_error)" >&2; exit 1; }
declare -A CPU1
for s in $SERVICES; do CPU1[$s]=$(( $(cpu_of "$(cat "$RUN/$s.pid")") - ${CPU0[$s]} )); done
mem1=$(memory)
# The evaluation's own records once finished (results, counters, plan; the shared content cache apart).
RECORDS=0
for k in $($R --scan --pattern "lucid:eval:$ID*"); do RECORDS=$((RECORDS + $($R memory usage "$k"))); done

# The floor under every CLI figure: the CLI's start and one small call (the lesser of two).
CLI_FLOOR=9
for _ in 1 2; do
  t0=$(now); $CLI list --limit 1 --coordinator "$LUCID_COORDINATOR" >/dev/null; t1=$(now)
  CLI_FLOOR=$(python3 -c "print(min($CLI_FLOOR, $t1 - $t0))")
done
echo "cache-hot run..." >&2
read -r ID2 SECS2 BUSY2 CMDS2 < <(run_spec "$RUN/spec-cached.yaml")
# In the coordinator: from the evaluation's creation (spec checked, prompts sampled, plan written) to its last item.
IN_COORD2=$(python3 -c "print(($($R hget "lucid:eval:$ID2" finished) - $($R hget "lucid:eval:$ID2" created)) / 1000)")
[ "$($R hget "lucid:eval:$ID2" generated)" = "" ] || echo "warning: the cache-hot run generated images" >&2
mem2=$(memory)

t0=$(now); $CLI report "$ID" --format json --coordinator "$LUCID_COORDINATOR" > "$RUN/report.json"; t1=$(now)
$CLI report "$ID" --format json --coordinator "$LUCID_COORDINATOR" > "$RUN/report-again.json"; t2=$(now)
curl -fs "http://127.0.0.1:$COORD_HTTP/q/metrics" > "$RUN/coordinator.metrics"
curl -fs "http://127.0.0.1:$INF_HTTP/metrics" > "$RUN/inference.metrics" || true

python3 - "$ITEMS" "$SECS" "$BUSY" "$LOAD" "$CMDS" "$SECS2" "$BUSY2" "$CMDS2" "$mem0" "$mem1" "$mem2" \
    "$(python3 -c "print($t1 - $t0)")" "$(python3 -c "print($t2 - $t1)")" "$HZ" "$CORES" "$RUN" "$RECORDS" "$CLI_FLOOR" "$IN_COORD2" \
    $(for s in $SERVICES; do echo "$s=${CPU1[$s]}"; done) <<'PY'
import re, sys
a = sys.argv[1:]
items, secs, busy, load, cmds = int(a[0]), float(a[1]), float(a[2]), a[3], int(a[4])
secs2, busy2, cmds2 = float(a[5]), float(a[6]), int(a[7])
mem0, mem1, mem2 = int(a[8]), int(a[9]), int(a[10])
report1, report2, hz, cores, run, records = float(a[11]), float(a[12]), int(a[13]), int(a[14]), a[15], int(a[16])
cli_floor, in_coord2 = float(a[17]), float(a[18])
cpu = dict(kv.split("=") for kv in a[19:])
print(f"items                      {items}")
print(f"uncached                   {secs:.1f} s, {items / secs:.1f} items/s, cores busy {busy * 100:.0f}% of {cores}, load average {load}")
print(f"  Redis commands per item  {cmds / items:.1f}")
conc = [float(x) for x in open(f"{run}/concurrency.samples").read().split()]
if conc:
    print(f"  coordinator concurrency  mean {sum(conc) / len(conc):.1f}, from {min(conc):.0f} to {max(conc):.0f} "
          f"(sampled once a second; adapted to the backends' queueing, at most lucid.coordinator.workers)")
print(f"  CPU per service          " + ", ".join(f"{s} {int(j) / hz:.0f} s ({int(j) / hz / secs / cores * 100:.0f}%)" for s, j in cpu.items()))
print(f"cache-hot re-run           {secs2:.2f} s, {items / secs2:.0f} items/s, cores busy {busy2 * 100:.0f}%, Redis commands per item {cmds2 / items:.1f}")
print(f"  of which                  {in_coord2:.2f} s from its creation to its last item in the coordinator; the CLI's start and one call take {cli_floor:.2f} s")
rep = {}
for line in open(f"{run}/coordinator.metrics"):
    m = re.match(r'grpc_server_processing_duration_seconds_(sum|count|max)\{(.*)\} (\S+)', line)
    if m and 'method="GetReport"' in m.group(2):
        v = float(m.group(3))
        rep[m.group(1)] = max(rep.get(m.group(1), 0), v) if m.group(1) == "max" else rep.get(m.group(1), 0) + v
print(f"first report               {report1:.2f} s (a second rendering {report2:.2f} s)")
if rep.get("count"):
    print(f"  of which                  in the coordinator {rep['sum']:.2f} s for the {int(rep['count'])} renderings, the longest {rep.get('max', 0):.2f} s")
print(f"Redis bytes per item       {(mem1 - mem0) / items:.0f} after the uncached run (images and scores included), "
      f"{(mem2 - mem1) / items:.0f} more for the cache-hot one; the finished evaluation's own records {records / items:.0f}")
# Percentiles of each peer call the coordinator made (HdrHistogram-backed, over the whole run).
q = {}
for line in open(f"{run}/coordinator.metrics"):
    m = re.match(r'lucid_peer_call_seconds\{(.*)\} (\S+)', line)
    if m:
        tags = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        if "quantile" in tags:
            q.setdefault(tags["peer"], {})[tags["quantile"]] = float(m.group(2)) * 1000
    m = re.match(r'lucid_peer_call_seconds_count\{(.*)\} (\S+)', line)
    if m:
        tags = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        q.setdefault(tags["peer"], {})["n"] = float(m.group(2))
for peer, v in sorted(q.items()):
    print(f"  {peer:<24} calls {int(v.get('n', 0)):>6}, p50 {v.get('0.5', 0):7.1f} ms, p90 {v.get('0.9', 0):7.1f} ms, "
          f"p99 {v.get('0.99', 0):7.1f} ms, max {v.get('1.0', 0):7.1f} ms")
# The inference server's queue time per request and model (Triton's counters).
counts, queue, compute = {}, {}, {}
try:
    for line in open(f"{run}/inference.metrics"):
        for name, into in (("nv_inference_request_success", counts), ("nv_inference_queue_duration_us", queue),
                           ("nv_inference_compute_infer_duration_us", compute)):
            m = re.match(name + r'\{(.*)\} (\S+)', line)
            if m:
                model = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1))).get("model", "?")
                into[model] = into.get(model, 0) + float(m.group(2))
except FileNotFoundError:
    pass
for model, n in sorted(counts.items()):
    if n:
        print(f"  inference {model:<14} requests {int(n):>7}, queue {queue.get(model, 0) / n / 1000:6.2f} ms, "
              f"compute {compute.get(model, 0) / n / 1000:6.2f} ms per request")
PY
