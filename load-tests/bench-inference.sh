#!/usr/bin/env bash
# Benchmarks the inference server against in-process ONNX Runtime on the conv_stack test model.
# Usage: load-tests/bench-inference.sh [ITERATIONS_PER_ROUND] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MVN="$ROOT/mvnw"
[ -x "$MVN" ] || MVN=mvn

"$MVN" -q -B -DskipTests -pl services/inference,load-tests -am install
CP=$("$MVN" -q -B -pl load-tests dependency:build-classpath -Dmdep.outputFile=/dev/stdout)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
GRPC_PORT=$(free_port)
HTTP_PORT=$(free_port)
LOG=$(mktemp)
JVM_OPTS="${JVM_OPTS:--Xss16m -Xms512m -Xmx512m -XX:+AlwaysPreTouch}"
java $JVM_OPTS -Dlucid.inference.grpc-port="$GRPC_PORT" -Dquarkus.http.port="$HTTP_PORT" \
     -Dlucid.inference.model-repository="$ROOT/deploy/test-models/repository" \
     -jar services/inference/target/quarkus-app/quarkus-run.jar >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $SERVER 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.5
done
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
java $JVM_OPTS -cp "load-tests/target/classes:$CP" dev.lucid.loadtests.InferenceOverheadBenchmark \
     127.0.0.1 "$GRPC_PORT" "$ROOT/deploy/test-models/repository/conv_stack" "${1:-40}" "${2:-5}"

echo
echo "Transport floor: a bare grpc-java server handing each request to a worker thread (no model):"
echo
java $JVM_OPTS -cp "load-tests/target/classes:$CP" dev.lucid.loadtests.GrpcTransportFloor 49152 0 2
java $JVM_OPTS -cp "load-tests/target/classes:$CP" dev.lucid.loadtests.GrpcTransportFloor 393216 0 13 | tail -n +3
