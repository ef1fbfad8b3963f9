#!/usr/bin/env bash
# The GPU check, in one call under one deadline. On a Linux machine with an NVIDIA GPU, using the
# Java runtime that bench/gpu/pack.sh put in .device (or JAVA=...), it runs, most important first:
#   1. where libcuda, cuBLAS and cuDNN are found, and the GPU (nvidia-smi);
#   2. the gpu-tagged JUnit tests, printed as each finishes, each with a timeout; a CUDA start-up
#      failure FAILS them with its explanation (JGRAD_GPU_REQUIRED=1, the default here);
#   3. the training step (GpuTrainStepBench) beside PyTorch eager (peer_torch_train.py);
#   4. SGEMM and conv2d (GpuGemmBench, GpuConvBench) beside PyTorch (peer_torch.py);
#   5. the metric kernels (GpuMetricsBench) beside PyTorch (peer_torch_metrics.py);
#   6. the tensor kernels (GpuTensorBench) beside PyTorch (peer_torch_tensor.py).
# Each JMH class is its own run writing its own JSON, so a step killed by the deadline loses only
# its own numbers. Everything is written to a scratch folder; whatever happens (deadline, kill,
# failure), the end writes OUT/summary.md and ONE archive OUT/gpu-results.tar.gz holding every
# log, JUnit report and JSON, and prints the summary last.
# Usage (in a device call, where $OUT is the folder that comes back):  bench/gpu/run.sh "$OUT/gpu"
# Env: JGRAD_GPU_DEADLINE (seconds for the whole call, default 540: a device call may run 600),
#      JGRAD_GPU_STEPS (default "tests train gemmconv metrics tensor"), JGRAD_GPU_REQUIRED (1: a
#      failed CUDA start-up fails the tests; 0: they skip), JGRAD_TEST_TIMEOUT (per test, 120 s),
#      JGRAD_JMH_ARGS (default "-f 1 -wi 2 -w 1s -i 3 -r 1s"), JAVA (a java binary).
set -uo pipefail
export PYTHONUNBUFFERED=1 NO_COLOR=1 TERM=dumb
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: bench/gpu/run.sh OUT_DIR   (in a device call: bench/gpu/run.sh \"\$OUT/gpu\")}
mkdir -p "$out" && out=$(cd "$out" && pwd)
case "$out/" in "$root"/*) echo "run.sh: warning: $out is inside the repository; in a device call only \$OUT comes back" ;; esac
steps=${JGRAD_GPU_STEPS:-tests train gemmconv metrics tensor}
deadline=${JGRAD_GPU_DEADLINE:-540}
reserve=20 # seconds kept for the summary and the archive
dev="$root/.device"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/jgrad-gpu.XXXXXX")
res="$scratch/gpu-results"
mkdir -p "$res"
start=$SECONDS
tests_rc=0
log() { echo "[gpu $((SECONDS - start))s] $*" | tee -a "$res/run.log"; }
left() { echo $((deadline - reserve - (SECONDS - start))); }
# the timeout for a step: its own cap, cut to what the deadline leaves; 0 when too little is left to start it
budget() { local cap=$1 need=${2:-15} l; l=$(left); (( l < need )) && { echo 0; return; }; (( l < cap )) && echo "$l" || echo "$cap"; }
wanted() { [[ " $steps " == *" $1 "* ]]; }

finish() {
  trap - EXIT TERM INT
  log "summary and archive"
  timeout 15 python3 -u "$root/bench/gpu/metrics_summary.py" "$res" > "$res/metrics-summary.log" 2>&1
  timeout 15 python3 -u "$root/bench/gpu/summarize.py" "$res" > "$res/summarize.log" 2>&1 || cat "$res/summarize.log"
  [[ -s $res/summary.md ]] || printf '# jgrad GPU check\n\nsummarize.py failed: see summarize.log in the archive\n' > "$res/summary.md"
  cp "$res/summary.md" "$out/summary.md"
  tar czf "$out/gpu-results.tar.gz" -C "$scratch" gpu-results
  cat "$out/summary.md"
  [[ -s $res/metrics-summary.md ]] && cat "$res/metrics-summary.md"
  echo "[gpu $((SECONDS - start))s] wrote $out/summary.md and $out/gpu-results.tar.gz ($(du -k "$out/gpu-results.tar.gz" | cut -f1) KiB)"
  rm -rf "$scratch"
  exit "$tests_rc"
}
# Each step runs as a background job in its own process group, and the script waits for it: a
# TERM or INT then reaches the trap at once (not when the step ends), which stops the step's
# whole group and still writes the summary and the archive.
step_pid=""
in_step() {
  set -m; "$@" & step_pid=$!; set +m
  wait "$step_pid"; local rc=$?
  step_pid=""
  return "$rc"
}
stop() {
  [[ -n $step_pid ]] && kill -TERM -- "-$step_pid" 2>/dev/null
  log "ERROR: stopped by a signal; writing what there is"
  exit 143
}
trap finish EXIT
trap stop TERM INT

# ---- Java: the packed runtime is unpacked into the scratch folder, never into .device (which must stay small to travel)
java=${JAVA:-}
if [[ -z $java && -s $dev/jre.tar.gz ]]; then tar xzf "$dev/jre.tar.gz" -C "$scratch" && java=$scratch/jre/bin/java; fi
if [[ -z $java && -n ${JAVA_HOME:-} ]]; then java=$JAVA_HOME/bin/java; fi
if [[ -z $java || ! -x $java ]]; then log "ERROR: no Java 25 runtime: set JAVA, or run bench/gpu/pack.sh where a JDK is and carry .device"; tests_rc=1; exit 1; fi
jflags=(--enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector)
log "java: $java ($("$java" -version 2>&1 | head -1))"
cp=$(ls "$dev"/lib/*.jar 2>/dev/null | tr '\n' ':')
if [[ -z $cp ]]; then log "ERROR: $dev/lib has no jars: run bench/gpu/pack.sh first"; tests_rc=1; exit 1; fi

# ---- libraries: the Python wheels' nvidia/*/lib folders (jgrad searches them too; listed here for the log)
wheel_dirs=$(timeout 20 python3 - <<'PY' 2>/dev/null
import glob, site
dirs = []
for s in site.getsitepackages() + [site.getusersitepackages()]:
    for d in sorted(glob.glob(s + "/nvidia/*/lib")):
        if d not in dirs:
            dirs.append(d)
print(":".join(dirs))
PY
)
JGRAD_CUDA_LIBS="${wheel_dirs}${JGRAD_CUDA_LIBS:+:$JGRAD_CUDA_LIBS}"
export JGRAD_CUDA_LIBS=${JGRAD_CUDA_LIBS#:}
log "JGRAD_CUDA_LIBS=$JGRAD_CUDA_LIBS"
for lib in libcuda.so.1 libcublas.so.13 libcublas.so.12 libcudnn.so.9 libz.so.1; do
  where=""
  IFS=: read -ra ds <<< "$JGRAD_CUDA_LIBS:${LD_LIBRARY_PATH:-}"
  for d in "${ds[@]}"; do [[ -n $d && -e $d/$lib ]] && { where=$d/$lib; break; }; done
  [[ -z $where ]] && where=$(ldconfig -p 2>/dev/null | awk -v l="$lib" '$1 == l {print $NF; exit}')
  log "  $lib: ${where:-not found}"
done
gpu=$(timeout 15 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -1)
log "GPU: ${gpu:-nvidia-smi gave nothing}"
timeout 15 python3 -u - "$res/env.json" "$gpu" <<'PY' 2>&1
import json, sys, datetime
parts = [p.strip() for p in sys.argv[2].split(",")] + ["?", "?", "?"]
json.dump({"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
           "gpu": parts[0], "driver": parts[1], "memory": parts[2]}, open(sys.argv[1], "w"))
PY

# a step's output: all of it to its log; to stdout the lines that say what happened (results, errors)
show() { tee -a "$res/$1" | grep --line-buffered -E "${2:-.}" | cut -c1-300; }
errs='ERROR|Error|Exception|Caused by|FAIL|Killed|Timeout|timed out|unavailable'
# the test feed: every test's status line, the first failure's message in full (CUDA's start-up
# explanation when it did not start), JUnit's closing counts, and anything unexpected (a JVM crash)
feed() {
  tee -a "$res/tests.log" | awk '
    / :: / { print; detail = !shown && / :: (FAILED|ABORTED)/; if (detail) shown = 1; fflush(); next }
    detail && !/^[ \t]+at / && !/^[ \t]+\.\.\. [0-9]+ more/ { print; fflush(); next }
    /tests (found|successful|failed|skipped|aborted)|containers (found|failed)/ { print; fflush(); next }
    /^[^ \t].*(Error|Exception|fatal|FATAL)/ { print; fflush() }' | cut -c1-400
}

# ---- the gpu-tagged tests
if wanted tests; then
  t=$(budget 300 30)
  if (( t > 0 )); then
    log "gpu-tagged tests (timeout ${t}s, ${JGRAD_TEST_TIMEOUT:-120}s per test, GPU required: ${JGRAD_GPU_REQUIRED:-1})"
    launcher=$(ls "$dev"/junit/junit-platform-console-standalone-*.jar | head -1)
    req=false; [[ ${JGRAD_GPU_REQUIRED:-1} == 1 ]] && req=true
    tests_step() {
      timeout --foreground -k 5 "$t" "$java" "${jflags[@]}" -Djgrad.gpu.required=$req -jar "$launcher" execute \
        --disable-banner --disable-ansi-colors --details=testfeed \
        --config "junit.jupiter.execution.timeout.default=${JGRAD_TEST_TIMEOUT:-120} s" \
        --config junit.jupiter.execution.timeout.thread.mode.default=SEPARATE_THREAD \
        --class-path "$cp" --select-package org.jgrad.cuda --include-tag gpu --reports-dir "$res/junit" 2>&1 | feed
      return "${PIPESTATUS[0]}"
    }
    in_step tests_step
    tests_rc=$?
    log "tests exit $tests_rc"
    if grep -qE "CUDA did not start|no usable CUDA device" "$res/tests.log"; then
      log "ERROR: CUDA did not start (the tests' first failure says why): the GPU benchmarks are not run"
      steps=""
    fi
  else log "tests not started: the deadline is too near"; fi
fi

# one JMH run per benchmark class, each with its own JSON and log
jmh() {
  local cls=$1 cap=$2 t
  t=$(budget "$cap" 30)
  if (( t == 0 )); then log "$cls not started: the deadline is too near"; return; fi
  log "JMH $cls (timeout ${t}s)"
  jmh_step() {
    # shellcheck disable=SC2086
    timeout --foreground -k 5 "$t" "$java" "${jflags[@]}" -cp "$cp" org.openjdk.jmh.Main "org\\.jgrad\\.bench\\.gpu\\..*$cls" \
      ${JGRAD_JMH_ARGS:--f 1 -wi 2 -w 1s -i 3 -r 1s} -rf json -rff "$res/jmh-$cls.json" 2>&1 \
      | show "jmh-$cls.log" "^Benchmark|$cls\\.|Result \"|$errs"
    return "${PIPESTATUS[0]}"
  }
  in_step jmh_step
  log "$cls exit $?"
}
peer() {
  local script=$1 json=$2 cap=$3 t
  t=$(budget "$cap" 20)
  if (( t == 0 )); then log "$script not started: the deadline is too near"; return; fi
  log "PyTorch peer $script (timeout ${t}s)"
  peer_step() {
    timeout --foreground -k 5 "$t" python3 -u "$root/bench/gpu/$script" "$res/$json" 2>&1 | show "${script%.py}.log" "$errs|ms|us|GB/s"
    return "${PIPESTATUS[0]}"
  }
  in_step peer_step
  log "$script exit $?"
}

if wanted train; then jmh GpuTrainStepBench 150; peer peer_torch_train.py peer_torch_train.json 90; fi
if wanted gemmconv; then jmh GpuGemmBench 90; jmh GpuConvBench 150; peer peer_torch.py peer_torch.json 120; fi
if wanted metrics; then jmh GpuMetricsBench 150; peer peer_torch_metrics.py peer_torch_metrics.json 150; fi
if wanted tensor; then jmh GpuTensorBench 120; peer peer_torch_tensor.py peer_torch_tensor.json 120; fi
log "all steps done"
