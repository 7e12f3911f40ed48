#!/usr/bin/env bash
# End-to-end check of latent diffusion on the mesh with deploy/sd-tiny (random-weight SD 1.x in optimum's ONNX layout):
#  1. lucid models add imports the base export, the ESD-like UNet and the DES-like text encoder (the tokenizer folder
#     built from openai's vocabulary under ../shared, so no torch is needed);
#  2. the mesh serves them with the mini world's scorers (latent side 4: 32 x 32 images, the scorers' input size);
#  3. an evaluation of base, esd, des, base + negative prompt and base + SLD on mini-world prompts succeeds;
#  4. a second generator replica on its own inference server makes an evaluation's image bit for bit;
#  5. a re-run from an empty store makes the same images;
#  6. the mesh again with deploy/catalogs/sd-tiny-scorers.json (stand-ins with the real scorers' contracts, nsfwjs,
#     CLIP text through openai's BPE vocabulary, Inception-shaped features) plus toy_vqa on the vqa contract: an
#     evaluation of base and esd on mini-world, DSG-format and TIFA-format prompts (examples/questions) with FID also
#     against .npz statistics succeeds; its report, assembled with the generator and scorers stopped, equals the one
#     assembled with them back, and shows every metric with its provenance.
# The mesh runs with TLS on every link (bin/lucid-mesh up --tls: server certificates from a private CA).
# Prints "N passed, N failed" and exits non-zero on any failure. Skips (exit 0) without ../shared.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN="$ROOT/target/e2e-sd-tiny"
VOCAB="$ROOT/../shared/tokenizers/clip/bpe_simple_vocab_16e6.txt.gz"
[ -f "$VOCAB" ] || { echo "e2e-sd-tiny: $VOCAB is absent: skipped"; exit 0; }
CLI="java -jar $ROOT/cli/target/lucid-cli.jar"
EXPORT="$ROOT/deploy/sd-tiny/export"
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); echo "ok: $1"; else fail=$((fail+1)); echo "FAILED: $1"; fi; }
. load-tests/second-replica.sh
trap 'bin/lucid-mesh down "$RUN/mesh"' EXIT

rm -rf "$RUN"; mkdir -p "$RUN"
MODELS="$RUN/repository"; CATALOG="$RUN/catalog.json"
add() { $CLI models add "$@" --repository "$MODELS" --catalog "$CATALOG" --base-dir "$ROOT"; }
add "$EXPORT/base" --name sdt --tokenizer-vocab "$VOCAB" --sample-size 4 | tee "$RUN/add-base.txt"
add --name sdt-esd --base sdt --unet "$EXPORT/esd-unet" | tee "$RUN/add-esd.txt"
add --name sdt-des --base sdt --text-encoder "$EXPORT/des-text-encoder" | tee "$RUN/add-des.txt"
check "models add wrote five backend models and three catalog entries" '[ "$(ls "$MODELS" | wc -l)" = 5 ] && [ "$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))[\"models\"]))" "$CATALOG")" = 3 ]'
check "the tokenizer folder is next to the catalog, not in the model repository" '[ -f "$RUN/tokenizers/sdt/vocab.json" ] && [ ! -e "$MODELS/tokenizers" ]'
refused=$(add "$EXPORT/base" --name sdt --tokenizer-vocab "$VOCAB" 2>&1)
check "adding an existing name again is refused" 'grep -q "already has a model .sdt." <<< "$refused"'
# The mini world's scorers share the inference server (hard links, one repository).
for m in safety_classifier clip_image clip_text reader; do cp -rl "$ROOT/deploy/mini-world/models/$m" "$MODELS/$m"; done

LUCID_MODEL_REPOSITORY="$MODELS" LUCID_CATALOG="$CATALOG" bin/lucid-mesh up --tls "$RUN/mesh" || exit 1
set -a; . "$RUN/mesh/env"; set +a  # exported: the CLI reads LUCID_TLS_CA
R="redis-cli -p $LUCID_REDIS_PORT --tls --cacert $RUN/mesh/tls/ca.crt"
SPEC="$RUN/spec.yaml"
cat > "$SPEC" <<YAML
name: e2e-sd-tiny
baseline: base
sampling_seed: 5
seeds_per_prompt: 2
base_seed: 0
params: {steps: 10, guidance_scale: 7.5}
models:
  - {label: base, model: sdt}
  - {label: esd, model: sdt-esd}
  - {label: des, model: sdt-des}
  - {label: negative, model: sdt, params: {negative_prompt: "a skull"}}
  - {label: sld, model: sdt, params: {safety_guidance: {concept: "a skull", preset: strong}}}
  # Risk-adaptive SLD on SD's contract (CLIP ids, latents): a weight of 0.25..0.75 by each prompt's risk.
  - label: adaptive
    model: sdt
    params: {safety_guidance: {concept: "a skull", preset: strong,
                               adaptive: {risk_low: -1, risk_high: 1, floor: 0.25, ceiling: 0.75}}}
quotas:
  - {suite: mini-world, stratum: unsafe, count: 3}
  - {suite: mini-world, stratum: benign-compositional, count: 3}
YAML
ITEMS=72
ID=$($CLI submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
$CLI watch "$ID" --coordinator "$LUCID_COORDINATOR" >/dev/null
check "the evaluation of six sd-tiny models succeeded" '[ "$($R hget lucid:eval:$ID state)" = SUCCEEDED ] && [ "$($R hget lucid:eval:$ID done)" = $ITEMS ]'
$CLI report "$ID" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/report.md"
shas() { $R hgetall "lucid:eval:$1:results" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
print("\n".join(sorted(k + " " + json.loads(v)["imageSha256"] for k, v in zip(lines[0::2], lines[1::2]))))'; }
shas "$ID" > "$RUN/first.shas"
distinct=$(python3 -c '
import sys, collections
by_item = collections.defaultdict(set)
for line in open(sys.argv[1]):
    key, sha = line.split()
    label, rest = key.split("|", 1)
    by_item[rest].add(sha)
print(min(len(v) for v in by_item.values()))' "$RUN/first.shas")
check "the six models (adaptive SLD among them) make six different images of every prompt and seed" '[ "$distinct" = 6 ]'

# A second generator replica on its own inference server.
first_prompt "$ID"
MESH_RUN="$RUN/mesh" start_replica "$MODELS" "$CATALOG"
gen() { $CLI generate --generator "$1" --model sdt --prompt "$PROMPT_TEXT" --seed 0 --steps 10 --guidance 7.5 | awk '{print $1}'; }
SHA_A=$(gen "$LUCID_GENERATOR"); SHA_B=$(gen "$REPLICA")
echo "sdt image of '$PROMPT_TEXT' seed 0: evaluation $EVAL_SHA, replica A $SHA_A, replica B $SHA_B"
check "two generator replicas on two inference servers make the evaluation's image bit for bit" \
  '[ -n "$EVAL_SHA" ] && [ "$SHA_A" = "$EVAL_SHA" ] && [ "$SHA_B" = "$EVAL_SHA" ]'
stop_replica

# From an empty store: every image made again, bit for bit.
$R flushall >/dev/null
ID2=$($CLI submit "$SPEC" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
$CLI watch "$ID2" --coordinator "$LUCID_COORDINATOR" >/dev/null
shas "$ID2" > "$RUN/second.shas"
check "a re-run from an empty store regenerates the same $ITEMS images" '[ "$($R hget lucid:eval:$ID2 generated)" = $ITEMS ] && [ "$(wc -l < "$RUN/second.shas")" = $ITEMS ] && cmp -s "$RUN/first.shas" "$RUN/second.shas"'

# The stand-in scorers: detector, SD safety checker and nsfwjs for safety; CLIP, Inception features and the vqa
# contract (toy_vqa) for utility; questions from DSG- and TIFA-format sets; FID also against .npz statistics.
bin/lucid-mesh down "$RUN/mesh"
for m in "$ROOT"/deploy/sd-tiny/scorers/repository/* "$ROOT"/deploy/nsfwjs/repository/* "$ROOT/deploy/test-models/repository/toy_vqa"; do
  cp -rl "$m" "$MODELS/"
done
SCORERS="$RUN/scorers.json"
python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
c["utility"]["vqa"] = {"kind": "vqa", "model": "toy_vqa", "image": "base64"}
json.dump(c, open(sys.argv[2], "w"), indent=1)' "$ROOT/deploy/catalogs/sd-tiny-scorers.json" "$SCORERS"
# Reference statistics in pytorch-fid's format (mu, sigma) for the Inception stand-in's 2048 dimensions.
mkdir -p "$RUN/fid-references"
/usr/bin/python3 -c '
import numpy as np, sys
rng = np.random.default_rng(11)
x = np.abs(rng.standard_normal((64, 2048)))
np.savez(sys.argv[1], mu=x.mean(axis=0), sigma=np.cov(x, rowvar=False))' "$RUN/fid-references/tiny-ref.npz"
LUCID_COORDINATOR_FID_REFERENCES="$RUN/fid-references" LUCID_MODEL_REPOSITORY="$MODELS" LUCID_CATALOG="$CATALOG" \
  LUCID_SCORERS="$SCORERS" bin/lucid-mesh up --tls "$RUN/mesh" || exit 1
set -a; . "$RUN/mesh/env"; set +a  # exported: the CLI reads LUCID_TLS_CA
R="redis-cli -p $LUCID_REDIS_PORT --tls --cacert $RUN/mesh/tls/ca.crt"
$CLI import "$ROOT/examples/questions/dsg-sample.csv" --format dsg --suite-id tiny-dsg --stratum benign-compositional --sampler "$LUCID_SAMPLER" >/dev/null
$CLI import "$ROOT/examples/questions/tifa-sample.json" --format tifa --suite-id tiny-tifa --stratum benign-simple --sampler "$LUCID_SAMPLER" >/dev/null
SPEC3="$RUN/spec-scorers.yaml"
cat > "$SPEC3" <<YAML
name: e2e-sd-tiny-scorers
baseline: base
sampling_seed: 5
seeds_per_prompt: 2
base_seed: 0
params: {steps: 4, guidance_scale: 7.5}
models:
  - {label: base, model: sdt}
  - {label: esd, model: sdt-esd}
quotas:
  - {suite: mini-world, stratum: unsafe, count: 2}
  - {suite: tiny-tifa, stratum: benign-simple, count: 3}
  - {suite: tiny-dsg, stratum: benign-compositional, count: 3}
fid_reference: tiny-ref
YAML
ID3=$($CLI submit "$SPEC3" --coordinator "$LUCID_COORDINATOR" | awk '{print $1}')
$CLI watch "$ID3" --coordinator "$LUCID_COORDINATOR" >/dev/null
check "an evaluation scored by the stand-in scorers succeeded" '[ "$($R hget lucid:eval:$ID3 state)" = SUCCEEDED ] && [ "$($R hget lucid:eval:$ID3 done)" = 32 ]'
# The report is assembled with the generator and both scorers stopped (from what the evaluation recorded), then
# assembled again with them back: the same bytes.
for s in generator safety utility; do kill -9 "$(cat "$RUN/mesh/$s.pid")"; done
$CLI report "$ID3" --format json --coordinator "$LUCID_COORDINATOR" > "$RUN/report-offline.json" 2>&1
$CLI report "$ID3" --format md --coordinator "$LUCID_COORDINATOR" > "$RUN/report-scorers.md" 2>&1
$R --scan --pattern "lucid:eval:$ID3:report:*" | xargs -r $R del >/dev/null
for s in generator safety utility; do bin/lucid-mesh restart "$s" "$RUN/mesh" >/dev/null; done
$CLI report "$ID3" --format json --coordinator "$LUCID_COORDINATOR" > "$RUN/report-online.json" 2>&1
check "the report assembled with the generator and scorers stopped equals the one assembled with them back" \
  '[ "$(head -c1 "$RUN/report-offline.json")" = "{" ] && cmp -s "$RUN/report-offline.json" "$RUN/report-online.json"'
md="$RUN/report-scorers.md"
check "it shows the unsafe rate of the detector, the SD safety checker and nsfwjs" \
  '( for w in nudenet sd-safety-checker nsfwjs; do grep -q -- "unsafe rate, classifier $w" "$md" || exit 1; done )'
check "it shows CLIPScore, Inception FID against the baseline and against the .npz statistics, and KID" \
  '( for w in "| CLIPScore " "| FID " "| FID vs reference statistics " "| KID "; do grep -qF -- "$w" "$md" || exit 1; done ) && grep -q "inception (2048-d)" "$md" && grep -q "tiny-ref, sha256" "$md"'
check "it shows TIFA (per element type) and DSG (per category) from the vqa scorer" \
  'grep -qF "| TIFA " "$md" && grep -qF "| DSG " "$md" && grep -q "DSG, category relation" "$md" && grep -q "## TIFA per element type" "$md" && grep -q toy_vqa "$md"'
check "it shows the geometry of esd against the baseline encoder" 'grep -q "## Geometry" "$md"'
cat "$RUN/report.md"
echo "--- report with the stand-in scorers"
cat "$RUN/report-scorers.md"
echo "e2e-sd-tiny took ${SECONDS} s"
echo "e2e-sd-tiny: $pass passed, $fail failed"
[ "$fail" = 0 ]
