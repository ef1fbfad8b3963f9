"""Summarises bench/peers/run_epoch.sh's output folder: per run, the epoch's seconds (training +
validation, as each side measures them), the whole command's wall time and the peak resident set
size from /usr/bin/time -v; then medians, spread (min-max) and the jgrad / PyTorch ratios.
Usage: /usr/bin/python3 bench/peers/epoch_table.py OUTDIR"""
import glob
import json
import os
import re
import statistics
import sys


def time_v(path):
    text = open(path).read()
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    return secs, rss_kb / 1024.0


def rows(out):
    res = {"jgrad": [], "jgrad, earlier JVM flags": [], "torch tuned": [], "torch as installed": []}
    # jgrad-N: the launcher as committed; base-N (optional): the same jar with earlier JVM flags
    for prefix, name in (("jgrad", "jgrad"), ("base", "jgrad, earlier JVM flags")):
        for t in sorted(glob.glob(os.path.join(out, f"{prefix}-*.time"))):
            r = re.search(prefix + r"-(\d+)\.time", t).group(1)
            wall, rss = time_v(t)
            run = json.load(open(os.path.join(out, f"{prefix}-{r}.metrics.json")))
            hist = run["epochs"][0]
            res[name].append({"epoch": hist["seconds"], "train": hist["train_seconds"], "wall": wall, "rss": rss})
    for kind, name in (("tuned", "torch tuned"), ("installed", "torch as installed")):
        for t in sorted(glob.glob(os.path.join(out, f"torch-{kind}-*.time"))):
            r = re.search(r"-(\d+)\.time", t).group(1)
            wall, rss = time_v(t)
            e = json.loads(open(os.path.join(out, f"torch-{kind}-{r}.json")).read())["epochs"][0]
            res[name].append({"epoch": e["train_s"] + e["val_s"], "train": e["train_s"], "wall": wall, "rss": rss})
    return res


def fmt(vals, unit=""):
    return f"{statistics.median(vals):.1f}{unit} ({min(vals):.1f}-{max(vals):.1f})"


def main():
    out = sys.argv[1]
    res = rows(out)
    print("| run | n | epoch s (train + val) | train s | whole command s | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for name, rs in res.items():
        if rs:
            print(f"| {name} | {len(rs)} | {fmt([r['epoch'] for r in rs])} | {fmt([r['train'] for r in rs])} | "
                  f"{fmt([r['wall'] for r in rs])} | {fmt([r['rss'] for r in rs])} |")
    j = res["jgrad"]
    for name in ("torch tuned", "torch as installed"):
        p = res[name]
        if j and p:
            ratio_t = statistics.median([r["epoch"] for r in j]) / statistics.median([r["epoch"] for r in p])
            ratio_w = statistics.median([r["wall"] for r in j]) / statistics.median([r["wall"] for r in p])
            ratio_m = statistics.median([r["rss"] for r in j]) / statistics.median([r["rss"] for r in p])
            print(f"\njgrad / {name}: epoch time {ratio_t:.2f}x, whole command {ratio_w:.2f}x, peak RSS {ratio_m:.2f}x")


if __name__ == "__main__":
    main()
