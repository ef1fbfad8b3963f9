#!/usr/bin/env bash
# Small-CNN training step: jgrad (JMH TrainStepBench) and PyTorch CPU (as installed, then tuned
# per PEERS.md), back to back in one run. Prints the raw figures; the table is written by hand
# into bench/results/ with the date, the machine and the load.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
py=/usr/bin/python3
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$here/bench/run.sh" 'cpu.TrainStepBench' -f 1 -wi 5 -i 8 -rf json -rff /tmp/jgrad-trainstep.json 2>&1 | grep -E "^(Benchmark|TrainStepBench)|Result"
echo "== torch as installed"
"$py" "$here/bench/peers/torch_train_step.py"
echo "== torch tuned (2 threads, OpenBLAS core type unpinned, malloc thresholds high)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
  OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 "$py" "$here/bench/peers/torch_train_step.py" --threads 2
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
