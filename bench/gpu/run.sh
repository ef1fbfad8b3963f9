#!/usr/bin/env bash
# The GPU check. On a Linux machine with an NVIDIA GPU and a Java 25 runtime (JAVA=..., or the
# .device/jre that bench/gpu/pack.sh prepares), it:
#   1. prints where libcuda, cuBLAS and cuDNN are found and exports JGRAD_CUDA_LIBS with the
#      Python wheels' nvidia/*/lib folders (cuDNN 9's sub-libraries live beside libcudnn.so.9);
#   2. runs the gpu-tagged JUnit tests (org.jgrad.cuda);
#   3. runs the GPU JMH benchmarks (org.jgrad.bench.gpu: SGEMM 4096^3 FP32/TF32, conv2d
#      forward+backward for the small-CNN and U-Net shapes, whole training steps of the small
#      CNN and the U-Net);
#   4. runs the PyTorch peers on the same GPU (bench/gpu/peer_torch.py, peer_torch_train.py);
#   5. writes RESULTS_DIR/summary.md and prints it last.
# Usage: bench/gpu/run.sh RESULTS_DIR
# Env: JAVA (a java binary), JGRAD_GPU_STEPS (default "tests jmh peer metrics"; "train" runs the
#      training-step benchmark and its peer alone), JGRAD_JMH_ARGS (default "-f 1 -wi 2 -w 1s -i 3
#      -r 1s"), JGRAD_JMH_REGEX (default all of org.jgrad.bench.gpu), JGRAD_TESTS_TIMEOUT (240 s),
#      JGRAD_TRAIN_TIMEOUT (200 s), JGRAD_JMH_TIMEOUT (400 s).
# A device call may run 600 s at most: split the check in two calls, e.g.
#   JGRAD_GPU_STEPS="tests train" bench/gpu/run.sh OUT    then    JGRAD_GPU_STEPS="jmh peer metrics" ...
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: bench/gpu/run.sh RESULTS_DIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
steps=${JGRAD_GPU_STEPS:-tests jmh peer metrics}
dev="$root/.device"
start=$SECONDS
elapsed() { echo "$((SECONDS - start)) s in"; }

# ---- Java
java=${JAVA:-}
if [[ -z $java && -x $dev/jre/bin/java ]]; then java=$dev/jre/bin/java; fi
if [[ -z $java && -s $dev/jre.tar.gz ]]; then tar xzf "$dev/jre.tar.gz" -C "$dev" && java=$dev/jre/bin/java; fi
if [[ -z $java && -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi
if [[ -z $java || ! -x $java ]]; then
  echo "run.sh: no Java 25 runtime: set JAVA, or run bench/gpu/pack.sh where a JDK is and carry .device" >&2
  exit 1
fi
jflags=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)
echo "== java: $java ($("$java" -version 2>&1 | head -1))"

# ---- libraries
wheel_dirs=$(python3 - <<'PY' 2>/dev/null
import glob, site
dirs = []
for s in site.getsitepackages() + [site.getusersitepackages()]:
    for d in sorted(glob.glob(s + "/nvidia/*/lib")):
        if d not in dirs:
            dirs.append(d)
print(":".join(dirs))
PY
)
export JGRAD_CUDA_LIBS="${wheel_dirs}${JGRAD_CUDA_LIBS:+:$JGRAD_CUDA_LIBS}"
# jgrad opens the libraries by full path and preloads cuDNN's sub-libraries itself; the loader
# path is set too, for anything the libraries dlopen by bare name that jgrad does not know of.
export LD_LIBRARY_PATH="${JGRAD_CUDA_LIBS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
echo "== JGRAD_CUDA_LIBS=$JGRAD_CUDA_LIBS"
for lib in libcuda.so.1 libcublas.so.13 libcublas.so.12 libcublasLt.so.13 libcudnn.so.9 libcudnn_cnn.so.9 libcudnn_ops.so.9 libcudnn_engines_precompiled.so.9; do
  where=""
  IFS=: read -ra ds <<< "$JGRAD_CUDA_LIBS:${LD_LIBRARY_PATH:-}"
  for d in "${ds[@]}"; do [[ -n $d && -e $d/$lib ]] && { where=$d/$lib; break; }; done
  [[ -z $where ]] && where=$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l {print $NF; exit}')
  echo "   $lib: ${where:-not found}"
done
gpu=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
echo "== GPU: ${gpu:-nvidia-smi unavailable}"
python3 - "$out/env.json" "$gpu" <<'PY' 2>/dev/null
import json, sys, datetime
parts = [p.strip() for p in sys.argv[2].split(",")] + ["?", "?", "?"]
json.dump({"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "gpu": parts[0], "driver": parts[1], "memory": parts[2]}, open(sys.argv[1], "w"))
PY

cp=$(ls "$dev"/lib/*.jar 2>/dev/null | tr '\n' ':')
if [[ -z $cp ]]; then echo "run.sh: $dev/lib has no jars: run bench/gpu/pack.sh first" >&2; exit 1; fi

# ---- tests
if [[ " $steps " == *" tests "* ]]; then
  echo "== gpu-tagged tests ($(elapsed))"
  launcher=$(ls "$dev"/junit/junit-platform-console-standalone-*.jar | head -1)
  timeout "${JGRAD_TESTS_TIMEOUT:-240}" "$java" "${jflags[@]}" -jar "$launcher" execute --disable-banner --details=tree \
    --class-path "$cp" --select-package org.jgrad.cuda --include-tag gpu --reports-dir "$out/junit" \
    > "$out/tests.log" 2>&1
  echo "   exit $? (log: tests.log)"; tail -25 "$out/tests.log"
fi

# ---- the training step alone (issue 7's headline): its JMH benchmark and its PyTorch peer
if [[ " $steps " == *" train "* ]]; then
  echo "== training step: GpuTrainStepBench and peer_torch_train.py ($(elapsed))"
  # shellcheck disable=SC2086
  timeout "${JGRAD_TRAIN_TIMEOUT:-200}" "$java" "${jflags[@]}" -cp "$cp" org.openjdk.jmh.Main 'org\.jgrad\.bench\.gpu\.GpuTrainStepBench' \
    ${JGRAD_JMH_ARGS:--f 1 -wi 2 -w 1s -i 3 -r 1s} -rf json -rff "$out/jmh-train.json" > "$out/jmh-train.log" 2>&1
  echo "   exit $? (log: jmh-train.log)"; grep -E "^Benchmark|^GpuTrain" "$out/jmh-train.log" | tail -8
  timeout 120 python3 "$root/bench/gpu/peer_torch_train.py" "$out/peer_torch_train.json" > "$out/peer_train.log" 2>&1
  echo "   train-step peer exit $? (log: peer_train.log)"
fi

# ---- JMH
if [[ " $steps " == *" jmh "* ]]; then
  echo "== JMH GPU benchmarks ($(elapsed))"
  # shellcheck disable=SC2086
  timeout "${JGRAD_JMH_TIMEOUT:-400}" "$java" "${jflags[@]}" -cp "$cp" org.openjdk.jmh.Main "${JGRAD_JMH_REGEX:-org\.jgrad\.bench\.gpu\..*}" \
    ${JGRAD_JMH_ARGS:--f 1 -wi 2 -w 1s -i 3 -r 1s} -rf json -rff "$out/jmh-gpu.json" > "$out/jmh.log" 2>&1
  echo "   exit $? (log: jmh.log)"; grep -E "^Benchmark|^GpuGemm|^GpuConv|^GpuTrain|Bench\." "$out/jmh.log" | tail -30
fi

# ---- PyTorch peer
if [[ " $steps " == *" peer "* ]]; then
  echo "== PyTorch peer ($(elapsed))"
  timeout 180 python3 "$root/bench/gpu/peer_torch.py" "$out/peer_torch.json" > "$out/peer.log" 2>&1
  echo "   exit $? (log: peer.log)"
  if [[ " $steps " != *" train "* ]]; then
    timeout 120 python3 "$root/bench/gpu/peer_torch_train.py" "$out/peer_torch_train.json" > "$out/peer_train.log" 2>&1
    echo "   train-step peer exit $? (log: peer_train.log)"
  fi
  # the tensor kernels' peer (GpuTensorBench's cases): softmax, argmax, uniform draws
  timeout 300 python3 "$root/bench/gpu/peer_torch_tensor.py" "$out/peer_torch_tensor.json" > "$out/peer_tensor.log" 2>&1
  echo "   tensor peer exit $? (log: peer_tensor.log)"
fi

# ---- metric kernels: their PyTorch peer and table (bench/gpu/metrics.sh)
if [[ " $steps " == *" metrics "* ]]; then
  "$root/bench/gpu/metrics.sh" "$out" > "$out/metrics.log" 2>&1
  echo "   metrics exit $? (log: metrics.log, table: metrics-summary.md)"
fi

# ---- summary, last
python3 "$root/bench/gpu/summarize.py" "$out"
[[ -s $out/metrics-summary.md ]] && cat "$out/metrics-summary.md"
