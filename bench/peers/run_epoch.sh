#!/usr/bin/env bash
# One epoch of `./jgrad train` (classification defaults, full Fashion-MNIST, 1 loader worker,
# validation) against the same recipe in PyTorch (bench/peers/torch_epoch.py), interleaved,
# ROUNDS times, each under /usr/bin/time -v for the peak resident set size:
#   bench/peers/run_epoch.sh OUTDIR [ROUNDS=3] [DATA=/usr/share/datasets/fashion-mnist]
# Then: /usr/bin/python3 bench/peers/epoch_table.py OUTDIR
# PyTorch runs "tuned" (PEERS.md: OpenBLAS core-type pins removed, 2 threads, glibc malloc
# thresholds raised) and "as installed" (environment untouched, torch's default thread count).
# The jar must be built (bin/mvn25 -o install -DskipTests) before: the launcher rebuilds a stale one.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?output directory}
rounds=${2:-3}
data=${3:-/usr/share/datasets/fashion-mnist}
[[ -d $data ]] || { echo "no Fashion-MNIST in $data (Debian: apt-get install dataset-fashion-mnist)" >&2; exit 1; }
mkdir -p "$out"
{ lscpu | grep -E '^(Model name|Flags|L2|L3)'; echo "java: $(source "$here/bin/jdk25.sh"; "$JAVA" -version 2>&1 | head -1)"; echo "torch: $(/usr/bin/python3 -c "import torch; print(torch.__version__)")"; } > "$out/machine.txt"
tuned=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
       MALLOC_MMAP_THRESHOLD_=1073741824 MALLOC_TRIM_THRESHOLD_=1073741824)
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds: jgrad" >&2
  rm -rf "$out/jgrad-run"
  /usr/bin/time -v -o "$out/jgrad-$r.time" "$here/jgrad" train --data "$data" --epochs 1 --progress none \
    --out "$out/jgrad-run" > "$out/jgrad-$r.log" 2>&1
  cp "$out/jgrad-run/metrics.json" "$out/jgrad-$r.metrics.json"
  echo "round $r/$rounds: torch tuned" >&2
  "${tuned[@]}" /usr/bin/time -v -o "$out/torch-tuned-$r.time" /usr/bin/python3 "$here/bench/peers/torch_epoch.py" \
    --data "$data" --threads 2 --out "$out/torch-run" > "$out/torch-tuned-$r.json"
  echo "round $r/$rounds: torch as installed" >&2
  /usr/bin/time -v -o "$out/torch-installed-$r.time" /usr/bin/python3 "$here/bench/peers/torch_epoch.py" \
    --data "$data" --out "$out/torch-run" > "$out/torch-installed-$r.json"
  cut -d' ' -f1-3 /proc/loadavg > "$out/load-$r.txt"
done
/usr/bin/python3 "$here/bench/peers/epoch_table.py" "$out"
