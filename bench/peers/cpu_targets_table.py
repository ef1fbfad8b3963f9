"""Summarises bench/peers/run_cpu_targets.sh's output folder as one markdown table: every CPU-speed
target, jgrad's figure (JMH score with its 99.9% error, or the measured run), the peer "tuned" and
"as installed", the ratio to each and to the faster of the two, and whether the target holds.
Usage: /usr/bin/python3 bench/peers/cpu_targets_table.py OUTDIR"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from epoch_table import time_v  # noqa: E402


def load(path):
    with open(path) as f:
        return f.read()


def jmh(path):
    """{(benchmark method, params tuple): (score ms, error ms)} from a JMH JSON result file."""
    res = {}
    for r in json.loads(load(path)):
        name = r["benchmark"].rsplit(".", 1)[1]
        params = tuple(sorted((r.get("params") or {}).items()))
        m = r["primaryMetric"]
        res[(name, params)] = (m["score"], m["scoreError"])
    return res


def numpy_gemm(path):
    """{setting: {n: median ms}} from cpu_gemm_conv.py's text output."""
    res, setting = {}, None
    for line in load(path).splitlines():
        m = re.match(r"== (tuned|as installed):", line)
        if m:
            setting = m.group(1)
            res[setting] = {}
        m = re.match(r"\s+sgemm n=\s*(\d+): median\s+([\d.]+) ms", line)
        if m and setting:
            res[setting][int(m.group(1))] = float(m.group(2))
    return res


def row(target, jg, err, tuned, installed, limit, higher_is_better=False, unit="ms"):
    """One table row; ratios are jgrad / peer for times (target: at most `limit`) and
    jgrad / peer for throughputs (target: at least `limit`)."""
    best_peer = max(tuned, installed) if higher_is_better else min(tuned, installed)
    ratio = jg / best_peer
    r_t, r_i = jg / tuned, jg / installed
    ok = ratio >= limit if higher_is_better else ratio <= limit
    bound = f"≥ {limit}×" if higher_is_better else f"≤ {limit}×"
    e = f" ± {err:.1f}" if err is not None else ""
    return (f"| {target} | {jg:.1f}{e} {unit} | {tuned:.1f} | {installed:.1f} | {r_t:.2f}× | {r_i:.2f}× | "
            f"**{ratio:.2f}×** | {bound} | {'met' if ok else 'missed'} |")


def main():
    out = sys.argv[1]
    p = lambda name: os.path.join(out, name)  # noqa: E731
    print(load(p("machine.txt")).strip().replace("\n", "  \n"))
    print()
    print("Load average before each step (1, 5, 15 min):  ")
    print(load(p("steps.txt")).strip().replace("\n", "  \n"))
    print()
    print("| target | jgrad | peer tuned | peer as installed | ratio to tuned | ratio to installed | ratio to the faster peer | target | |")
    print("|---|---|---|---|---|---|---|---|---|")

    gemm, npg = jmh(p("gemm.json")), numpy_gemm(p("numpy-gemm.txt"))
    for n in (1024, 2048):
        ms, err = gemm[("matmul", (("n", str(n)),))]
        gf = lambda t: 2 * n ** 3 / t / 1e6  # noqa: E731
        # throughput ratio = peer time / jgrad time
        print(row(f"SGEMM {n} (GFLOP/s; numpy/OpenBLAS)", gf(ms), None, gf(npg["tuned"][n]), gf(npg["as installed"][n]),
                  0.95, higher_is_better=True, unit="GFLOP/s"))

    steps = jmh(p("steps.json"))
    cnn_t, cnn_i = json.loads(load(p("torch-cnn-tuned.json"))), json.loads(load(p("torch-cnn-installed.json")))
    unet_t, unet_i = json.loads(load(p("torch-unet-tuned.json"))), json.loads(load(p("torch-unet-installed.json")))
    print(row("small-CNN step, batch 128 (PyTorch)", *steps[("smallCnnStep", ())],
              cnn_t["small_cnn_step_ms"], cnn_i["small_cnn_step_ms"], 0.8))
    print(row("U-Net step, batch 8, 1×128×128 (PyTorch)", *steps[("unetStep", ())],
              unet_t["unet_step_ms_median"], unet_i["unet_step_ms_median"], 1.0))

    conv = jmh(p("conv.json"))
    conv_t, conv_i = json.loads(load(p("torch-conv-tuned.json"))), json.loads(load(p("torch-conv-installed.json")))
    for (name, params), (ms, err) in sorted(conv.items()):
        shape = dict(params)["layer"]
        print(row(f"conv2d fwd+bwd {shape} (oneDNN)", ms, err, conv_t[shape]["median_ms"], conv_i[shape]["median_ms"], 1.2))

    print()
    print("Metric passes on cold inputs (MetricsColdProbe: interleaved, medians; target: the pass takes at most")
    print("1/0.70 (binary) and 1/0.50 (confusion) of its same-bytes read probe's time):")
    print()
    cold = "\n".join(l for l in load(p("metrics-cold.txt")).splitlines() if not l.startswith("WARNING"))
    print("```")
    print(cold.strip())
    print("```")
    m = re.search(r"binary wall (\d+)% cpu (\d+)%; confusion wall (\d+)% cpu (\d+)%", cold)
    if m:
        bw, bc, cw, cc = (int(g) for g in m.groups())
        print()
        print(f"Binary: {bw}% of the probe (wall), {bc}% (CPU) — target 70%: {'met' if min(bw, bc) >= 70 else 'missed'}; "
              f"confusion: {cw}% (wall), {cc}% (CPU) — target 50%: {'met' if min(cw, cc) >= 50 else 'missed'}.")

    print()
    print("| one epoch, classification defaults | epoch s (train + val) | whole command s | peak RSS MiB |")
    print("|---|---|---|---|")
    runs = {}
    hist = json.loads(load(p("jgrad-1.metrics.json")))["epochs"][0]
    wall, rss = time_v(p("jgrad-1.time"))
    runs["jgrad"] = (hist["seconds"], wall, rss)
    for kind in ("tuned", "installed"):
        e = json.loads(load(p(f"torch-{kind}-1.json")))["epochs"][0]
        wall, rss = time_v(p(f"torch-{kind}-1.time"))
        runs[f"PyTorch {kind}"] = (e["train_s"] + e["val_s"], wall, rss)
    for name, (ep, wall, rss) in runs.items():
        print(f"| {name} | {ep:.1f} | {wall:.1f} | {rss:.0f} |")
    j = runs["jgrad"]
    faster = min((runs["PyTorch tuned"], runs["PyTorch installed"]), key=lambda r: r[0])
    lowest = min(runs["PyTorch tuned"][2], runs["PyTorch installed"][2])
    print()
    print(f"Epoch time jgrad / faster PyTorch: **{j[0] / faster[0]:.2f}×** (target ≤ 0.8×: "
          f"{'met' if j[0] / faster[0] <= 0.8 else 'missed'}); peak RSS jgrad / PyTorch's lower: "
          f"**{j[2] / lowest:.2f}×** (target ≤ 1.0×: {'met' if j[2] <= lowest else 'missed'}).")


if __name__ == "__main__":
    main()
