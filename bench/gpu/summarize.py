#!/usr/bin/env python3
"""Writes the GPU check's markdown summary from the JUnit reports, JMH's JSON and the PyTorch peer.

Usage: summarize.py RESULTS_DIR   (reads junit/*.xml, every jmh-*.json (one per benchmark class), run.log and the
peer_torch*.json there; writes summary.md there and prints it). Flags a test run where every test was skipped
(CUDA did not start) or that left no report (killed), and quotes the first failure messages.
"""
import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def jmh_from_log(path):
    """JMH records from a log's 'Result' lines: what a run killed before writing its JSON still measured."""
    out, bench, params, pending = [], None, {}, False
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return out
    for line in lines:
        if line.startswith("# Benchmark: "):
            bench = line.split(": ", 1)[1].strip()
        elif line.startswith("# Parameters: "):
            body = line.split(": ", 1)[1].strip().strip("()")
            params = dict(p.strip().split(" = ", 1) for p in body.split(", ") if " = " in p)
        elif line.startswith('Result "'):
            pending = True
        elif pending and line.strip():
            pending = False
            parts = line.split()
            unit = next((p for p in parts if p.endswith("/op") or p.startswith("ops/")), None)
            try:
                score = float(parts[0])
            except ValueError:
                continue
            if bench and unit:
                out.append({"benchmark": bench, "params": dict(params), "primaryMetric": {"score": score, "scoreUnit": unit}})
    return out


def load_jmh(d):
    """Every class's JSON; for a class whose run left a log but no JSON (killed), its log's Result lines."""
    recs = []
    for log in sorted(glob.glob(os.path.join(d, "jmh-*.log"))):
        js = log[:-4] + ".json"
        got = load(js)
        recs += got if got else jmh_from_log(log)
    for js in sorted(glob.glob(os.path.join(d, "jmh-*.json"))):
        if not os.path.exists(js[:-5] + ".log"):
            recs += load(js) or []
    return recs


def main():
    d = sys.argv[1]
    lines = []
    peer = load(os.path.join(d, "peer_torch.json")) or {}
    env = load(os.path.join(d, "env.json")) or {}
    lines.append("# jgrad GPU check")
    lines.append("")
    lines.append(f"- date: {env.get('date', '?')}")
    lines.append(f"- GPU: {peer.get('device', env.get('gpu', '?'))}; driver {env.get('driver', '?')}")
    lines.append(f"- peer: PyTorch {peer.get('torch', '?')} (CUDA {peer.get('cuda', '?')}, cuDNN {peer.get('cudnn', '?')}), measured in the same call")
    if "copy_gbps" in peer:
        lines.append(f"- device-to-device copy bandwidth (read + write): {peer['copy_gbps']:.0f} GB/s")
    lines.append("")

    # tests
    tests = fails = errors = skipped = 0
    failed = []
    messages = []
    for x in glob.glob(os.path.join(d, "junit", "**", "*.xml"), recursive=True):
        try:
            root = ET.parse(x).getroot()
        except ET.ParseError:
            continue
        suites = [root] if root.tag == "testsuite" else root.findall(".//testsuite")
        for s in suites:
            for case in s.findall("testcase"):
                tests += 1
                name = case.get("classname", "") + "." + case.get("name", "")
                bad = case.find("failure") if case.find("failure") is not None else case.find("error")
                if bad is not None:
                    if bad.tag == "failure":
                        fails += 1
                    else:
                        errors += 1
                    failed.append(name)
                    messages.append(bad.get("message") or (bad.text or "").strip().split("\n")[0])
                elif case.find("skipped") is not None:
                    skipped += 1
                    messages.append(case.find("skipped").get("message") or (case.find("skipped").text or "").strip().split("\n")[0])
    lines.append(f"## gpu-tagged tests: {tests} run, {fails} failed, {errors} errors, {skipped} skipped")
    if tests == 0:
        lines.append("")
        lines.append("**NO TEST REPORT: the tests did not run or were killed before JUnit wrote its report (see tests.log in the archive).**")
    elif skipped == tests:
        lines.append("")
        lines.append("**ALL SKIPPED: nothing was proven on a GPU (CUDA did not start; run with JGRAD_GPU_REQUIRED=1 to fail instead).**")
    elif fails + errors == tests:
        lines.append("")
        lines.append("**ALL FAILED: most likely CUDA did not start (the first message below says why).**")
    if tests and fails + errors < tests:  # when all failed, the first message says it all
        for f in failed[:40]:
            lines.append(f"- FAILED {f}")
    distinct = list(dict.fromkeys(m for m in messages if m))
    if distinct:
        lines.append("")
        lines.append("First distinct failure/skip messages:")
        lines.append("")
        for m in distinct[:5]:
            lines.append("    " + m[:1500].replace("\n", "\n    "))
    lines.append("")

    # one JSON per benchmark class (jmh-GpuGemmBench.json, ...): a class killed by the deadline loses only its own numbers
    jmh = load_jmh(d)
    ours = {}
    ours_train = {}
    for r in jmh:
        name = r["benchmark"].rsplit(".", 2)[-2]
        p = r.get("params", {})
        score, unit = r["primaryMetric"]["score"], r["primaryMetric"]["scoreUnit"]
        ms = score / 1000.0 if unit.startswith("us") else score
        ours[(name, p.get("shape", p.get("n")), p.get("math"))] = ms
        if name == "GpuTrainStepBench":
            ours_train[(p.get("model"), p.get("math"))] = ms

    lines.append("## SGEMM 4096^3 (time per product; ratio = PyTorch time / jgrad time, target >= 0.9)")
    lines.append("")
    lines.append("| math | jgrad ms | jgrad TFLOP/s | torch.mm ms | torch TFLOP/s | ratio |")
    lines.append("|---|---|---|---|---|---|")
    flop = 2 * 4096 ** 3
    for math in ("fp32", "tf32"):
        j = ours.get(("GpuGemmBench", "4096", math))
        t = peer.get("sgemm_ms", {}).get(math)
        cells = [math,
                 f"{j:.3f}" if j else "not run", f"{flop / (j * 1e-3) / 1e12:.1f}" if j else "-",
                 f"{t:.3f}" if t else "not run", f"{flop / (t * 1e-3) / 1e12:.1f}" if t else "-",
                 f"{t / j:.2f}" if j and t else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("## conv2d 3x3 forward + backward-data + backward-filter (ms per step; shape N,C,H,W,K)")
    lines.append("")
    lines.append("| shape | math | jgrad ms | PyTorch ms | ratio |")
    lines.append("|---|---|---|---|---|")
    for key in sorted(peer.get("conv_ms", {}).keys() | {k[1] + "|" + k[2] for k in ours if k[0] == "GpuConvBench"}):
        shape, math = key.split("|")
        j = ours.get(("GpuConvBench", shape, math))
        t = peer.get("conv_ms", {}).get(key)
        lines.append(f"| {shape} | {math} | {f'{j:.3f}' if j else 'not run'} | {f'{t:.3f}' if t else 'not run'} | {f'{t / j:.2f}' if j and t else '-'} |")
    lines.append("")
    lines.append("## training step on the GPU (ms per step, 10 steps queued per loss.item(); ratio = PyTorch / jgrad, target >= 1)")
    lines.append("")
    lines.append("| model | batch | math | jgrad ms | jgrad img/s | PyTorch eager ms | PyTorch img/s | ratio |")
    lines.append("|---|---|---|---|---|---|---|---|")
    train = (load(os.path.join(d, "peer_torch_train.json")) or {}).get("train_ms", {})
    for key in ("cnn|fp32", "cnn|tf32", "unet|fp32", "unet|tf32"):
        model, math = key.split("|")
        batch = 256 if model == "cnn" else 16
        j = ours_train.get((model, math))
        t = train.get(key)
        lines.append(f"| {model} | {batch} | {math} | {f'{j:.2f}' if j else 'not run'} | {f'{batch / (j * 1e-3):.0f}' if j else '-'}"
                     f" | {f'{t:.2f}' if t else 'not run'} | {f'{batch / (t * 1e-3):.0f}' if t else '-'} | {f'{t / j:.2f}' if j and t else '-'} |")
    lines.append("")
    lines.append("## tensor kernels (us per op; ratio = PyTorch / jgrad, target >= 1)")
    lines.append("")
    lines.append("| op | jgrad us | PyTorch us | ratio |")
    lines.append("|---|---|---|---|")
    tensor_peer = (load(os.path.join(d, "peer_torch_tensor.json")) or {}).get("us", {})
    ours_tensor = {}
    for r in jmh:
        if r["benchmark"].rsplit(".", 2)[-2] == "GpuTensorBench":
            score, unit = r["primaryMetric"]["score"], r["primaryMetric"]["scoreUnit"]
            ours_tensor[r.get("params", {}).get("op")] = score * 1000.0 if unit.startswith("ms") else score
    for op in sorted(set(tensor_peer) | set(ours_tensor)):
        j, t = ours_tensor.get(op), tensor_peer.get(op)
        lines.append(f"| {op} | {f'{j:.1f}' if j else 'not run'} | {f'{t:.1f}' if t else 'not run'} | {f'{t / j:.2f}' if j and t else '-'} |")
    steps = []
    try:
        with open(os.path.join(d, "run.log")) as f:
            steps = [l.rstrip() for l in f if " exit " in l or "not started" in l or "stopped" in l or "ERROR" in l]
    except OSError:
        pass
    if steps:
        lines.append("")
        lines.append("## steps (from run.log)")
        lines.append("")
        lines += ["    " + l for l in steps]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(d, "summary.md"), "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
