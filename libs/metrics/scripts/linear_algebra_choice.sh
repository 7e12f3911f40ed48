#!/bin/sh
# Times FID's two dominant kernels (XᵀX of N×D features, symmetric eigenvalues of D×D) for netlib via JNI
# (system OpenBLAS), netlib's pure-Java fallback and EJML. Usage, from the repository root:
#   ./mvnw -B -ntp -q -pl libs/metrics -am test-compile
#   libs/metrics/scripts/linear_algebra_choice.sh [D] [N]      (defaults 2048 10000)
set -eu
cd "$(dirname "$0")/../../.."
cp_file=$(mktemp)
./mvnw -B -ntp -q -pl libs/metrics dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test
java -Xmx6g -cp "libs/metrics/target/classes:libs/metrics/target/test-classes:$(cat "$cp_file")" \
  dev.lucid.metrics.fid.LinearAlgebraChoice "$@"
rm -f "$cp_file"
