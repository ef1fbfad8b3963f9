#!/usr/bin/env bash
# The CNN training step data-parallel on this machine's CPUs: 2 ranks x 1 thread (mpirun, with the
# bucket overlap on and off) against 1 process x 2 threads, global batch 64, interleaved rounds.
# Usage: bench/distributed/run_ddp_cpu.sh [rounds] [steps]   (JGRAD_BENCH_NOBUILD=1 skips the build;
# VARIANTS="on off on+yield off+yield" chooses the data-parallel variants: overlap on/off, +yield as below)
# Prints every RESULT line to stdout and a summary (medians over rounds, min-max) at the end.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$here/bin/jdk25.sh"
rounds=${1:-5}
steps=${2:-30}
if [[ ${JGRAD_BENCH_NOBUILD:-0} != 1 ]]; then
  "$here/bin/mvn25" -q -o -ntp -f "$here/pom.xml" install -DskipTests -pl bench -am >&2
fi
cp="$here/bench/target/classes:$(ls "$here"/bench/target/lib/*.jar | tr '\n' ':')"
jvm=("$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xmx1g -XX:+UseParallelGC -cp "$cp")
main=org.jgrad.bench.distributed.DdpStepMain
log=$(mktemp)
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'); $(lscpu | grep 'Model name' | sed 's/  */ /g'); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
for r in $(seq 1 "$rounds"); do
  "${jvm[@]}" -Djgrad.threads=2 $main 64 "$steps" 5 on 2>/dev/null | grep RESULT | sed "s/^/round=$r /" | tee -a "$log"
  for ov in ${VARIANTS:-on off on+yield off+yield}; do
    # +yield: Open MPI's waiting ranks yield the core (mpi_yield_when_idle) instead of spinning on it
    extra=(); [[ $ov == *+yield ]] && extra=(--mca mpi_yield_when_idle 1)
    mpirun --allow-run-as-root --oversubscribe -np 2 --bind-to none --mca btl_vader_single_copy_mechanism none "${extra[@]}" \
      "${jvm[@]}" -Djgrad.threads=1 $main 64 "$steps" 5 "${ov%+yield}" 2>/dev/null | grep RESULT \
      | sed "s/^/round=$r /; s/overlap=o[nf]* /overlap=$ov /" | tee -a "$log"
  done
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
python3 - "$log" <<'PY'
import sys, statistics
rows = {}
for line in open(sys.argv[1]):
    if not line.startswith("round="): continue
    kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
    rows.setdefault((kv["ranks"], kv["threads"], kv["overlap"]), []).append(kv)
print("| setup | step ms, median (min-max of the rounds' medians) | backward ms | sync wait ms | all-reduce alone ms | comm share (all-reduce / step) | exposed share (wait / step) |")
print("|---|---|---|---|---|---|---|")
med = statistics.median
for key, rs in rows.items():
    f = lambda k: [float(r[k]) for r in rs]
    st, bw, sw, ar = f("step_ms"), f("backward_ms"), f("sync_wait_ms"), f("allreduce_alone_ms")
    name = f"{key[0]} rank(s) x {key[1]} thread(s)" + ("" if key[2] == "-" else f", overlap {key[2]}")
    arm = med(ar) if ar[0] == ar[0] else None
    print(f"| {name} | {med(st):.0f} ({min(st):.0f}-{max(st):.0f}) | {med(bw):.0f} | {med(sw):.0f} | "
          + (f"{arm:.0f} ({min(ar):.0f}-{max(ar):.0f}) | {100*arm/med(st):.0f}% | {100*med(sw)/med(st):.0f}% |" if arm is not None else "- | - | - |"))
PY
rm -f "$log"
