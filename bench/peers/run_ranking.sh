#!/usr/bin/env bash
# Interleaved rounds of the ranking benchmarks and their PyTorch peer:
#   bench/peers/run_ranking.sh OUTDIR [ROUNDS]
# Each round: JMH RankingBench, then torchmetrics' algorithm in PyTorch 1.13 as installed and
# tuned (2 threads, OpenBLAS core-type pins removed, glibc malloc thresholds raised; PEERS.md).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?output directory}
rounds=${2:-3}
mkdir -p "$out"
lscpu > "$out/lscpu.txt"
for r in $(seq 1 "$rounds"); do
  uptime > "$out/load_$r.txt"
  # other JMH runs on this shared machine hold /tmp/jmh.lock; the lock only serialises JMH instances
  JAVA_TOOL_OPTIONS=-Djmh.ignoreLock=true JGRAD_BENCH_NOBUILD=${JGRAD_BENCH_NOBUILD:-1} "$here/bench/run.sh" 'metrics\.RankingBench' \
    -rf json -rff "$out/jmh_$r.json" > "$out/jmh_$r.txt" 2>&1
  /usr/bin/python3 "$here/bench/peers/torch_ranking.py" > "$out/torch_as_installed_$r.json"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=17179869184 MALLOC_TRIM_THRESHOLD_=17179869184 \
    /usr/bin/python3 "$here/bench/peers/torch_ranking.py" --threads 2 > "$out/torch_tuned_$r.json"
  uptime >> "$out/load_$r.txt"
  grep -E '^RankingBench' "$out/jmh_$r.txt" || true
  cat "$out/torch_as_installed_$r.json" "$out/torch_tuned_$r.json"
done
