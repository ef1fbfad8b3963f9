"""Reference values for smp's legacy scores without a threshold (soft scores on probabilities):
src-test/src/test/resources/metrics/legacy_soft.json.

Run with Debian's interpreter (torch 1.13, numpy 1.24):
    /usr/bin/python3 refs/metrics/legacy_soft_refs.py

segmentation_models_pytorch is not installed here, so its legacy utils/functional.py (0.3.x,
unchanged since 0.1) is written out again from the published source, in float64:
    iou       = (sum(gt*pr) + eps) / (sum(gt) + sum(pr) - sum(gt*pr) + eps)
    f_score   = ((1+b^2) tp + eps) / ((1+b^2) tp + b^2 fn + fp + eps), tp = sum(gt*pr),
                fp = sum(pr) - tp, fn = sum(gt) - tp
    precision = (tp + eps) / (tp + fp + eps), recall = (tp + eps) / (tp + fn + eps)
    accuracy  = sum(gt == pr) / numel
with threshold=None (no thresholding) and ignore_channels removed first (_take_channels). smp
sums in the input's float32; this script (and jgrad) sum in float64. The "sigmoid" case takes
torch's float32 sigmoid, as smp's Activation("sigmoid") on a float32 tensor.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src-test", "src", "test", "resources", "metrics")
rng = np.random.default_rng(20261207)


def num(x):
    return "NaN" if np.isnan(x) else float(x)


def scores(pr, gt, eps, beta):
    pr, gt = pr.double(), gt.double()
    tp = torch.sum(gt * pr)
    fp = torch.sum(pr) - tp
    fn = torch.sum(gt) - tp
    b2 = beta ** 2
    return {
        "IOU": num((tp + eps) / (torch.sum(gt) + torch.sum(pr) - tp + eps)),
        "FSCORE": num(((1 + b2) * tp + eps) / ((1 + b2) * tp + b2 * fn + fp + eps)),
        "PRECISION": num((tp + eps) / (tp + fp + eps)),
        "RECALL": num((tp + eps) / (tp + fn + eps)),
        "ACCURACY": num(torch.sum(gt == pr, dtype=torch.float64) / gt.numel()),
    }


def case(name, x, gt, activation, ignore_channels=()):
    x32 = torch.from_numpy(x.astype(np.float32))
    gt32 = torch.from_numpy(gt.astype(np.float32))
    pr = torch.sigmoid(x32) if activation == "SIGMOID" else x32
    keep = torch.tensor([c for c in range(x.shape[1]) if c not in ignore_channels])
    pr, g = torch.index_select(pr, 1, keep), torch.index_select(gt32, 1, keep)
    out = []
    for eps in (1e-7, 1.0, 0.0):
        for beta in (1.0, 0.5, 2.0):
            out.append({"eps": eps, "beta": beta, "values": scores(pr, g, eps, beta)})
    return {"name": name, "shape": list(x.shape), "preds": [float(v) for v in x.astype(np.float32).ravel()],
            "targets": [float(v) for v in gt.astype(np.float32).ravel()], "activation": activation,
            "ignoreChannels": list(ignore_channels), "scores": out}


def main():
    cases = []
    p = rng.random((2, 3, 4, 5))
    g = (rng.random((2, 3, 4, 5)) < 0.4).astype(np.float64)
    p[0, 0, 0, :3] = g[0, 0, 0, :3]  # a few exact matches for accuracy
    cases.append(case("probabilities", p, g, "NONE"))
    cases.append(case("probabilities_ignore_channel", p, g, "NONE", ignore_channels=(1,)))
    cases.append(case("soft_targets", rng.random((3, 2, 6)), rng.random((3, 2, 6)), "NONE"))
    cases.append(case("logits", rng.normal(0, 2, (2, 2, 5, 5)), (rng.random((2, 2, 5, 5)) < 0.5).astype(np.float64), "SIGMOID"))
    z = np.zeros((1, 1, 4))
    cases.append(case("all_zero", z, z, "NONE"))  # 0/0 without eps is NaN (json: NaN), with eps 1
    with open(os.path.join(OUT, "legacy_soft.json"), "w") as fh:
        json.dump({"cases": cases}, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
