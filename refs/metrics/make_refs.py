"""Reference values for the metrics tests (src-test/src/test/resources/metrics/*.json).

Run with Debian's interpreter (torch 1.13, scikit-learn 1.2, numpy 1.24):
    /usr/bin/python3 refs/metrics/make_refs.py

Inputs are drawn here from a seeded generator and stored in the JSON next to the expected
values, so the Java tests feed exactly these numbers to jgrad.

- binary_*.json: tp/fp/fn/tn for every grouping, computed with PyTorch in float64 from the
  definition (sigmoid, then compared with the threshold rounded to float32, both strictly
  ("counts", smp's legacy utils.metrics and torchmetrics: output > t) and not ("countsGe", smp's
  metrics.get_stats: output >= t); ignore value; ignore_channels removed as smp's
  _take_channels does), then the scores of segmentation_models_pytorch (not installed here)
  written out again from its published formulas: smp 0.3.2 and later (up to 0.3.4),
  metrics/functional.py _compute_metric and the _fbeta/_iou/... functions, on the ">=" counts;
  utils/functional.py for the legacy eps formulas, on the ">" counts. Since 0.3.2, "weighted" is
  sum(s * w / sum(w)); "macro" and "macro-imagewise" (and "weighted-imagewise") with class
  weights are mean(s * w / sum(w)); "micro" replaces no 0/0 (NaN), every other reduction
  replaces it by zero_division.
- binary_at_threshold.json: inputs exactly at the threshold (probabilities equal to float32(t);
  the logit 0 against t = 0.5, where sigmoid is exactly 0.5) and the float32 neighbours of the
  sigmoid cutoff for other thresholds; the decision of each element under ">" and ">=" is
  computed in 60-digit decimal arithmetic (x >= ln(t / (1 - t)) for the exact sigmoid).
- confusion_*.json: scikit-learn's confusion_matrix, accuracy_score, balanced_accuracy_score,
  cohen_kappa_score, precision_recall_fscore_support, fbeta_score and jaccard_score, with
  labels=range(C) (absent classes scored zero_division) and labels=None (absent classes left out).
"""
import json
import os
import warnings

from decimal import Decimal, getcontext

import numpy as np
import torch
from sklearn import metrics as skm

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src-test", "src", "test", "resources", "metrics")
rng = np.random.default_rng(20261126)


def num(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def nums(a):
    return [num(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


# ----------------------------------------------------------------------------- smp formulas

def _fbeta(tp, fp, fn, tn, beta=1.0):
    b2 = beta ** 2
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp)


SMP = {
    "IOU": lambda tp, fp, fn, tn, beta: tp / (tp + fp + fn),
    "FSCORE": lambda tp, fp, fn, tn, beta: _fbeta(tp, fp, fn, tn, beta),
    "ACCURACY": lambda tp, fp, fn, tn, beta: (tp + tn) / (tp + fp + fn + tn),
    "PRECISION": lambda tp, fp, fn, tn, beta: tp / (tp + fp),
    "RECALL": lambda tp, fp, fn, tn, beta: tp / (tp + fn),
    "SPECIFICITY": lambda tp, fp, fn, tn, beta: tn / (tn + fp),
    "BALANCED_ACCURACY": lambda tp, fp, fn, tn, beta: (tp / (tp + fn) + tn / (tn + fp)) / 2,
}


def zero_div(x, zd):
    return torch.where(torch.isnan(x), torch.tensor(zd, dtype=x.dtype), x)


def smp_compute(metric, tp, fp, fn, tn, reduction, zd, beta=1.0, class_weights=None):
    """smp.metrics.functional._compute_metric on [N, C] float64 counts."""
    f = lambda a, b, c, d: SMP[metric](a, b, c, d, beta)
    w = torch.tensor(class_weights if class_weights is not None else 1.0, dtype=torch.float64)
    w = w / w.sum()
    if reduction == "micro":
        return f(tp.sum(), fp.sum(), fn.sum(), tn.sum())  # smp: no zero_division here (0/0 is NaN)
    if reduction == "macro":
        s = zero_div(f(tp.sum(0), fp.sum(0), fn.sum(0), tn.sum(0)), zd)
        return (s * w).mean()
    if reduction == "weighted":
        s = zero_div(f(tp.sum(0), fp.sum(0), fn.sum(0), tn.sum(0)), zd)
        return (s * w).sum()  # smp >= 0.3.2 (0.3.1: .mean())
    if reduction == "micro-imagewise":
        return zero_div(f(tp.sum(1), fp.sum(1), fn.sum(1), tn.sum(1)), zd).mean()
    if reduction in ("macro-imagewise", "weighted-imagewise"):
        s = zero_div(f(tp, fp, fn, tn), zd)
        return (s.mean(0) * w).mean()
    if reduction == "none":
        return zero_div(f(tp, fp, fn, tn), zd)
    raise ValueError(reduction)


def legacy(metric, tp, fp, fn, tn, eps, beta):
    """smp.utils.functional with everything summed."""
    if metric == "IOU":
        return (tp + eps) / (tp + fp + fn + eps)
    if metric == "FSCORE":
        b2 = beta ** 2
        return ((1 + b2) * tp + eps) / ((1 + b2) * tp + b2 * fn + fp + eps)
    if metric == "ACCURACY":
        return (tp + tn) / (tp + fp + fn + tn)
    if metric == "PRECISION":
        return (tp + eps) / (tp + fp + eps)
    if metric == "RECALL":
        return (tp + eps) / (tp + fn + eps)
    raise ValueError(metric)


# ----------------------------------------------------------------------------- binary cases

def counts_of(p, t, ignore_value, ignore_channels):
    valid = torch.ones_like(t, dtype=torch.bool) if ignore_value is None else t != ignore_value
    pos = (t != 0) & valid
    c = t.shape[1]
    keep = [k for k in range(c) if k not in ignore_channels]
    idx = torch.tensor(keep)
    p, pos, valid = (torch.index_select(a, 1, idx) for a in (p, pos, valid))
    n = t.shape[0]
    p, pos, valid = (a.reshape(n, len(keep), -1) for a in (p, pos, valid))
    tp = (p & pos).sum(2).double()
    fp = (p & ~pos & valid).sum(2).double()
    fn = (~p & pos).sum(2).double()
    tn = (~p & ~pos & valid).sum(2).double()
    return tp, fp, fn, tn


def grouped(tp, fp, fn, tn):
    def rows(a, b, cc, d):
        return [[int(v) for v in r] for r in torch.stack([a, b, cc, d], -1).reshape(-1, 4).long().tolist()]

    groups = {
        "PER_IMAGE_CHANNEL": rows(tp, fp, fn, tn),
        "PER_IMAGE": rows(tp.sum(1), fp.sum(1), fn.sum(1), tn.sum(1)),
        "PER_CHANNEL": rows(tp.sum(0), fp.sum(0), fn.sum(0), tn.sum(0)),
        "WHOLE": rows(tp.sum().reshape(1), fp.sum().reshape(1), fn.sum().reshape(1), tn.sum().reshape(1)),
    }
    return groups


def binary_case(name, preds, targets, activation, threshold, ignore_value=None, ignore_channels=(), decisions=None):
    x = torch.from_numpy(preds.astype(np.float32)).double()
    t = torch.from_numpy(targets.astype(np.int64))
    thr32 = float(np.float32(threshold))
    prob = torch.sigmoid(x) if activation == "SIGMOID" else x
    gt, ge = (prob > thr32, prob >= thr32) if decisions is None else decisions
    tp, fp, fn, tn = counts_of(gt, t, ignore_value, ignore_channels)
    groups = grouped(tp, fp, fn, tn)
    tpg, fpg, fng, tng = counts_of(ge, t, ignore_value, ignore_channels)
    groups_ge = grouped(tpg, fpg, fng, tng)
    n = x.shape[0]
    keep = [k for k in range(x.shape[1]) if k not in ignore_channels]
    weights = [float(v) for v in rng.uniform(0.5, 2.0, size=len(keep))]
    smp = []
    for zd in (1.0, 0.0, float("nan")):
        for metric in SMP:
            for beta in ((1.0, 2.0) if metric == "FSCORE" else (1.0,)):
                for red, cw in (("micro", None), ("macro", None), ("macro", weights), ("weighted", weights),
                                ("micro-imagewise", None), ("macro-imagewise", None), ("macro-imagewise", weights),
                                ("weighted-imagewise", weights), ("none", None)):
                    v = smp_compute(metric, tpg, fpg, fng, tng, red, zd, beta, cw)
                    smp.append({"metric": metric, "reduction": red.upper().replace("-", "_"), "zeroDivision": num(zd), "beta": beta,
                                "classWeights": cw, "values": nums(v.reshape(-1))})
    leg = []
    for eps in (1e-7, 1.0, 0.0):
        for metric in ("IOU", "FSCORE", "ACCURACY", "PRECISION", "RECALL"):
            for beta in ((1.0, 0.5) if metric == "FSCORE" else (1.0,)):
                v = legacy(metric, tp.sum(), fp.sum(), fn.sum(), tn.sum(), eps, beta)
                leg.append({"metric": metric, "eps": eps, "beta": beta, "value": num(v)})
    doc = {"shape": list(preds.shape), "preds": nums(preds), "targets": ints(targets), "activation": activation,
           "threshold": threshold, "ignoreValue": ignore_value, "ignoreChannels": list(ignore_channels),
           "images": n, "classes": len(keep), "counts": groups, "countsGe": groups_ge, "smp": smp, "legacy": leg}
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))


def make_binary():
    # logits with sigmoid, whole images, nothing ignored
    binary_case("binary_logits", rng.normal(0, 2, (3, 2, 5, 7)), rng.integers(0, 2, (3, 2, 5, 7)), "SIGMOID", 0.5)
    # probabilities, threshold 0.3, an ignore value and an ignored channel
    t = rng.integers(0, 2, (4, 3, 4, 5))
    t[rng.random(t.shape) < 0.15] = 255
    binary_case("binary_probs_ignore", rng.random((4, 3, 4, 5)), t, "NONE", 0.3, ignore_value=255, ignore_channels=(1,))
    # empty and full masks: channel 2 never predicted and never true (0/0 everywhere),
    # image 1 channel 0 all true and all predicted; exercises zero_division and eps
    x = rng.normal(0, 2, (2, 3, 3, 3))
    t = rng.integers(0, 2, (2, 3, 3, 3))
    x[:, 2] = -30.0
    t[:, 2] = 0
    x[1, 0] = 30.0
    t[1, 0] = 1
    binary_case("binary_empty_full", x, t, "SIGMOID", 0.7)


def f32_next(v, direction):
    return float(np.nextafter(np.float32(v), np.float32(direction)))


def exact_decisions(x, activation, threshold):
    """(x > t, x >= t) per element for the exact sigmoid, in 60-digit decimal arithmetic."""
    getcontext().prec = 60
    t = Decimal(float(np.float32(threshold)))
    gt, ge = [], []
    for v in x.ravel():
        v = Decimal(float(v))
        if activation == "SIGMOID":
            cut = (t / (1 - t)).ln()  # sigmoid(x) >= t  <=>  x >= ln(t / (1 - t)), 0 < t < 1
        else:
            cut = t
        gt.append(v > cut)
        ge.append(v >= cut)
    shape = x.shape
    return torch.tensor(gt).reshape(shape), torch.tensor(ge).reshape(shape)


def at_threshold_case(name, values, activation, threshold):
    values = np.asarray(values, dtype=np.float32)
    shape = (2, 2, len(values))
    x = np.stack([values, values[::-1], np.roll(values, 1), np.roll(values, 2)]).reshape(shape)
    t = (np.arange(x.size).reshape(shape) % 3 == 0).astype(np.int64)
    binary_case(name, x, t, activation, threshold, decisions=exact_decisions(x, activation, threshold))


def make_at_threshold():
    t = float(np.float32(0.3))
    at_threshold_case("binary_at_threshold_probs", [t, t, f32_next(t, 1), f32_next(t, 0), 0.0, 1.0, t, 0.5], "NONE", 0.3)
    at_threshold_case("binary_at_threshold_logit_half",
                      [0.0, -0.0, 0.0, f32_next(0, 1), f32_next(0, -1), 1e-30, -1e-30, 2.0], "SIGMOID", 0.5)
    getcontext().prec = 60
    t7 = Decimal(float(np.float32(0.7)))
    cut = float((t7 / (1 - t7)).ln())  # the double nearest the exact logit
    c = float(np.float32(cut))
    near = [c, f32_next(c, 1), f32_next(c, -1), f32_next(f32_next(c, 1), 1), f32_next(f32_next(c, -1), -1), c, 0.0, 5.0]
    at_threshold_case("binary_at_threshold_logit_07", near, "SIGMOID", 0.7)


# ----------------------------------------------------------------------------- confusion cases

def sk_scores(y_true, y_pred, c):
    out = {}
    labels = list(range(c))
    out["matrix"] = ints(skm.confusion_matrix(y_true, y_pred, labels=labels))
    for norm in ("true", "pred", "all"):
        out["matrix_" + norm] = nums(np.nan_to_num(skm.confusion_matrix(y_true, y_pred, labels=labels, normalize=norm)))
    out["accuracy"] = num(skm.accuracy_score(y_true, y_pred))
    out["balanced_accuracy"] = num(skm.balanced_accuracy_score(y_true, y_pred))
    out["kappa"] = num(skm.cohen_kappa_score(y_true, y_pred))
    for zd in (0, 1):
        for avg in (None, "micro", "macro", "weighted"):
            key = f"{avg or 'none'}_zd{zd}"
            p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg, zero_division=zd)
            out["precision_" + key], out["recall_" + key], out["f1_" + key] = nums(p), nums(r), nums(f)
            out["f2_" + key] = nums(skm.fbeta_score(y_true, y_pred, beta=2, labels=labels, average=avg, zero_division=zd))
            out["iou_" + key] = nums(skm.jaccard_score(y_true, y_pred, labels=labels, average=avg, zero_division=zd))
        # labels=None: scikit-learn scores only the classes present in targets or predictions
        p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=zd)
        out[f"precision_present_zd{zd}"], out[f"recall_present_zd{zd}"], out[f"f1_present_zd{zd}"] = nums(p), nums(r), nums(f)
        out[f"iou_present_zd{zd}"] = nums(skm.jaccard_score(y_true, y_pred, average="macro", zero_division=zd))
    # scores added later; none draws from rng, so the inputs above stay as they were
    out["balanced_accuracy_adjusted"] = num(skm.balanced_accuracy_score(y_true, y_pred, adjusted=True))
    out["mcc"] = num(skm.matthews_corrcoef(y_true, y_pred))
    for w in ("linear", "quadratic"):
        out["kappa_" + w] = num(skm.cohen_kappa_score(y_true, y_pred, labels=labels, weights=w))
    # specificity as imbalanced-learn's specificity_score (not installed): tn / (tn + fp) per class from
    # scikit-learn's multilabel_confusion_matrix, in float64; micro pools tn and fp, weighted uses the support
    mcm = skm.multilabel_confusion_matrix(y_true, y_pred, labels=labels).astype(np.float64)
    tn, fp, support = mcm[:, 0, 0], mcm[:, 0, 1], mcm[:, 1, 0] + mcm[:, 1, 1]
    for zd in (0, 1):
        spec = np.array([t / (t + f) if t + f > 0 else zd for t, f in zip(tn, fp)])
        out[f"specificity_none_zd{zd}"] = nums(spec)
        out[f"specificity_micro_zd{zd}"] = num(tn.sum() / (tn.sum() + fp.sum()) if tn.sum() + fp.sum() > 0 else zd)
        out[f"specificity_macro_zd{zd}"] = num(spec.mean())
        out[f"specificity_weighted_zd{zd}"] = num((spec * support).sum() / support.sum() if support.sum() > 0 else zd)
        for beta, key in ((0.5, "f05"), (3.0, "f3")):
            for avg in (None, "micro", "macro", "weighted"):
                out[f"{key}_{avg or 'none'}_zd{zd}"] = nums(skm.fbeta_score(y_true, y_pred, beta=beta, labels=labels, average=avg, zero_division=zd))
        out[f"report_text_zd{zd}"] = skm.classification_report(y_true, y_pred, labels=labels, zero_division=zd)
        out[f"report_text_present_zd{zd}"] = skm.classification_report(y_true, y_pred, zero_division=zd)
        out[f"report_dict_zd{zd}"] = skm.classification_report(y_true, y_pred, labels=labels, zero_division=zd, output_dict=True)
    out["report_text_digits4_names"] = skm.classification_report(y_true, y_pred, labels=labels, digits=4, zero_division=0,
                                                                 target_names=[f"class {k}" for k in labels])
    return out


def confusion_logits_case(name, logits, targets, c, ignore):
    lg = logits.astype(np.float32)
    pred = np.argmax(lg, axis=1)  # numpy: first maximum; the first NaN counts as the maximum
    keep = targets != ignore if ignore is not None else np.ones_like(targets, dtype=bool)
    y_true, y_pred = targets[keep].ravel(), pred[keep].ravel()
    doc = {"kind": "logits", "shape": list(lg.shape), "logits": nums(lg), "targetShape": list(targets.shape),
           "targets": ints(targets), "classes": c, "ignoreIndex": ignore}
    doc.update(sk_scores(y_true, y_pred, c))
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))


def confusion_labels_case(name, preds, targets, c, ignore):
    keep = targets != ignore if ignore is not None else np.ones_like(targets, dtype=bool)
    doc = {"kind": "labels", "shape": list(preds.shape), "preds": ints(preds), "targets": ints(targets), "classes": c, "ignoreIndex": ignore}
    doc.update(sk_scores(targets[keep].ravel(), preds[keep].ravel(), c))
    with open(os.path.join(OUT, name + ".json"), "w") as fh:
        json.dump(doc, fh, separators=(",", ":"))


def make_confusion():
    # segmentation logits, 5 classes, class 3 absent from targets and never predicted, ignore 255
    lg = rng.normal(0, 1, (2, 5, 6, 7))
    lg[:, 3] = -10.0
    t = rng.choice([0, 1, 2, 4], size=(2, 6, 7), p=[0.6, 0.2, 0.15, 0.05])
    t[rng.random(t.shape) < 0.1] = 255
    confusion_logits_case("confusion_seg_absent", lg, t, 5, 255)
    # classification [N, C] with ties (small integers) and two NaN rows
    lg = rng.integers(-2, 3, (40, 4)).astype(np.float64)
    lg[5, 2] = np.nan
    lg[17, 0] = np.nan
    lg[17, 3] = np.nan
    confusion_logits_case("confusion_ties_nan", lg, rng.integers(0, 4, 40), 4, None)
    # label tensors: class 2 is predicted but never true (balanced accuracy drops it, precision 0)
    t = rng.choice([0, 1, 3], size=(3, 11))
    p = rng.integers(0, 4, (3, 11))
    confusion_labels_case("confusion_labels", p, t, 4, None)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    make_binary()
    make_confusion()
    make_at_threshold()
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)), "bytes")
