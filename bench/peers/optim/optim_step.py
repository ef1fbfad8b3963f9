#!/usr/bin/env python3
"""Peer for org.jgrad.bench.optim.OptimStepBench: one torch.optim step on the CPU.

Same parameter split and options as the JMH benchmark. Prints the median time per step (ms) of
several repetitions, for torch's per-tensor loop (foreach=False, 1.13's default on the CPU) and
its multi-tensor path (foreach=True), with torch's default thread count ("as installed") and
with two threads ("tuned").
Usage: python3 bench/peers/optim/optim_step.py
"""
import statistics
import time

import torch


def sizes(numel):
    s = [numel * 4 // 10, numel * 3 // 10, numel * 2 // 10, numel * 9 // 100]
    return s + [numel - sum(s)]


def measure(numel, kind, foreach, reps=7, inner=20):
    g = torch.Generator().manual_seed(1)
    params = []
    for n in sizes(numel):
        p = torch.randn(n, generator=g, requires_grad=True)
        p.grad = torch.randn(n, generator=g)
        params.append(p)
    if kind == 'sgd':
        opt = torch.optim.SGD(params, lr=1e-3, momentum=0.9, weight_decay=1e-4, nesterov=True, foreach=foreach)
    else:
        opt = torch.optim.Adam(params, lr=1e-3, foreach=foreach)
    for _ in range(5):
        opt.step()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            opt.step()
        times.append((time.perf_counter() - t0) / inner * 1e3)
    return statistics.median(times)


if __name__ == '__main__':
    print('torch', torch.__version__, 'default threads', torch.get_num_threads())
    for setting, threads in [('as installed', torch.get_num_threads()), ('tuned', 2)]:
        torch.set_num_threads(threads)
        for numel in [1_000_000, 10_000_000]:
            for kind in ['sgd', 'adam']:
                for foreach in [False, True]:
                    ms = measure(numel, kind, foreach)
                    print(f'{setting:12s} threads={threads} numel={numel:>9d} {kind:4s} foreach={foreach!s:5s} {ms:8.3f} ms')
