"""PyTorch CPU peer for the metric benchmarks (bench/.../metrics/MetricsBench, BandwidthBench).

Times, median of repetitions after warm-up, in milliseconds, printed as JSON:
  binary statistics of [16,1,512,512] float32 logits + uint8 targets:
    - smp_legacy: the way segmentation_models_pytorch's legacy metric classes run in a training
      loop with metrics=[IoU, Fscore, Accuracy, Precision, Recall]: each metric applies the
      sigmoid, thresholds (> 0.5, .float()), and takes its own sums;
    - lean: the leanest PyTorch formulation we know: one compare of the logits with 0
      (= sigmoid > 0.5), then tp, predicted and target sums;
  confusion matrix of [8,21,256,256] logits + int64 targets:
    - argmax_bincount: logits.argmax(1), then bincount(target * C + pred, minlength=C*C);
    - max_bincount: the same with logits.max(1).indices (faster on this build);
  bandwidth: torch sum of 256 MiB float32 (read) and a 256 MiB clone (read + write), in GB/s.

Run with Debian's interpreter: /usr/bin/python3 bench/peers/torch_metrics.py [--threads N]
"as installed" = default threads; "tuned" = --threads 2 (see PEERS.md; the caller may also set
MALLOC_MMAP_THRESHOLD_ / MALLOC_TRIM_THRESHOLD_).
"""
import argparse
import json
import statistics
import time

import torch


def timed(fn, reps, warm=3):
    for _ in range(warm):
        fn()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return statistics.median(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps the default")
    ap.add_argument("--reps", type=int, default=15)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    torch.set_grad_enabled(False)
    res = {"torch": torch.__version__, "threads": torch.get_num_threads()}

    x = torch.randn(16, 1, 512, 512)
    gt = (torch.rand(16, 1, 512, 512) > 0.9).to(torch.uint8)
    eps = 1e-7

    def smp_legacy():
        out = []
        for metric in ("iou", "fscore", "accuracy", "precision", "recall"):
            pr = (torch.sigmoid(x) > 0.5).float()   # each metric: activation, then _threshold
            if metric == "accuracy":
                out.append((gt == pr).sum(dtype=pr.dtype) / gt.numel())
                continue
            tp = torch.sum(gt * pr)
            if metric == "iou":
                out.append((tp + eps) / (torch.sum(gt) + torch.sum(pr) - tp + eps))
            elif metric == "fscore":
                fp, fn = torch.sum(pr) - tp, torch.sum(gt) - tp
                out.append((2 * tp + eps) / (2 * tp + fn + fp + eps))
            elif metric == "precision":
                out.append((tp + eps) / (torch.sum(pr) + eps))
            else:
                out.append((tp + eps) / (torch.sum(gt) + eps))
        return [float(v) for v in out]

    def lean():
        p = x > 0
        t = gt.bool()
        return int((p & t).sum()), int(p.sum()), int(t.sum())

    res["binary_smp_legacy_ms"] = timed(smp_legacy, a.reps)
    res["binary_lean_ms"] = timed(lean, a.reps)
    del x, gt

    c = 21
    lg = torch.randn(8, c, 256, 256)
    y = torch.randint(0, c, (8, 256, 256), dtype=torch.int64)

    def argmax_bincount():
        pred = lg.argmax(1)
        return torch.bincount((y * c + pred).view(-1), minlength=c * c).view(c, c)

    def max_bincount():
        pred = lg.max(1).indices
        return torch.bincount((y * c + pred).view(-1), minlength=c * c).view(c, c)

    assert torch.equal(argmax_bincount(), max_bincount())
    res["confusion_argmax_bincount_ms"] = timed(argmax_bincount, a.reps)
    res["confusion_max_bincount_ms"] = timed(max_bincount, a.reps)
    del lg, y

    big = torch.rand(64 << 20)
    nbytes = big.numel() * 4
    res["sum_256MiB_GBps"] = nbytes / timed(lambda: big.sum(), a.reps) / 1e6
    res["clone_256MiB_GBps"] = 2 * nbytes / timed(lambda: big.clone(), a.reps) / 1e6
    print(json.dumps(res))


if __name__ == "__main__":
    main()
