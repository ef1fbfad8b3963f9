#!/usr/bin/env bash
# Assembles every hand-written .ptx kernel with ptxas for sm_80 and sm_90, so a PTX syntax or
# register error fails the build on a machine with no GPU. Skips, with a note, where ptxas is
# not installed (the driver JITs the same PTX at run time, so the jar is still complete).
# Usage: ptxas-check.sh PTX_DIR OUT_DIR
set -euo pipefail
ptx_dir=${1:?usage: ptxas-check.sh PTX_DIR OUT_DIR}
out_dir=${2:?usage: ptxas-check.sh PTX_DIR OUT_DIR}
ptxas_bin=""
for c in "$(command -v ptxas 2>/dev/null || true)" "${CUDA_HOME:-/nonexistent}/bin/ptxas" /usr/local/cuda/bin/ptxas; do
  if [[ -n $c && -x $c ]]; then ptxas_bin=$c; break; fi
done
if [[ -z $ptxas_bin ]]; then
  echo "[ptxas-check] ptxas not found (PATH, \$CUDA_HOME/bin, /usr/local/cuda/bin): PTX kernels NOT assembled at build time"
  exit 0
fi
mkdir -p "$out_dir"
shopt -s nullglob
files=("$ptx_dir"/*.ptx)
status=0
for f in "${files[@]}"; do
  for arch in sm_80 sm_90; do
    base=$(basename "$f" .ptx)
    if ! "$ptxas_bin" -arch="$arch" -o "$out_dir/$base.$arch.cubin" "$f"; then
      echo "[ptxas-check] FAILED: $f for $arch" >&2
      status=1
    fi
  done
done
echo "[ptxas-check] assembled ${#files[@]} PTX file(s) for sm_80 and sm_90 with $("$ptxas_bin" --version | tail -1)"
exit $status
