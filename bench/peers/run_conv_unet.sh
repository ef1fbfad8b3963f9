#!/usr/bin/env bash
# The conv-heavy CPU targets in one sitting, interleaved for ROUNDS rounds (default 3): per round,
# the U-Net step and the small-CNN step (JMH) then PyTorch tuned on the same steps, then
# conv2d forward+backward on the CNN and U-Net shapes (JMH ConvShapesBench) then PyTorch/oneDNN
# tuned. "tuned" per PEERS.md: 2 threads, OpenBLAS core type unpinned, malloc thresholds high.
# Raw figures go to OUT (default /tmp/jgrad-conv-unet); the table is written by hand into bench/results/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
py=/usr/bin/python3
rounds=${ROUNDS:-3}
out=${OUT:-/tmp/jgrad-conv-unet}
mkdir -p "$out"
lscpu | grep -E 'Model name' || true
if [[ ${JGRAD_BENCH_NOBUILD:-0} != 1 ]]; then "$here/bin/mvn25" -ntp -q -f "$here/pom.xml" install -DskipTests -pl bench -am >&2; fi
tuned=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824
       OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2)
for r in $(seq 1 "$rounds"); do
  echo "== round $r, load: $(cut -d' ' -f1-3 /proc/loadavg)"
  JGRAD_BENCH_NOBUILD=1 "$here/bench/run.sh" 'cpu.(UNetStepBench|TrainStepBench)' -f 1 -wi 4 -i 6 -rf json -rff "$out/steps-$r.json" 2>&1 \
    | grep -E "^(UNetStepBench|TrainStepBench)"
  "${tuned[@]}" "$py" "$here/bench/peers/torch_unet_step.py" --threads 2 | tee "$out/torch-unet-$r.json"
  "${tuned[@]}" "$py" "$here/bench/peers/torch_train_step.py" --threads 2 | tee "$out/torch-cnn-$r.json"
  JGRAD_BENCH_NOBUILD=1 "$here/bench/run.sh" 'cpu.ConvShapesBench' -f 1 -wi 3 -i 5 -rf json -rff "$out/conv-$r.json" 2>&1 \
    | grep -E "^ConvShapesBench"
  "${tuned[@]}" "$py" "$here/bench/peers/torch_conv_shapes.py" --threads 2 | tee "$out/torch-conv-$r.json"
  if [[ $r == 1 ]]; then
    echo "== torch as installed (environment and thread defaults untouched), once"
    "$py" "$here/bench/peers/torch_unet_step.py" | tee "$out/torch-unet-installed.json"
    "$py" "$here/bench/peers/torch_train_step.py" | tee "$out/torch-cnn-installed.json"
    "$py" "$here/bench/peers/torch_conv_shapes.py" | tee "$out/torch-conv-installed.json"
  fi
done
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg)"
