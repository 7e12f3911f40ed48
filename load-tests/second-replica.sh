# Sourced by the e2e scripts. Shared steps of the "second generator replica" check:
#  first_prompt ID            sets PROMPT_ID, PROMPT_TEXT (the plan's first prompt) and EVAL_SHA (its base image, seed 0)
#  start_replica REPO CATALOG starts an inference server on REPO and a generator on CATALOG (free ports; pids in
#                             $RUN/*-2.pid), waits until both are ready; the generator's gRPC address is REPLICA
#  stop_replica               stops them
# MESH_RUN: the run directory of bin/lucid-mesh up when it is not RUN (its TLS settings are used).
first_prompt() {
  read -r PID_TEXT <<< "$($R get "lucid:eval:$1:plan" | python3 -c 'import json,sys; p=json.load(sys.stdin)["prompts"][0]; print(p["id"] + "\t" + p["text"])' | tr '\t' '|')"
  PROMPT_ID=${PID_TEXT%%|*}; PROMPT_TEXT=${PID_TEXT#*|}
  EVAL_SHA=$($R hget "lucid:eval:$1:results" "base|$PROMPT_ID|0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["imageSha256"])')
}
start_replica() {
  read -r -a RP <<< "$(python3 -c '
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')"
  # A mesh up with --tls/--mtls left its services' TLS settings (in MESH_RUN, default RUN); the replica uses the same.
  local tls="" opts="${MESH_RUN:-$RUN}/tls/java.opts"; [ -f "$opts" ] && tls=$(cat "$opts")
  java -Xmx512m $tls -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="${RP[0]}" -Dlucid.inference.grpc-host=127.0.0.1 \
    -Dlucid.inference.grpc-port="${RP[1]}" -Dlucid.inference.model-repository="$1" \
    -jar services/inference/target/quarkus-app/quarkus-run.jar </dev/null >"$RUN/inference-2.log" 2>&1 &
  echo $! > "$RUN/inference-2.pid"
  java -Xmx512m $tls -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="${RP[2]}" -Dquarkus.grpc.server.host=127.0.0.1 \
    -Dquarkus.grpc.server.port="${RP[3]}" -Dlucid.generator.backend-port="${RP[1]}" -Dlucid.generator.base-dir="$ROOT" \
    -Dlucid.generator.catalog="$2" \
    -jar services/generator/target/quarkus-app/quarkus-run.jar </dev/null >"$RUN/generator-2.log" 2>&1 &
  echo $! > "$RUN/generator-2.pid"
  for port in "${RP[0]}" "${RP[2]}"; do
    for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && break; sleep 0.25; done
  done
  REPLICA="127.0.0.1:${RP[3]}"
}
stop_replica() {
  kill "$(cat "$RUN/generator-2.pid")" "$(cat "$RUN/inference-2.pid")" 2>/dev/null; rm -f "$RUN"/*-2.pid
}
