#!/usr/bin/env bash
# One run of the metric benchmarks and their PyTorch peer, back to back:
#   bench/peers/run_metrics.sh OUTDIR
# JMH (MetricsBench, BandwidthBench) first, then PyTorch 1.13 "as installed" (default threads)
# and "tuned" (2 threads, OpenBLAS core-type pins removed, glibc malloc thresholds raised), per PEERS.md.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?output directory}
mkdir -p "$out"
JGRAD_BENCH_NOBUILD=${JGRAD_BENCH_NOBUILD:-1} "$here/bench/run.sh" 'metrics\.' -f 1 -wi 3 -i 5 -w 1s -r 1s \
  -rf json -rff "$out/jmh.json" > "$out/jmh.txt" 2>&1
/usr/bin/python3 "$here/bench/peers/torch_metrics.py" > "$out/torch_as_installed.json"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=17179869184 MALLOC_TRIM_THRESHOLD_=17179869184 \
  /usr/bin/python3 "$here/bench/peers/torch_metrics.py" --threads 2 > "$out/torch_tuned.json"
grep -E '^(Benchmark|BandwidthBench|MetricsBench)' "$out/jmh.txt"
cat "$out/torch_as_installed.json" "$out/torch_tuned.json"
