#!/usr/bin/env bash
# Runs JMH benchmarks of jgrad-bench: bench/run.sh REGEX [JMH options...]
# e.g. bench/run.sh 'cpu.Gemm' -f 1 -wi 3 -i 5 -rf json -rff /tmp/gemm.json
# Builds the module first unless JGRAD_BENCH_NOBUILD=1.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$here/bin/jdk25.sh"
if [[ ${JGRAD_BENCH_NOBUILD:-0} != 1 ]]; then
  "$here/bin/mvn25" -ntp -f "$here/pom.xml" install -DskipTests -pl bench -am >&2
fi
cp="$here/bench/target/classes:$(ls "$here"/bench/target/lib/*.jar | tr '\n' ':')"
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$cp" \
  org.openjdk.jmh.Main "$@" -jvmArgsAppend "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
