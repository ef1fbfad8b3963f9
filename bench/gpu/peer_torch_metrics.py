#!/usr/bin/env python3
"""The PyTorch peer for the metric kernels, on the same GPU as GpuMetricsBench.

For the issue's four shapes it times, with CUDA events after a warm-up, the median of many
repetitions (input sets rotated so they do not sit in L2):
  copy          device-to-device copy of as many bytes as one update reads (the card's bandwidth;
                reported as bytes read + written)
  smp_legacy    segmentation_models_pytorch utils.metrics style: sigmoid, threshold, one
                reduction per statistic (separate passes)
  torch_lean    the leanest torch formulation: one compare, three sums over bool tensors
  torchmetrics  torchmetrics.classification.BinaryStatScores / MulticlassConfusionMatrix update
  argmax_bincount  logits.argmax(1) then torch.bincount(target * C + pred, minlength=C*C)
  max_bincount  the same with logits.max(1).indices (faster than argmax on some versions)
It also checks that each peer's counts equal each other's. Writes one JSON file.

Usage: python3 bench/gpu/peer_torch_metrics.py OUT.json
"""
import json
import statistics
import sys

import torch

SHAPES = ["binary:16:1024:1024", "binary:64:512:512", "multiclass:8:21:512:512", "multiclass:4:150:256:256"]
SETS = 3
WARMUP = 5
REPS = 30


def bytes_read(shape):
    p = shape.split(":")
    if p[0] == "binary":
        n, h, w = map(int, p[1:])
        return 5 * n * h * w
    n, c, h, w = map(int, p[1:])
    return 4 * n * c * h * w + 8 * n * h * w


def timed(fn, sets):
    """Median milliseconds of fn(set) over REPS calls after WARMUP, CUDA events around each."""
    for i in range(WARMUP):
        fn(sets[i % len(sets)])
    torch.cuda.synchronize()
    times = []
    for i in range(REPS):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn(sets[i % len(sets)])
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times), min(times), max(times)


def binary_peers(n, h, w, dev):
    g = torch.Generator(device=dev).manual_seed(1)
    sets = []
    for _ in range(SETS):
        logits = torch.randn(n, 1, h, w, device=dev, generator=g)
        target = (torch.rand(n, 1, h, w, device=dev, generator=g) < 0.3).to(torch.uint8)
        sets.append((logits, target))

    def smp_legacy(s):
        logits, target = s
        pr = (torch.sigmoid(logits) > 0.5).type(logits.dtype)
        gt = target.type(logits.dtype)
        tp = torch.sum(gt * pr)
        fp = torch.sum(pr) - tp
        fn = torch.sum(gt) - tp
        tn = gt.numel() - tp - fp - fn
        return torch.stack([tp, fp, fn, tn]).long()

    def torch_lean(s):
        logits, target = s
        p = logits > 0  # sigmoid(x) > 0.5 <=> x > 0
        t = target.bool()
        tp = (p & t).sum()
        pp = p.sum()
        tt = t.sum()
        return torch.stack([tp, pp - tp, tt - tp, p.numel() - pp - tt + tp])

    out = {"smp_legacy": smp_legacy, "torch_lean": torch_lean}
    try:
        from torchmetrics.classification import BinaryStatScores
        m = BinaryStatScores(threshold=0.5, multidim_average="global").to(dev)

        def tm(s):
            logits, target = s
            m.reset()
            m.update(logits, target)  # logits: torchmetrics applies a sigmoid when values leave [0,1]
            st = m.compute()
            return st[:4][[0, 1, 3, 2]].long()  # tp, fp, tn, fn -> tp, fp, fn, tn
        out["torchmetrics"] = tm
    except Exception as e:  # not installed or API moved: say so in the JSON
        out["torchmetrics_error"] = repr(e)
    return sets, out


def multiclass_peers(n, c, h, w, dev):
    g = torch.Generator(device=dev).manual_seed(2)
    sets = []
    for _ in range(SETS):
        logits = torch.randn(n, c, h, w, device=dev, generator=g)
        target = torch.where(torch.rand(n, h, w, device=dev, generator=g) < 0.7,
                             torch.zeros(n, h, w, dtype=torch.long, device=dev),
                             torch.randint(0, c, (n, h, w), device=dev, generator=g))
        sets.append((logits, target))

    def argmax_bincount(s):
        logits, target = s
        pred = logits.argmax(1)
        return torch.bincount((target * c + pred).flatten(), minlength=c * c).view(c, c)

    def max_bincount(s):
        logits, target = s
        pred = logits.max(1).indices
        return torch.bincount((target * c + pred).flatten(), minlength=c * c).view(c, c)

    out = {"argmax_bincount": argmax_bincount, "max_bincount": max_bincount}
    try:
        from torchmetrics.classification import MulticlassConfusionMatrix
        m = MulticlassConfusionMatrix(num_classes=c).to(dev)

        def tm(s):
            logits, target = s
            m.reset()
            m.update(logits, target)
            return m.compute().long()
        out["torchmetrics"] = tm
    except Exception as e:
        out["torchmetrics_error"] = repr(e)
    return sets, out


def main():
    out_path = sys.argv[1]
    dev = torch.device("cuda")
    result = {"torch": torch.__version__, "gpu": torch.cuda.get_device_name(0), "reps": REPS, "warmup": WARMUP,
              "sets": SETS, "shapes": {}}
    try:
        import torchmetrics
        result["torchmetrics"] = torchmetrics.__version__
    except Exception as e:
        result["torchmetrics"] = "unavailable: " + repr(e)
    for shape in SHAPES:
        p = shape.split(":")
        nbytes = bytes_read(shape)
        if p[0] == "binary":
            sets, peers = binary_peers(*map(int, p[1:]), dev)
        else:
            sets, peers = multiclass_peers(*map(int, p[1:]), dev)
        entry = {"bytes_read": nbytes, "peers": {}}
        src = torch.empty(nbytes // 4, dtype=torch.float32, device=dev).normal_()
        dst = torch.empty_like(src)
        med, lo, hi = timed(lambda s: dst.copy_(src), [None])
        entry["copy"] = {"ms": med, "min_ms": lo, "max_ms": hi, "gbps_read_plus_write": 2 * nbytes / med / 1e6}
        reference = None
        for name, fn in peers.items():
            if name.endswith("_error"):
                entry["peers"][name] = fn
                continue
            med, lo, hi = timed(fn, sets)
            counts = fn(sets[0]).cpu()
            agrees = None if reference is None else bool(torch.equal(counts.flatten(), reference.flatten()))
            if reference is None:
                reference = counts
            entry["peers"][name] = {"ms": med, "min_ms": lo, "max_ms": hi, "gbps_effective": nbytes / med / 1e6,
                                    "agrees_with_first": agrees}
        result["shapes"][shape] = entry
        del sets, src, dst
        torch.cuda.empty_cache()
        print(shape, json.dumps(entry))
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
