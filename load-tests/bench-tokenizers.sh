#!/usr/bin/env bash
# CLIP tokenization: Lucid's Java ClipBpeTokenizer vs DJL's Hugging Face tokenizers on the 1,950 reference
# prompts (exactness, prompts/s on one thread, start-up).
# Usage: load-tests/bench-tokenizers.sh [ROUNDS]   (reads ../shared/tokenizers/clip)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN="$(pwd)/mvnw"
[ -x "$MVN" ] || MVN=mvn

"$MVN" -q -B -DskipTests -pl load-tests -am package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
CP="load-tests/target/classes:$(cat load-tests/target/classpath.txt)"
JVM_OPTS="${JVM_OPTS:--Xms512m -Xmx512m}"
echo "machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
java $JVM_OPTS -cp "$CP" dev.lucid.loadtests.TokenizerBenchmark ../shared/tokenizers/clip "${1:-10}"
