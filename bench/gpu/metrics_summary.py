#!/usr/bin/env python3
"""The metric kernels' table: GpuMetricsBench (JMH, jmh-GpuMetricsBench.json or any jmh-*.json) beside the PyTorch peer
(peer_torch_metrics.json), both from the same GPU call.

Per shape: bytes one update must read; our update's time and effective GB/s (bytes read / time);
the copy bandwidth measured in the same JVM (read + write) and by torch; our read rate as a
fraction of the copy bandwidth; each peer's time and our speed-up over it.
Usage: metrics_summary.py RESULTS_DIR   (writes metrics-summary.md there and prints it)
"""
import glob
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def bytes_read(shape):
    p = shape.split(":")
    if p[0] == "binary":
        n, h, w = map(int, p[1:])
        return 5 * n * h * w
    n, c, h, w = map(int, p[1:])
    return 4 * n * c * h * w + 8 * n * h * w


def main():
    d = sys.argv[1]
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from summarize import load_jmh  # the JSON, or a killed run's Result lines
    jmh = load_jmh(d)
    peer = load(os.path.join(d, "peer_torch_metrics.json")) or {"shapes": {}}
    ours = {}
    for r in jmh:
        if ".GpuMetricsBench." not in r.get("benchmark", ""):
            continue
        what = r["benchmark"].rsplit(".", 1)[1]
        shape = r.get("params", {}).get("shape")
        ours.setdefault(shape, {})[what] = r["primaryMetric"]["score"]  # ms per operation
    lines = ["# PTX metric kernels vs PyTorch, same GPU, same call", "",
             f"- GPU: {peer.get('gpu', '?')}; PyTorch {peer.get('torch', '?')}, torchmetrics {peer.get('torchmetrics', '?')}",
             f"- ours: JMH average time per update (20 updates per invocation, 3 input sets rotated); peer: median of "
             f"{peer.get('reps', '?')} CUDA-event timings after {peer.get('warmup', '?')} warm-up calls", "",
             "| shape | MB read | ours ms | ours GB/s | copy GB/s (ours / torch, r+w) | ours / copy | peer | peer ms | speed-up |",
             "|---|---:|---:|---:|---:|---:|---|---:|---:|"]
    for shape in sorted(set(ours) | set(peer["shapes"])):
        nb = bytes_read(shape)
        o = ours.get(shape, {})
        p = peer["shapes"].get(shape, {})
        ms = o.get("update")
        gbps = nb / ms / 1e6 if ms else None
        copy_ours = 2 * nb / o["copy"] / 1e6 if o.get("copy") else None
        copy_torch = p.get("copy", {}).get("gbps_read_plus_write")
        frac = gbps / copy_ours if gbps and copy_ours else None
        fmt = lambda v, f="{:.0f}": f.format(v) if v is not None else "?"
        peers = [(k, v) for k, v in p.get("peers", {}).items() if isinstance(v, dict)] or [("?", {})]
        for i, (name, pv) in enumerate(peers):
            pms = pv.get("ms")
            head = (f"| {shape} | {nb / 1e6:.0f} | {fmt(ms, '{:.3f}')} | {fmt(gbps)} | {fmt(copy_ours)} / {fmt(copy_torch)} | "
                    f"{fmt(frac * 100 if frac else None)}% ") if i == 0 else "| | | | | | "
            lines.append(head + f"| {name} | {fmt(pms, '{:.3f}')} | {fmt(pms / ms if pms and ms else None, '{:.1f}')}x |")
    lines += ["", "Targets (issue 8): binary >= 90% of copy bandwidth and >= 5x the PyTorch way; "
              "confusion >= 70% and >= 3x. 'ours / copy' divides our read rate by the copy's read + write rate."]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(d, "metrics-summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
