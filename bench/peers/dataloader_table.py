"""Summarises bench/peers/run_dataloader.sh's output folder as a markdown table: per setting and
worker count, the median over rounds of jgrad's JMH score and of PyTorch's median epoch rate."""
import glob
import json
import os
import re
import statistics
import sys

out = sys.argv[1]
jg = {}
cores = {}
jg_pairs = {}   # (batches/s, cores) of every JMH measurement iteration
pt_pairs = {}   # (batches/s, cores) of every timed PyTorch epoch
for path in sorted(glob.glob(os.path.join(out, "jmh-*.json"))):
    for rec in json.load(open(path)):
        w = int(rec["params"]["workers"])
        jg.setdefault(w, []).append(rec["primaryMetric"]["score"])
        # cpuNanos is summed per 2-second measurement iteration (AuxCounters EVENTS)
        raw = rec["secondaryMetrics"]["cpuNanos"]["rawData"][0]
        secs = float(rec["measurementTime"].split()[0])
        cores.setdefault(w, []).append(statistics.median(raw) / (secs * 1e9))
        for thr, cpu in zip(rec["primaryMetric"]["rawData"][0], raw):
            jg_pairs.setdefault(w, []).append((thr, cpu / (secs * 1e9)))
pt = {}
ptc = {}
meta = None
for path in sorted(glob.glob(os.path.join(out, "torch-*.json"))):
    d = json.load(open(path))
    meta = d
    for r in d["results"]:
        pt.setdefault((r["setting"], r["workers"]), []).append(r["batches_per_s_median"])
        for rate, c in r.get("epochs", []):
            pt_pairs.setdefault((r["setting"], r["workers"]), []).append((rate, c))
        if "cores_median" in r:
            ptc.setdefault((r["setting"], r["workers"]), []).append(r["cores_median"])
calib = []
for path in sorted(glob.glob(os.path.join(out, "jmh-*.log"))):
    calib += [float(x) for x in re.findall(r"measured ([0-9.]+) us CPU per get", open(path).read())]

med = lambda xs: statistics.median(xs)
fmt = lambda d, k: f"{med(d[k]):.2f}" if k in d else "n/a"
print(f"jgrad get(): {min(calib):.0f}-{max(calib):.0f} us CPU; torch __getitem__: {meta['get_cpu_us']} us CPU (last round)")
print(f"rounds: {len(jg.get(0, []))}\n")
print("| workers | jgrad batches/s | PyTorch as installed | PyTorch tuned (persistent workers) | jgrad / PyTorch tuned | jgrad / PyTorch as installed | jgrad speed-up vs 0 workers | cores jgrad got | cores PyTorch got (as installed / tuned) |")
print("|---|---|---|---|---|---|---|---|---|")
for w in (0, 1, 2):
    j = med(jg[w])
    a = med(pt[("as installed", w)])
    t = med(pt[("tuned", w)])
    print(f"| {w} | {j:.1f} ({', '.join(f'{x:.0f}' for x in jg[w])}) | {a:.1f} ({', '.join(f'{x:.0f}' for x in pt[('as installed', w)])}) "
          f"| {t:.1f} ({', '.join(f'{x:.0f}' for x in pt[('tuned', w)])}) | {j / t:.2f} | {j / a:.2f} | {j / med(jg[0]):.2f} | {med(cores[w]):.2f} | {fmt(ptc, ('as installed', w))} / {fmt(ptc, ('tuned', w))} |")


# The machine is shared and the kernel shares CPU per session (autogroup), so a run often gets
# about one core whatever its thread count. Intervals in which the run got the cores its worker
# count can use (at least 0.9 x max(1, workers)) show what the loader does when not starved.
def uncontended(pairs, w):
    need = 0.9 * max(1, w)
    return [r for r, c in pairs if c >= need]


print("\nOnly intervals in which the process got >= 0.9 x max(1, workers) cores "
      "(JMH iterations for jgrad, epochs for PyTorch): median batches/s (count)\n")
print("| workers | jgrad | PyTorch as installed | PyTorch tuned | jgrad / PyTorch tuned |")
print("|---|---|---|---|---|")
for w in (0, 1, 2):
    j = uncontended(jg_pairs.get(w, []), w)
    a = uncontended(pt_pairs.get(("as installed", w), []), w)
    t = uncontended(pt_pairs.get(("tuned", w), []), w)
    f = lambda xs: f"{med(xs):.1f} ({len(xs)})" if xs else "none"
    ratio = f"{med(j) / med(t):.2f}" if j and t else "n/a"
    print(f"| {w} | {f(j)} | {f(a)} | {f(t)} | {ratio} |")
