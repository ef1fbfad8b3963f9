#!/usr/bin/env bash
# Every CPU-speed target in one sitting, each jgrad figure beside its peer:
#   bench/peers/run_cpu_targets.sh OUTDIR [DATA=/usr/share/datasets/fashion-mnist]
# Then: /usr/bin/python3 bench/peers/cpu_targets_table.py OUTDIR
#
# Order (about 15 minutes on 2 cores): SGEMM (JMH GemmBench, numpy/OpenBLAS); the small-CNN and
# U-Net training steps (JMH TrainStepBench/UNetStepBench, torch_train_step.py/torch_unet_step.py);
# conv2d forward+backward on the CNN and U-Net shapes (JMH ConvShapesBench, torch_conv_shapes.py);
# the metric passes on cold inputs against their same-bytes read probes (MetricsColdProbe);
# one epoch of `./jgrad train` against torch_epoch.py under /usr/bin/time -v.
# Every peer runs "tuned" (PEERS.md: OpenBLAS core-type pins removed, 2 threads, glibc malloc
# thresholds raised) and "as installed" (environment and thread defaults untouched): on a machine
# shared with other work the 2-thread peer can collapse while its OpenMP threads wait for cores,
# so both are kept and the table reports the ratio to the faster one. The load average is
# recorded before every step. Set JGRAD_BENCH_NOBUILD=1 to use the jars already built.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?output directory}
data=${2:-/usr/share/datasets/fashion-mnist}
py=/usr/bin/python3
mkdir -p "$out"
[[ -d $data ]] || { echo "no Fashion-MNIST in $data (Debian: apt-get install dataset-fashion-mnist)" >&2; exit 1; }
source "$here/bin/jdk25.sh"
if [[ ${JGRAD_BENCH_NOBUILD:-0} != 1 ]]; then "$here/bin/mvn25" -ntp -q -f "$here/pom.xml" install -DskipTests >&2; fi
{ lscpu | grep -E '^(Model name|CPU\(s\)|Flags|L1d|L2|L3)'; echo "java: $("$JAVA" -version 2>&1 | head -1)";
  echo "torch: $("$py" -c 'import torch; print(torch.__version__)')"; date -u +%FT%TZ; } > "$out/machine.txt"
tuned=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
       MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824)
jmh() { JGRAD_BENCH_NOBUILD=1 "$here/bench/run.sh" "$@"; }
step() { echo "$1 $(date -u +%TZ) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/steps.txt" >&2; }

step gemm
jmh 'cpu.GemmBench' -p n=1024,2048 -f 1 -wi 3 -i 5 -rf json -rff "$out/gemm.json" > "$out/gemm.txt" 2>&1
"$py" "$here/bench/peers/cpu_gemm_conv.py" > "$out/numpy-gemm.txt" 2>&1

step steps
jmh 'cpu.(UNetStepBench|TrainStepBench)' -f 1 -wi 4 -i 6 -rf json -rff "$out/steps.json" > "$out/steps-jmh.txt" 2>&1
"${tuned[@]}" "$py" "$here/bench/peers/torch_unet_step.py" --threads 2 > "$out/torch-unet-tuned.json"
"${tuned[@]}" "$py" "$here/bench/peers/torch_train_step.py" --threads 2 > "$out/torch-cnn-tuned.json"
"$py" "$here/bench/peers/torch_unet_step.py" > "$out/torch-unet-installed.json"
"$py" "$here/bench/peers/torch_train_step.py" > "$out/torch-cnn-installed.json"

step conv
jmh 'cpu.ConvShapesBench' -f 1 -wi 3 -i 5 -rf json -rff "$out/conv.json" > "$out/conv-jmh.txt" 2>&1
"${tuned[@]}" "$py" "$here/bench/peers/torch_conv_shapes.py" --threads 2 > "$out/torch-conv-tuned.json"
"$py" "$here/bench/peers/torch_conv_shapes.py" > "$out/torch-conv-installed.json"

step metrics
cp="$here/bench/target/classes:$(ls "$here"/bench/target/lib/*.jar | tr '\n' ':')"
"$JAVA" --add-modules jdk.incubator.vector -cp "$cp" org.jgrad.bench.metrics.MetricsColdProbe 40 > "$out/metrics-cold.txt" 2>&1

step epoch
rm -rf "$out/jgrad-run" "$out/torch-run"
/usr/bin/time -v -o "$out/jgrad-1.time" "$here/jgrad" train --data "$data" --epochs 1 --progress none \
  --out "$out/jgrad-run" > "$out/jgrad-1.log" 2>&1
cp "$out/jgrad-run/metrics.json" "$out/jgrad-1.metrics.json"
"${tuned[@]}" /usr/bin/time -v -o "$out/torch-tuned-1.time" "$py" "$here/bench/peers/torch_epoch.py" \
  --data "$data" --threads 2 --out "$out/torch-run" > "$out/torch-tuned-1.json"
/usr/bin/time -v -o "$out/torch-installed-1.time" "$py" "$here/bench/peers/torch_epoch.py" \
  --data "$data" --out "$out/torch-run" > "$out/torch-installed-1.json"
step done
"$py" "$here/bench/peers/cpu_targets_table.py" "$out"
