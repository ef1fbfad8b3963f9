"""PyTorch CPU peer for bench/.../metrics/RankingBench: torchmetrics' exact AUROC / average precision.

torchmetrics is not installed here; this is its algorithm (torchmetrics 1.9,
functional/classification/precision_recall_curve.py _binary_clf_curve, roc.py, auroc.py,
average_precision.py) written out with the same tensor ops: argsort descending, gather, the
indices where the sorted scores change, cumsum of the targets, then fpr/tpr and torch.trapz for
AUROC, precision/recall and the step sum for AP; multiclass one-vs-rest loops over the classes as
torchmetrics does. Binned: torchmetrics' threshold loop (_binary_precision_recall_curve_update_loop,
used above 50 000 samples), 100 thresholds, then trapz. Validation and the sigmoid check are left
out (they would only add time to the peer).

Median of repetitions after warm-up, milliseconds, printed as JSON.
Run: /usr/bin/python3 bench/peers/torch_ranking.py [--threads N]
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def timed(fn, reps, warm=2):
    for _ in range(warm):
        fn()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1e3)
    return statistics.median(out)


def clf_curve(preds, target, pos_label=1):
    idx = torch.argsort(preds, descending=True)
    preds, target = preds[idx], target[idx]
    distinct = torch.where(preds[1:] - preds[:-1])[0]
    thr_idx = F.pad(distinct, [0, 1], value=target.size(0) - 1)
    target = (target == pos_label).to(torch.long)
    tps = torch.cumsum(target, dim=0)[thr_idx]
    fps = 1 + thr_idx - tps
    return fps, tps, preds[thr_idx]


def auroc(preds, target, pos_label=1):
    fps, tps, _ = clf_curve(preds, target, pos_label)
    tps = torch.cat([torch.zeros(1, dtype=tps.dtype), tps])
    fps = torch.cat([torch.zeros(1, dtype=fps.dtype), fps])
    fpr = fps / fps[-1] if fps[-1] > 0 else torch.zeros_like(fps, dtype=torch.float)
    tpr = tps / tps[-1] if tps[-1] > 0 else torch.zeros_like(tps, dtype=torch.float)
    return torch.trapz(tpr, fpr)


def average_precision(preds, target, pos_label=1):
    fps, tps, _ = clf_curve(preds, target, pos_label)
    precision = tps / (tps + fps)
    recall = tps / tps[-1]
    precision = torch.cat([precision.flip(0), torch.ones(1)])
    recall = torch.cat([recall.flip(0), torch.zeros(1)])
    precision = torch.where(torch.isnan(precision), torch.zeros_like(precision), precision)
    recall = torch.where(torch.isnan(recall), torch.zeros_like(recall), recall)
    return -torch.sum((recall[1:] - recall[:-1]) * precision[:-1])


def multiclass(fn, preds, target):
    res = torch.stack([fn(preds[:, i], target, pos_label=i) for i in range(preds.shape[1])])
    return res[~torch.isnan(res)].mean()


def binned_auroc(preds, target, thresholds):
    target = target == 1
    confmat = thresholds.new_empty((len(thresholds), 2, 2), dtype=torch.int64)
    for i in range(len(thresholds)):
        p = preds >= thresholds[i]
        confmat[i, 1, 1] = (target & p).sum()
        confmat[i, 0, 1] = ((~target) & p).sum()
        confmat[i, 1, 0] = (target & (~p)).sum()
    confmat[:, 0, 0] = len(p) - confmat[:, 0, 1] - confmat[:, 1, 0] - confmat[:, 1, 1]
    tps, fps, fns, tns = confmat[:, 1, 1], confmat[:, 0, 1], confmat[:, 1, 0], confmat[:, 0, 0]
    tpr = (tps / (tps + fns)).flip(0)
    fpr = (fps / (fps + tns)).flip(0)
    return torch.trapz(tpr, fpr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0 keeps the default")
    ap.add_argument("--reps", type=int, default=7)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(5)
    torch.set_grad_enabled(False)
    s = torch.rand(1_000_000)
    y = (torch.rand(1_000_000) < 0.3).long()
    p = torch.rand(100_000, 10)
    lab = (torch.rand(100_000) * 10).long()
    thr = torch.linspace(0, 1, 100)
    res = {"torch": torch.__version__, "threads": torch.get_num_threads(),
           "binaryAuroc1e6": timed(lambda: auroc(s, y), a.reps),
           "binaryAp1e6": timed(lambda: average_precision(s, y), a.reps),
           "multiclassAuroc10x1e5": timed(lambda: multiclass(auroc, p, lab), a.reps),
           "multiclassAp10x1e5": timed(lambda: multiclass(average_precision, p, lab), a.reps),
           "binnedAuroc1e6x100": timed(lambda: binned_auroc(s, y, thr), a.reps)}
    print(json.dumps(res))


if __name__ == "__main__":
    main()
