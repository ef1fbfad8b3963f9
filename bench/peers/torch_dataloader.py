"""PyTorch peer of bench/.../data/DataLoaderBench: batches per second of torch.utils.data.DataLoader
over a data set whose __getitem__ burns 0.2 ms of CPU (by default spinning on the thread CPU
clock, as the Java side does, so both pay the same per item; --work xorshift: calibrated arithmetic) and returns a [1,28,28] float image and a label;
batch 64, 0 / 1 / 2 worker processes, one epoch of 40 batches per timed repetition (worker
start-up included, as in the default non-persistent loader). Prints JSON: median batches/s,
and the CPU cores the process and its workers used (on a shared machine that caps the rate).

"as installed": DataLoader defaults (non-persistent workers, prefetch_factor 2).
"tuned": persistent_workers=True, so worker processes are forked once and reused across epochs.

Run with Debian's interpreter: /usr/bin/python3 bench/peers/torch_dataloader.py [--reps 7]
"""
import argparse
import json
import os
import statistics
import time

import torch
from torch.utils.data import DataLoader, Dataset

BATCH = 64
BATCHES = 40


def spin(n, seed):
    x = (seed * 0x9E3779B97F4A7C15 | 1) & 0xFFFFFFFFFFFFFFFF
    for _ in range(n):
        x ^= (x << 13) & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 7
        x ^= (x << 17) & 0xFFFFFFFFFFFFFFFF
    return x


def calibrate(micros):
    n = 20000
    best = float("inf")
    for r in range(7):
        t0 = time.thread_time_ns()
        spin(n, r)
        best = min(best, (time.thread_time_ns() - t0) / n)
    return max(1, round(micros * 1000 / best))


def spin_cpu(ns):
    end = time.thread_time_ns() + ns
    x = 0
    while time.thread_time_ns() < end:
        x += 1
    return x


class BusyDataset(Dataset):
    """iterations > 0: xorshift work; else spin until the thread CPU clock advanced by cpu_ns."""

    def __init__(self, size, iterations, cpu_ns=0):
        self.size = size
        self.iterations = iterations
        self.cpu_ns = cpu_ns

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        x = spin_cpu(self.cpu_ns) if self.cpu_ns else spin(self.iterations, i + 1)
        img = torch.full((1, 28, 28), (x & 0xFF) / 255.0, dtype=torch.float32)
        return img, i % 10


def get_micros(ds, reps=501):
    t = []
    for r in range(reps):
        t0 = time.thread_time_ns()
        ds[r % len(ds)]
        t.append((time.thread_time_ns() - t0) / 1000)
    return statistics.median(t)


def proc_cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_seconds(loader):
    """This process, its reaped children (finished workers) and live persistent workers."""
    t = os.times()
    total = t.user + t.system + t.children_user + t.children_system
    it = getattr(loader, "_iterator", None)
    for w in getattr(it, "_workers", []) if it is not None else []:
        if w.is_alive():
            total += proc_cpu(w.pid)
    return total


def epoch_rate(loader):
    """(batches/s, cores used) of one epoch."""
    c0 = cpu_seconds(loader)
    t0 = time.perf_counter()
    n = 0
    for _inputs, _targets in loader:
        n += 1
    wall = time.perf_counter() - t0
    return n / wall, (cpu_seconds(loader) - c0) / wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--micros", type=float, default=200.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--work", choices=("cpuclock", "xorshift"), default="cpuclock",
                    help="cpuclock: spin on the thread CPU clock (same cost as the Java side by construction); "
                         "xorshift: calibrated arithmetic")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.work == "cpuclock":
        iters = 0
        ds = BusyDataset(BATCH * BATCHES, 0, round(args.micros * 1000))
    else:
        iters = calibrate(args.micros)
        ds = BusyDataset(BATCH * BATCHES, iters)
    out = {"torch": torch.__version__, "work": args.work, "iterations_per_get": iters, "get_cpu_us": round(get_micros(ds), 1),
           "threads": torch.get_num_threads(), "batches_per_epoch": BATCHES, "results": []}
    for setting in ("as installed", "tuned"):
        for workers in (0, 1, 2):
            kw = {}
            if workers > 0 and setting == "tuned":
                kw["persistent_workers"] = True
            loader = DataLoader(ds, batch_size=BATCH, shuffle=False, num_workers=workers, **kw)
            for _ in range(args.warmup):
                epoch_rate(loader)
            runs = [epoch_rate(loader) for _ in range(args.reps)]
            rates = [r for r, _ in runs]
            out["results"].append({"setting": setting, "workers": workers,
                                   "batches_per_s_median": round(statistics.median(rates), 1),
                                   "min": round(min(rates), 1), "max": round(max(rates), 1),
                                   "cores_median": round(statistics.median(c for _, c in runs), 2),
                                   "epochs": [[round(r, 1), round(c, 2)] for r, c in runs]})
            del loader
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
