#!/usr/bin/env bash
# The DataLoader benchmark and its PyTorch peer, run alternately ROUNDS times (default 3) so
# both see the same machine load; then prints the markdown table (medians over rounds).
#   bench/peers/run_dataloader.sh [OUT_DIR]
# Build first: bin/mvn25 -pl bench -am install -DskipTests
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$(mktemp -d)}
rounds=${ROUNDS:-3}
work=${WORK:-cpuclock}   # or xorshift
mkdir -p "$out"
cd "$root"
for r in $(seq 1 "$rounds"); do
  echo "round $r: $(uptime)" | tee -a "$out/load.txt" >&2
  # JMH allows one run per machine (/tmp/jmh.lock): wait while another engineer's holds it
  until JGRAD_BENCH_NOBUILD=1 bench/run.sh 'data.DataLoaderBench' -f 1 -wi 3 -i 5 -p work="$work" -rf json -rff "$out/jmh-$r.json" > "$out/jmh-$r.log" 2>&1; do
    grep -q "Unable to acquire the JMH lock" "$out/jmh-$r.log" || { cat "$out/jmh-$r.log" >&2; exit 1; }
    echo "JMH lock held by another run; waiting" >&2
    sleep 20
  done
  echo "round $r after jgrad: $(uptime)" | tee -a "$out/load.txt" >&2
  /usr/bin/python3 bench/peers/torch_dataloader.py --work "$work" > "$out/torch-$r.json"
done
echo "end: $(uptime)" | tee -a "$out/load.txt" >&2
/usr/bin/python3 bench/peers/dataloader_table.py "$out"
