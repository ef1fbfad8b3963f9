#!/usr/bin/env bash
# U-Net training step: jgrad (JMH UNetStepBench) and PyTorch CPU (as installed, then tuned per
# PEERS.md), interleaved for ROUNDS rounds (default 3) in one run. Prints the raw figures; the
# table is written by hand into bench/results/ with the date, the machine and the load.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
py=/usr/bin/python3
rounds=${ROUNDS:-3}
lscpu | grep -E 'Model name' || true
if [[ ${JGRAD_BENCH_NOBUILD:-0} != 1 ]]; then "$here/bin/mvn25" -ntp -q -f "$here/pom.xml" install -DskipTests -pl bench -am >&2; fi
for r in $(seq 1 "$rounds"); do
  echo "== round $r, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  JGRAD_BENCH_NOBUILD=1 "$here/bench/run.sh" 'cpu.UNetStepBench' -f 1 -wi 4 -i 6 -rf json -rff "/tmp/jgrad-unetstep-$r.json" 2>&1 \
    | grep -E "^(Benchmark|UNetStepBench)"
  echo "== torch as installed"
  "$py" "$here/bench/peers/torch_unet_step.py"
  echo "== torch tuned (2 threads, OpenBLAS core type unpinned, malloc thresholds high)"
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824 \
    OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 "$py" "$here/bench/peers/torch_unet_step.py" --threads 2
done
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
