"""CUDA-event timing shared by the GPU peers (peer_torch*.py).

median_ms(fn): after `warmup` calls, `reps` times: record an event, call fn `inner` times back
to back, optionally hand the last result to `after` (e.g. loss.item(), as a training loop that
logs does), record an event; the median of (elapsed / inner), in milliseconds per call.
"""
import statistics

import torch


def median_ms(fn, warmup=5, reps=25, inner=10, after=None):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        result = None
        for _ in range(inner):
            result = fn()
        if after is not None:
            after(result)
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / inner)
    return statistics.median(times)
