#!/usr/bin/env bash
# The metric kernels' part of the GPU check (called by bench/gpu/run.sh, or alone after it):
# the PyTorch peer for the same four shapes, then the table (metrics-summary.md) from the JMH
# results of org.jgrad.bench.gpu.metrics.GpuMetricsBench (run by run.sh's JMH step; run here
# too when RESULTS_DIR has no jmh-gpu.json yet).
# Usage: bench/gpu/metrics.sh RESULTS_DIR
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: bench/gpu/metrics.sh RESULTS_DIR}
mkdir -p "$out"
dev="$root/.device"
if [[ ! -s $out/jmh-gpu.json ]]; then
  java=${JAVA:-$dev/jre/bin/java}
  cp=$(ls "$dev"/lib/*.jar 2>/dev/null | tr '\n' ':')
  echo "== JMH metric kernels"
  # shellcheck disable=SC2086
  timeout 600 "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -cp "$cp" org.openjdk.jmh.Main \
    'org\.jgrad\.bench\.gpu\.metrics\..*' ${JGRAD_JMH_ARGS:--f 1 -wi 2 -w 1s -i 3 -r 1s} -rf json -rff "$out/jmh-gpu.json" \
    > "$out/jmh-metrics.log" 2>&1
  echo "   exit $? (log: jmh-metrics.log)"
fi
echo "== PyTorch metrics peer"
timeout 600 python3 "$root/bench/gpu/peer_torch_metrics.py" "$out/peer_torch_metrics.json" > "$out/peer-metrics.log" 2>&1
echo "   exit $? (log: peer-metrics.log)"
python3 "$root/bench/gpu/metrics_summary.py" "$out"
