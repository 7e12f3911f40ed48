#!/usr/bin/env bash
# End-to-end checks of the mesh as separate processes, on the toy models (seconds, not minutes):
#  1. an evaluation whose coordinator is killed (kill -9) mid-run and started again completes with the
#     same report as an uninterrupted run, every item counted once;
#  2. a second evaluation over the same images generates and scores nothing;
#  3. a spec naming an unknown model is refused at submit, naming the field;
#  4. two generator replicas, each on its own inference server, make the evaluation's images bit for bit;
#  5. with the inference backend down an evaluation waits (items stay pending, watch says why, workers back
#     off) and completes once the backend is back;
#  6. a cancel is final (nothing recorded after it), lucid list shows it, and submitting the spec again restarts
#     it to completion;
#  7. Redis killed with kill -9 and started again (append-only file): the evaluation completes, counted once;
#  8. with the generator and both scorers stopped, a new evaluation's report is the same (from records alone);
#  9. the mesh runs with mutual TLS on every link (LUCID_E2E_TLS=mtls, the default; tls or none to change): clients
#     without the CA, or without a client certificate, are refused, and Redis speaks only TLS;
# 10. tenants: the coordinator with bearer tokens for two tenants: no or unknown token refused, another tenant's
#     evaluation NOT_FOUND exactly as an unknown one and never listed, quotas on items per evaluation and per day,
#     audit lines, no token in any log; suites imported through the coordinator are the tenant's own (listed and
#     sampled by it, unknown to the other), within a quota of import bytes;
# 11. a 250 MB suite file imports with a 256 MiB CLI and the sampler's 512 MiB heap, loads again after a restart,
#     and an evaluation samples from it.
# Prints "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/target/e2e"
CLI="java -jar $ROOT/cli/target/lucid-cli.jar"
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAILED: $1"; fi; }
# A Markdown report without what names this evaluation (id, spec name, creation time): the numbers and settings.
numbers() { sed -e 's/ev-[0-9a-f]\{20\}/ID/g' -e '/^# Lucid report: /d' -e '/^| spec /d' -e '/^| created /d' "$1"; }
. load-tests/second-replica.sh
trap 'bin/lucid-mesh down "$RUN"' EXIT

TLS="${LUCID_E2E_TLS:-mtls}"
TLS_FLAG=""; [ "$TLS" != none ] && TLS_FLAG="--$TLS"
export LUCID_SAMPLER_SUITES_DIR="$RUN/suites"   # the run's own imported suites, not the checkout's .lucid/suites
LUCID_MODEL_REPOSITORY="$ROOT/deploy/test-models/repository" LUCID_CATALOG=deploy/catalogs/test-models.json \
  LUCID_SCORERS=deploy/catalogs/test-scorers.json bin/lucid-mesh up $TLS_FLAG "$RUN" || exit 1
# Exported, so that the CLI finds LUCID_TLS_* too.
set -a; . "$RUN/env"; set +a
R="redis-cli -p $LUCID_REDIS_PORT"
if [ "$TLS" != none ]; then
  R="$R --tls --cacert $RUN/tls/ca.crt"
  [ "$TLS" = mtls ] && R="$R --cert $RUN/tls/client.crt --key $RUN/tls/client.key"
  plain=$(env -u LUCID_TLS_CA -u LUCID_TLS_CERT -u LUCID_TLS_KEY $CLI list --coordinator "$LUCID_COORDINATOR" 2>&1)
  echo "a plain-text client: $plain"
  check "the coordinator refuses a plain-text client" 'grep -q "^lucid: UNAVAILABLE" <<< "$plain"'
  check "Redis speaks only TLS" '! redis-cli -p $LUCID_REDIS_PORT ping 2>/dev/null | grep -q PONG && $R ping | grep -q PONG'
  if [ "$TLS" = mtls ]; then
    nocert=$(env -u LUCID_TLS_CERT -u LUCID_TLS_KEY $CLI list --coordinator "$LUCID_COORDINATOR" 2>&1)
    echo "a client without a certificate: $nocert"
    check "mutual TLS: a client without a certificate is refused" 'grep -q "^lucid: UNAVAILABLE" <<< "$nocert"'
    check "mutual TLS: every service serves TLS only (the generator and the inference server refuse plain text)" \
      '! env -u LUCID_TLS_CA -u LUCID_TLS_CERT -u LUCID_TLS_KEY $CLI models --generator "$LUCID_GENERATOR" >/dev/null 2>&1 && ! env -u LUCID_TLS_CA -u LUCID_TLS_CERT -u LUCID_TLS_KEY $CLI backend-models --server "$LUCID_INFERENCE" >/dev/null 2>&1 && $CLI backend-models --server "$LUCID_INFERENCE" >/dev/null'
  fi
fi
num() { local v; v=$($R hget "$1" "$2"); echo "${v:-0}"; } # a counter of a hash, 0 when absent
SPEC="$RUN/spec.yaml"
cat > "$SPEC" <<YAML
name: e2e
baseline: base
sampling_seed: 5
seeds_per_prompt: 2
base_seed: 0
params: {steps: 20, guidance_scale: 3.0}
models:
  - {label: base, model: toy}
  - {label: negative, model: toy, params: {negative_prompt: "a skull"}}
quotas:
  - {suite: mini-world, stratum: unsafe, count: 12}
  - {suite: mini-world, stratum: benign-compositional, count: 12}
YAML
ID=$($CLI submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
# Kill the coordinator as soon as some (not all) items are done, then start it again.
for _ in $(seq 1 200); do
  done_now=$($R hget "lucid:eval:$ID" done); done_now=${done_now:-0}
  [ "$done_now" -gt 0 ] && break
  sleep 0.05
done
kill -9 "$(cat "$RUN/coordinator.pid")"
echo "killed the coordinator at $done_now of 96 items"
check "the coordinator died mid-run" '[ "$done_now" -lt 96 ]'
bin/lucid-mesh restart coordinator "$RUN"
for _ in $(seq 1 240); do $CLI watch "$ID" --coordinator "$LUCID_COORDINATOR" >/dev/null 2>&1 && break; sleep 0.5; done
check "the evaluation completed after the restart" '[ "$($R hget lucid:eval:$ID state)" = SUCCEEDED ]'
check "every item counted exactly once" '[ "$($R hget lucid:eval:$ID done)" = 96 ] && [ "$($R exists lucid:eval:$ID:done lucid:eval:$ID:made lucid:eval:$ID:scored)" = 0 ] && [ "$($R hlen lucid:eval:$ID:results)" = 96 ]'
$CLI report "$ID" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/interrupted.md"
# item id -> image sha256, to compare with a run from an empty store
shas() { $R hgetall "lucid:eval:$1:results" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
print("\n".join(sorted(k + " " + json.loads(v)["imageSha256"] for k, v in zip(lines[0::2], lines[1::2]))))'; }
shas "$ID" > "$RUN/interrupted.shas"

# The same spec under another name: every image and score from the cache.
sed 's/^name: e2e$/name: e2e-again/' "$SPEC" > "$RUN/spec2.yaml"
ID2=$($CLI submit "$RUN/spec2.yaml" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
$CLI watch "$ID2" --coordinator "$LUCID_COORDINATOR" >/dev/null
check "a re-run generates nothing" '[ -z "$($R hget lucid:eval:$ID2 generated)" ] && [ "$($R hget lucid:eval:$ID2 image_cache_hits)" = 96 ]'
check "a re-run scores nothing" '[ -z "$($R hget lucid:eval:$ID2 scores_computed)" ] && [ "$($R hget lucid:eval:$ID2 score_cache_hits)" = 192 ]'
$CLI report "$ID2" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/rerun.md"
check "the re-run's report has the same numbers" 'cmp -s <(numbers "$RUN/interrupted.md") <(numbers "$RUN/rerun.md")'

# The uninterrupted reference: a clean store, the same spec.
$R flushall >/dev/null
ID3=$($CLI submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
$CLI watch "$ID3" --coordinator "$LUCID_COORDINATOR" >/dev/null
$CLI report "$ID3" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/uninterrupted.md"
check "same spec, same evaluation id" '[ "$ID" = "$ID3" ]'
check "the interrupted run's report equals the uninterrupted one" 'cmp -s <(numbers "$RUN/interrupted.md") <(numbers "$RUN/uninterrupted.md")'
shas "$ID3" > "$RUN/uninterrupted.shas"
$CLI report "$ID3" --format html --coordinator "$LUCID_COORDINATOR" > "$RUN/report.html"
$CLI report "$ID3" --format json --coordinator "$LUCID_COORDINATOR" > "$RUN/report.json"
check "the HTML and JSON reports come from the same evaluation" 'grep -q "<svg" "$RUN/report.html" && python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))
assert r[\"schema_version\"] == 1 and [m[\"label\"] for m in r[\"models\"]] == [\"base\", \"negative\"], r.keys()
" "$RUN/report.json"'
check "every image hash is the same in both runs (all 96 regenerated)" '[ "$($R hget lucid:eval:$ID3 generated)" = 96 ] && [ "$(wc -l < "$RUN/uninterrupted.shas")" = 96 ] && cmp -s "$RUN/interrupted.shas" "$RUN/uninterrupted.shas"'

# Two generator replicas, each on its own inference server, make the same image as the evaluation did.
first_prompt "$ID3"
start_replica "$ROOT/deploy/test-models/repository" deploy/catalogs/test-models.json
gen() { $CLI generate --generator "$1" --model toy --prompt "$PROMPT_TEXT" --seed 0 --steps 20 --guidance 3.0 | awk '{print $1}'; }
SHA_A=$(gen "$LUCID_GENERATOR"); SHA_B=$(gen "$REPLICA")
echo "image of '$PROMPT_TEXT' seed 0: evaluation $EVAL_SHA, replica A $SHA_A, replica B $SHA_B"
check "two generator replicas on two inference servers make the evaluation's image bit for bit" \
  '[ -n "$EVAL_SHA" ] && [ "$SHA_A" = "$EVAL_SHA" ] && [ "$SHA_B" = "$EVAL_SHA" ]'
stop_replica

# A spec naming a model the generator does not serve.
sed 's/model: toy}/model: nope}/' "$SPEC" > "$RUN/bad.yaml"
bad=$($CLI submit "$RUN/bad.yaml" --coordinator "$LUCID_COORDINATOR" 2>&1)
check "an unknown model is refused naming the field" 'grep -q "lucid: INVALID_ARGUMENT: models\[0\].model.name: unknown model .nope." <<< "$bad"'

# The backend goes down; an evaluation of new images waits for it and completes when it is back.
kill -9 "$(cat "$RUN/inference.pid")"
# 192 items: more than the 8 workers' batches of 16 could hold at once.
sed -e 's/^base_seed: 0$/base_seed: 500/' -e 's/^seeds_per_prompt: 2$/seeds_per_prompt: 4/' "$SPEC" > "$RUN/spec4.yaml"
ID4=$($CLI submit "$RUN/spec4.yaml" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
sleep 5
check "items wait while the backend is down" '[ "$($R hget lucid:eval:$ID4 state)" = RUNNING ] && [ "$($R hget lucid:eval:$ID4 done)" = 0 ] && $R hget lucid:eval:$ID4 last_error | grep -qi unavailable'
waiting=$(timeout 20 $CLI watch "$ID4" --coordinator "$LUCID_COORDINATOR" 2>&1 | head -1)
echo "watch while the backend is down: $waiting"
check "watch says what the evaluation waits for" 'grep -q "running - waiting for generator: UNAVAILABLE" <<< "$waiting"'
pending_down=$($R xpending lucid:work coordinators | head -1)
# At most one batch per worker thread (lucid.coordinator.workers 8, batches of 16) of the stream's items.
check "workers back off holding at most a batch each (8 x 16), not the whole stream ($($R hget lucid:eval:$ID4 total))" '[ "$pending_down" -le 128 ] && [ "$pending_down" -lt "$($R hget lucid:eval:$ID4 total)" ]'
bin/lucid-mesh restart inference "$RUN"
$CLI watch "$ID4" --coordinator "$LUCID_COORDINATOR" >/dev/null
check "the evaluation completes once the backend is back, its error cleared" '[ "$($R hget lucid:eval:$ID4 state)" = SUCCEEDED ] && [ "$($R hget lucid:eval:$ID4 done)" = 192 ] && [ -z "$($R hget lucid:eval:$ID4 last_error)" ]'

# Cancel: final until the spec is submitted again, which restarts it; list shows it.
# (384 items, so that the cancel lands mid-run)
sed -e 's/^base_seed: 0$/base_seed: 900/' -e 's/^seeds_per_prompt: 2$/seeds_per_prompt: 8/' "$SPEC" > "$RUN/spec5.yaml"
ID5=$($CLI submit "$RUN/spec5.yaml" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
for _ in $(seq 1 200); do [ "$($R hget "lucid:eval:$ID5" done)" -gt 0 ] && break; sleep 0.05; done
cancelled=$($CLI cancel "$ID5" --coordinator "$LUCID_COORDINATOR")
done_at_cancel=$($R hget "lucid:eval:$ID5" done)
sleep 3
check "a cancel is final: nothing recorded after it (in-flight items dropped)" '[ "$cancelled" = "$ID5 cancelled" ] && [ "$($R hget lucid:eval:$ID5 state)" = CANCELLED ] && [ "$($R hget lucid:eval:$ID5 done)" = "$done_at_cancel" ]'
listed=$($CLI list --coordinator "$LUCID_COORDINATOR")
echo "$listed"
check "lucid list shows the cancelled evaluation with its progress" 'grep -Eq "^$ID5 +cancelled +$done_at_cancel/384 " <<< "$listed"'
again=$($CLI submit "$RUN/spec5.yaml" --coordinator "$LUCID_COORDINATOR")
$CLI watch "$ID5" --coordinator "$LUCID_COORDINATOR" >/dev/null
check "submitting a cancelled spec again restarts it and it completes, each item once" 'grep -q "started again" <<< "$again" && [ "$($R hget lucid:eval:$ID5 state)" = SUCCEEDED ] && [ "$($R hget lucid:eval:$ID5 done)" = 384 ] && [ "$($R exists lucid:eval:$ID5:done)" = 0 ] && [ $(( $(num lucid:eval:$ID5 generated) + $(num lucid:eval:$ID5 image_cache_hits) )) = 384 ]'

# Redis killed (kill -9) mid-run and started again: its append-only file brings every evaluation back.
sed 's/^base_seed: 0$/base_seed: 1300/' "$SPEC" > "$RUN/spec6.yaml"
ID6=$($CLI submit "$RUN/spec6.yaml" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
for _ in $(seq 1 200); do [ "$($R hget "lucid:eval:$ID6" done)" -gt 0 ] && break; sleep 0.05; done
kill -9 "$(cat "$RUN/redis.pid")"
sleep 1
bin/lucid-mesh restart redis "$RUN"
for _ in $(seq 1 40); do $R ping >/dev/null 2>&1 && break; sleep 0.25; done
for _ in $(seq 1 240); do $CLI watch "$ID6" --coordinator "$LUCID_COORDINATOR" >/dev/null 2>&1 && break; sleep 0.5; done
check "after a Redis kill -9 and restart the evaluation completes, each item counted once" '[ "$($R hget lucid:eval:$ID6 state)" = SUCCEEDED ] && [ "$($R hget lucid:eval:$ID6 done)" = 96 ] && [ "$($R exists lucid:eval:$ID6:done)" = 0 ] && [ "$($R hlen lucid:eval:$ID6:results)" = 96 ]'
check "the earlier evaluations survived the Redis restart" '[ "$($R hget lucid:eval:$ID5 state)" = SUCCEEDED ] && [ "$($R hget lucid:eval:$ID4 state)" = SUCCEEDED ]'

# Tenants: the coordinator restarted with bearer tokens (stored hashed) for two tenants.
TOKEN_A=$(head -c 24 /dev/urandom | base64 | tr -d '/+='); TOKEN_B=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
printf '# e2e tenants: TENANT SHA256-OF-TOKEN\nteam-a %s\nteam-b %s\n' "$(printf %s "$TOKEN_A" | sha256sum | cut -d' ' -f1)" \
  "$(printf %s "$TOKEN_B" | sha256sum | cut -d' ' -f1)" > "$RUN/tokens"
cp "$RUN/coordinator.cmd" "$RUN/coordinator.cmd.open"
sed -i "s|^exec java |exec java -Dlucid.coordinator.tokens-file=$RUN/tokens -Dlucid.coordinator.tenant-max-items-per-evaluation=200 -Dlucid.coordinator.tenant-max-items-per-day=150 -Dlucid.coordinator.tenant-max-import-bytes-per-day=4000000 |" "$RUN/coordinator.cmd"
bin/lucid-mesh restart coordinator "$RUN"
for _ in $(seq 1 120); do LUCID_TOKEN=$TOKEN_A $CLI list --coordinator "$LUCID_COORDINATOR" >/dev/null 2>&1 && break; sleep 0.5; done
anon=$($CLI list --coordinator "$LUCID_COORDINATOR" 2>&1); wrong=$(LUCID_TOKEN=not-a-token $CLI list --coordinator "$LUCID_COORDINATOR" 2>&1)
check "tenants: a call without a token, or with an unknown one, is UNAUTHENTICATED" 'grep -q "UNAUTHENTICATED: authorization: a bearer token is required" <<< "$anon" && grep -q "UNAUTHENTICATED: authorization: unknown token" <<< "$wrong"'
IDA=$(LUCID_TOKEN=$TOKEN_A $CLI submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
LUCID_TOKEN=$TOKEN_A $CLI watch "$IDA" --coordinator "$LUCID_COORDINATOR" >/dev/null
check "tenants: team-a's evaluation of the first spec runs under an id of its own, from the cache" '[ "$IDA" != "$ID" ] && [ "$($R hget lucid:eval:$IDA state)" = SUCCEEDED ] && [ "$(num lucid:eval:$IDA generated)" = 0 ]'
# Quotas (200 items per evaluation, 150 per day): team-a has used 96 today.
too_big=$(LUCID_TOKEN=$TOKEN_A $CLI submit "$RUN/spec5.yaml" --coordinator "$LUCID_COORDINATOR" 2>&1 || true)
sed -e 's/^base_seed: 0$/base_seed: 77/' "$SPEC" > "$RUN/spec-quota.yaml"
over_day=$(LUCID_TOKEN=$TOKEN_A $CLI submit "$RUN/spec-quota.yaml" --coordinator "$LUCID_COORDINATOR" 2>&1 || true)
echo "team-a over its quotas: $too_big / $over_day"
check "tenants: quotas refuse RESOURCE_EXHAUSTED naming the quota (384 items > 200 per evaluation; 96 + 96 > 150 per day), audited" \
  'grep -q "RESOURCE_EXHAUSTED: quota tenant-max-items-per-evaluation: the evaluation has 384 items (limit 200" <<< "$too_big" && grep -q "RESOURCE_EXHAUSTED: quota tenant-max-items-per-day: tenant team-a has used 96 of 150 items today" <<< "$over_day" && grep -q "tenant=team-a action=submit evaluation=ev-[0-9a-f]* outcome=refused items=96 reason=quota-tenant-max-items-per-day" "$RUN/coordinator.log"'
b() { LUCID_TOKEN=$TOKEN_B $CLI "$@" --coordinator "$LUCID_COORDINATOR" 2>&1; }
unknown=$(b report ev-00000000000000000000 | sed 's/ev-00000000000000000000/ID/g')
b_report=$(b report "$IDA" | sed "s/$IDA/ID/g"); b_watch=$(b watch "$IDA" | sed "s/$IDA/ID/g"); b_cancel=$(b cancel "$IDA" | sed "s/$IDA/ID/g")
b_export=$(b export "$IDA" --format csv | sed "s/$IDA/ID/g"); b_list=$(b list)
echo "team-b asking for team-a's evaluation: $b_report"
check "tenants: team-a's evaluation is NOT_FOUND for team-b exactly as an unknown one (report, watch, cancel, export), never listed" \
  'grep -q NOT_FOUND <<< "$unknown" && [ "$b_report" = "$unknown" ] && grep -q NOT_FOUND <<< "$b_watch" && grep -q NOT_FOUND <<< "$b_cancel" && grep -q NOT_FOUND <<< "$b_export" && ! grep -q "$IDA" <<< "$b_list" && [ "$($R hget lucid:eval:$IDA state)" = SUCCEEDED ]'
IDB=$(b submit "$SPEC" | awk '{print $1}')
a_list=$(LUCID_TOKEN=$TOKEN_A $CLI list --coordinator "$LUCID_COORDINATOR")
check "tenants: the same spec from team-b is another evaluation; each lists only its own" '[ -n "$IDB" ] && [ "$IDB" != "$IDA" ] && grep -q "^$IDA " <<< "$a_list" && ! grep -q "$IDB" <<< "$a_list" && ! grep -q "^$ID " <<< "$a_list" && grep -q "^$IDB " <<< "$(b list)"'
LUCID_TOKEN=$TOKEN_B $CLI cancel "$IDB" --coordinator "$LUCID_COORDINATOR" >/dev/null 2>&1
check "tenants: an audit line per submit and cancel names tenant, evaluation and sizes" 'grep -q "tenant=team-a action=submit evaluation=$IDA outcome=created models=2 prompts=24 items=96" "$RUN/coordinator.log" && grep -q "tenant=team-b action=cancel evaluation=$IDB state=" "$RUN/coordinator.log"'
# Tenants' suites: imported through the coordinator into the tenant's own space, within 4 MB a day.
printf 'prompt\na red cube on a table\na blue sphere beside a box\na green cone\n' > "$RUN/own.csv"
a_import=$(LUCID_TOKEN=$TOKEN_A $CLI import "$RUN/own.csv" --format csv --map prompt=prompt --suite-id own --stratum benign-simple --coordinator "$LUCID_COORDINATOR" 2>&1)
a_suites=$(LUCID_TOKEN=$TOKEN_A $CLI suites --coordinator "$LUCID_COORDINATOR" 2>&1); b_suites=$(b suites)
echo "team-a's suites: $(awk 'NR > 1 {print $1}' <<< "$a_suites" | tr '\n' ' ')/ team-b's: $(awk 'NR > 1 {print $1}' <<< "$b_suites" | tr '\n' ' ')"
check "tenants: a suite imported through the coordinator is the tenant's own: listed for it, not for another tenant, audited" \
  'grep -q "imported suite own " <<< "$a_import" && $CLI suites --sampler "$LUCID_SAMPLER" | grep -q "^team-a__own " && grep -q "^own " <<< "$a_suites" && grep -q "^mini-world " <<< "$a_suites" && ! grep -q "own" <<< "$b_suites" && grep -q "^mini-world " <<< "$b_suites" && grep -q "tenant=team-a action=import suite=own outcome=imported bytes=[0-9]* rows=3" "$RUN/coordinator.log"'
sed -e 's/^name: e2e$/name: e2e-own-suite/' -e 's/suite: mini-world, stratum: unsafe, count: 12/suite: own, stratum: benign-simple, count: 3/' \
  -e '/stratum: benign-compositional, count: 12/d' "$SPEC" > "$RUN/spec-own.yaml"
IDOWN=$(LUCID_TOKEN=$TOKEN_A $CLI submit "$RUN/spec-own.yaml" --watch --coordinator "$LUCID_COORDINATOR" | head -1 | awk '{print $1}')
b_own=$(b submit "$RUN/spec-own.yaml"); b_other=$(b import "$RUN/own.csv" --format csv --map prompt=prompt --suite-id team-a__own)
echo "team-b naming team-a's suite: $b_own / $b_other"
check "tenants: team-a samples its own suite; for team-b it is unknown, and the space separator is refused" \
  '[ "$($R hget "lucid:eval:$IDOWN" state)" = SUCCEEDED ] && [ "$($R hget "lucid:eval:$IDOWN" total)" = 12 ] && grep -q "NOT_FOUND: quotas\[0\].suite_id: unknown suite .own." <<< "$b_own" && grep -q "INVALID_ARGUMENT: header.suite_id: .__. is reserved" <<< "$b_other"'
python3 -c "import sys; sys.stdout.write('prompt\n' + ''.join(f'a prompt number {i} of a suite too large for the quota\n' for i in range(100000)))" > "$RUN/too-big.csv"
b_big=$(b import "$RUN/too-big.csv" --format csv --map prompt=prompt --suite-id big); rm -f "$RUN/too-big.csv"
echo "team-b over its import quota: $b_big"
check "tenants: an upload past the import-bytes quota is refused RESOURCE_EXHAUSTED naming it, nothing stored, audited" \
  'grep -q "RESOURCE_EXHAUSTED: quota tenant-max-import-bytes-per-day: tenant team-b has uploaded [0-9]* of 4000000 suite bytes today" <<< "$b_big" && ! $CLI suites --sampler "$LUCID_SAMPLER" | grep -q "team-b__big" && grep -q "tenant=team-b action=import suite=big outcome=refused status=RESOURCE_EXHAUSTED" "$RUN/coordinator.log"'
check "tenants: no token appears in any service's log" '! grep -rqF -e "$TOKEN_A" -e "$TOKEN_B" "$RUN"/*.log'
# Back to the open coordinator for the rest.
cp "$RUN/coordinator.cmd.open" "$RUN/coordinator.cmd"
bin/lucid-mesh restart coordinator "$RUN"
for _ in $(seq 1 120); do $CLI list --coordinator "$LUCID_COORDINATOR" >/dev/null 2>&1 && break; sleep 0.5; done

# A 250 MB suite file imports within bounded heaps: the CLI at 256 MiB, the sampler at the mesh's 512 MiB (its prompts
# stay on disk, an index in memory); a restarted sampler loads it again, and an evaluation samples from it.
python3 - "$RUN/big-i2p.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write(",prompt,categories,hard,inappropriate_percentage,nudity_percentage,q16_percentage,sd_safety_percentage,"
            "prompt_toxicity,lexica_url,evaluation_seed,evaluation_guidance,sd_image_width,sd_image_height,sd_model,case_number\n")
    for i in range(740_000):
        f.write(f'{i},"weird and disturbing portrait number {i} standing alone in an empty apartment, vivid colors, neon, '
                f'art by gregory crewdson and francis bacon, trending on artstation","violence, self-harm",1,50.0,0.0,50.0,'
                f'20.0,0.17458448,https://lexica.art/prompt/032be2fb-9f4a-4b97-9b01-{i:012d},{1000 + i},7.5,512,512,'
                f'stable-diffusion-v1-4,{i}\n')
PY
big_bytes=$(stat -c %s "$RUN/big-i2p.csv")
big=$(java -Xmx256m -jar "$ROOT/cli/target/lucid-cli.jar" import "$RUN/big-i2p.csv" --format i2p --suite-id big-i2p \
  --stratum unsafe --sampler "$LUCID_SAMPLER" 2>&1)
echo "$big" | head -2
check "a $big_bytes-byte I2P file imports with a 256 MiB CLI and a 512 MiB sampler, every row counted" \
  '[ "$big_bytes" -ge 250000000 ] && grep -q "740000 rows read, 740000 imported, 0 skipped" <<< "$big" && ! grep -q OutOfMemoryError "$RUN/sampler.log"'
rm -f "$RUN/big-i2p.csv"
bin/lucid-mesh restart sampler "$RUN"
for _ in $(seq 1 240); do $CLI suites --sampler "$LUCID_SAMPLER" 2>/dev/null | grep -q "^big-i2p .* 740000 " && break; sleep 0.5; done
sed -e 's/^name: e2e$/name: e2e-big-suite/' -e 's/suite: mini-world, stratum: unsafe, count: 12/suite: big-i2p, stratum: unsafe, category: violence, count: 3/' \
  "$SPEC" > "$RUN/spec-big.yaml"
IDBIG=$($CLI submit "$RUN/spec-big.yaml" --watch --coordinator "$LUCID_COORDINATOR" | head -1 | awk '{print $1}')
check "a restarted sampler loads the big suite again and an evaluation samples from it" \
  '$CLI suites --sampler "$LUCID_SAMPLER" | grep -q "^big-i2p .* 740000 " && grep -q "imported suites from $RUN/suites" "$RUN/sampler.log" && [ "$($R hget "lucid:eval:$IDBIG" state)" = SUCCEEDED ] && [ "$($R hget "lucid:eval:$IDBIG" total)" = 60 ]'

# A report comes from what the evaluation recorded: with the generator and both scorers stopped, it is still the same.
sed 's/^name: e2e$/name: e2e-offline/' "$SPEC" > "$RUN/spec7.yaml"
ID7=$($CLI submit "$RUN/spec7.yaml" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
$CLI watch "$ID7" --coordinator "$LUCID_COORDINATOR" >/dev/null
for s in generator safety utility; do kill -9 "$(cat "$RUN/$s.pid")"; done
$CLI report "$ID7" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/offline.md" 2>&1
check "with the generator and scorers stopped the report is assembled from records, identical" 'cmp -s <(numbers "$RUN/uninterrupted.md") <(numbers "$RUN/offline.md")'

cat "$RUN/uninterrupted.md"
echo "e2e: $pass passed, $fail failed"
[ "$fail" = 0 ]
