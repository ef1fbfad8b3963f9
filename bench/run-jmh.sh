#!/usr/bin/env bash
# Runs JMH benchmarks of the bench module with JDK 25: bench/run-jmh.sh [JMH options] [benchmark regexp]
# e.g. bench/run-jmh.sh -f 1 -wi 3 -i 5 'cpu.GemmBench'. Builds core and bench first.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/bin/jdk25.sh"
cd "$root"
bin/mvn25 -pl bench -am install -DskipTests >/dev/null
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
bin/mvn25 -pl bench dependency:build-classpath -Dmdep.outputFile="$cp_file" >/dev/null
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp "$root/bench/target/classes:$(cat "$cp_file")" org.openjdk.jmh.Main "$@"
