#!/usr/bin/env bash
# Generates the Python modules of Lucid's API from proto/ with Debian's python3-grpc-tools:
# lucid/v1/<name>_pb2.py (messages) and lucid/v1/<name>_pb2_grpc.py (stubs), importable as `lucid.v1`.
# They are not committed: each checkout generates them with the protoc that matches its protobuf runtime
# (tests and examples call this script first; it is idempotent and takes about a second).
#   clients/python/generate.sh            needs: apt-get install python3-grpcio python3-grpc-tools python3-protobuf
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PROTO="$HERE/../../proto/src/main/proto"
PY="${LUCID_PYTHON:-/usr/bin/python3}"
"$PY" -c 'import grpc_tools.protoc' 2>/dev/null || {
  echo "generate.sh: grpc_tools missing for $PY (Debian: apt-get install python3-grpcio python3-grpc-tools python3-protobuf)" >&2; exit 1; }
rm -rf "$HERE/lucid"
mkdir -p "$HERE/lucid/v1"
(cd "$PROTO" && "$PY" -m grpc_tools.protoc -I. --python_out="$HERE" --grpc_python_out="$HERE" lucid/v1/*.proto)
printf '"""Lucid'"'"'s API, generated from proto/lucid by clients/python/generate.sh."""\n' > "$HERE/lucid/__init__.py"
printf '"""lucid.v1: messages (*_pb2) and gRPC stubs (*_pb2_grpc), generated from proto/lucid/v1."""\n' > "$HERE/lucid/v1/__init__.py"
