#!/usr/bin/env bash
# Builds .device/ at the repository root for bench/gpu/run.sh on a GPU machine that has no JDK
# and no Maven: a small Java 25 runtime (jre.tar.gz), the project's jars and their runtime
# dependencies (lib/), the test classes (lib/jgrad-tests-tests.jar) and the JUnit console
# launcher (junit/). Everything stays well under the 64 MiB a device run may carry.
# Usage: bench/gpu/pack.sh          (then carry .device to the GPU machine and run bench/gpu/run.sh "$OUT/gpu" there)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dev="$root/.device"
source "$root/bin/jdk25.sh"
cd "$root"

echo "[pack] building core, cuda-kernels, src-test, bench"
bin/mvn25 -pl core,cuda-kernels,src-test,bench -am install -DskipTests

# an unpacked runtime (left by older run.sh versions) would push .device past what a device run carries
rm -rf "$dev/lib" "$dev/junit" "$dev/jre"
mkdir -p "$dev/lib" "$dev/junit"
cp core/target/jgrad-core-*.jar cuda-kernels/target/jgrad-cuda-*.jar bench/target/jgrad-bench-*.jar "$dev/lib/"
rm -f "$dev"/lib/*-sources.jar "$dev"/lib/*-javadoc.jar
# the tests live in src-test's test classes; JUnit's own jars come with the console launcher
"$JAVA_HOME/bin/jar" cf "$dev/lib/jgrad-tests-tests.jar" -C src-test/target/test-classes .

echo "[pack] runtime dependencies"
bin/mvn25 -pl bench dependency:copy-dependencies -DincludeScope=runtime -DexcludeGroupIds=org.jgrad \
  -DoutputDirectory="$dev/lib"
bin/mvn25 -pl bench dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.4 \
  -DoutputDirectory="$dev/junit"

echo "[pack] Java runtime"
# java.xml: the JUnit console launcher writes XML reports; jdk.zipfs: it scans jars for tests; java.management: JMH
modules=java.base,java.logging,java.management,java.xml,jdk.zipfs,jdk.unsupported,jdk.management,jdk.incubator.vector
if [[ "$(cat "$dev/jre.modules" 2>/dev/null)" != "$modules" ]]; then rm -rf "$dev/jre.tar.gz" "$dev/jre"; fi
export JRE_MODULES=$modules
make_jre=""
for c in "${MAKE_JRE:-}" "$root/shared/tools/make-jre.sh" "$root/../shared/tools/make-jre.sh"; do
  if [[ -n $c && -x $c ]]; then make_jre=$c; break; fi
done
if [[ -n $make_jre ]]; then
  "$make_jre" "$dev"
elif [[ ! -s $dev/jre.tar.gz ]]; then
  # the same recipe, inline: jlink the modules jgrad, JMH and JUnit need
  tmp=$(mktemp -d)
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output "$tmp/jre" 2>&1 | grep -v incubator || true
  tar czf "$dev/jre.tar.gz" -C "$tmp" jre
  rm -rf "$tmp"
fi

echo "$modules" > "$dev/jre.modules"

size=$(du -sk "$dev" | cut -f1)
echo "[pack] .device holds $((size / 1024)) MiB:"
ls -la "$dev" "$dev/lib" "$dev/junit"
if (( size > 60 * 1024 )); then
  echo "[pack] .device is over 60 MiB: a device run carries at most 64 MiB in all" >&2
  exit 1
fi
