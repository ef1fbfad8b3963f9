#!/usr/bin/env bash
# The metric kernels' part of the GPU check alone: GpuMetricsBench and its PyTorch peer, under
# run.sh's deadline, with the table (metrics-summary.md) in the archive and printed.
# Usage (in a device call): bench/gpu/metrics.sh "$OUT/gpu"
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JGRAD_GPU_STEPS=metrics exec "$root/bench/gpu/run.sh" "$@"
