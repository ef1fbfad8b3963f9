"""Reference values for the ranking metrics (src-test/src/test/resources/metrics/ranking_metrics.json).

Run with Debian's interpreter (scikit-learn 1.2, numpy 1.24):
    /usr/bin/python3 refs/metrics/ranking_metrics_refs.py

Inputs are drawn here from a seeded generator, rounded to float32 and stored with the expected
values, so the Java tests feed exactly these numbers to jgrad.

Where torchmetrics and scikit-learn agree, scikit-learn computes the expectation:
roc_auc_score (binary, and multi_class="ovr" with average macro/weighted), average_precision_score,
roc_curve(drop_intermediate=False), precision_recall_curve, top_k_accuracy_score.

torchmetrics is not installed here. Where its conventions differ from scikit-learn, this script
re-implements them in float64 from torchmetrics 1.9's source (functional/classification/auroc.py,
average_precision.py, roc.py, precision_recall_curve.py, accuracy.py, stat_scores.py; the
absent-class rules have been in place since torchmetrics 1.4):
- a class (or label) without positive targets, or without negative ones, has AUROC 0 (its rate
  with a zero denominator is set to 0);
- average precision without positives is 0 for a binary problem or a multilabel label (recall is
  set to 1) and NaN for a multiclass class (recall 0/0), and NaN classes are left out of the
  macro and weighted averages;
- weighted averages weigh by the number of positive targets;
- binned mode counts preds >= threshold per threshold into tp/fp/fn/tn, AUROC is the trapezoidal
  area through the T points (fpr, tpr) with 0/0 rates set to 0 (no extra (0, 0) point), AP is
  sum_j (R_j - R_{j+1}) P_j with R_T = 0 and NaN precision or recall read as 0;
- MulticlassAccuracy(top_k=k): per class tp/(tp+fn) of top-k hits; macro over the classes with
  tp+fp+fn > 0 (k = 1) or tp+fn > 0 (k > 1); for k = 1 the prediction is the first maximum
  (torch.argmax); for k > 1 ties at the k-th score follow scikit-learn's rule (higher class index
  first), which top_k_accuracy_score confirms for the micro value.
"""
import json
import os
import warnings

import numpy as np
from sklearn import metrics as skm
from sklearn.preprocessing import label_binarize

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src-test", "src", "test", "resources", "metrics")
rng = np.random.default_rng(20261207)
f32 = np.float32


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


# ----------------------------------------------------------------------------- exact, per class (torchmetrics rules)

def tm_auroc(y, s):
    """torchmetrics' exact binary AUROC: 0 without positives or without negatives, else the trapezoidal area."""
    if y.sum() == 0 or (1 - y).sum() == 0:
        return 0.0
    return skm.roc_auc_score(y, s)


def tm_ap(y, s, no_pos):
    if y.sum() == 0:
        return no_pos
    return skm.average_precision_score(y, s)


def tm_reduce(per, weights, average):
    per = np.asarray(per, dtype=np.float64)
    if average == "none":
        return float("nan")
    ok = ~np.isnan(per)
    if average == "macro":
        return per[ok].mean() if ok.any() else float("nan")
    w = np.asarray(weights, dtype=np.float64)[ok]
    w = w / w.sum() if w.sum() != 0 else np.zeros_like(w)
    return float((per[ok] * w).sum())


def binary_case(name, s, y):
    s = np.asarray(s, dtype=f32)
    y = np.asarray(y)
    fpr, tpr, thr = skm.roc_curve(y, s, drop_intermediate=False)
    prec, rec, pthr = skm.precision_recall_curve(y, s)
    return {"name": name, "scores": nums(s), "targets": ints(y),
            "auroc": num(tm_auroc(y, s)), "ap": num(tm_ap(y, s, 0.0)),
            "sklearnAuroc": num(skm.roc_auc_score(y, s)), "sklearnAp": num(skm.average_precision_score(y, s)),
            "fpr": nums(fpr), "tpr": nums(tpr), "rocThresholdsAfterFirst": nums(thr[1:]),
            "precision": nums(prec), "recall": nums(rec), "prThresholds": nums(pthr)}


def multiclass_case(name, p, y, ignore=None):
    p = np.asarray(p, dtype=f32)
    n, c = p.shape
    keep = np.ones(n, bool) if ignore is None else (y != ignore)
    pk, yk = p[keep], y[keep]
    au = [tm_auroc((yk == k).astype(int), pk[:, k]) for k in range(c)]
    ap = [tm_ap((yk == k).astype(int), pk[:, k], float("nan")) for k in range(c)]
    w = [int((yk == k).sum()) for k in range(c)]
    out = {"name": name, "numClasses": c, "preds": nums(p), "targets": ints(y), "ignoreIndex": ignore,
           "aurocNone": nums(au), "apNone": nums(ap)}
    for a in ("macro", "weighted"):
        out["auroc_" + a] = num(tm_reduce(au, w, a))
        out["ap_" + a] = num(tm_reduce(ap, w, a))
    if all(0 < wk < len(yk) for wk in w):  # every class present: scikit-learn's one-vs-rest agrees
        out["sklearn_auroc_macro"] = num(skm.roc_auc_score(yk, pk, multi_class="ovr", average="macro", labels=list(range(c))))
        out["sklearn_auroc_weighted"] = num(skm.roc_auc_score(yk, pk, multi_class="ovr", average="weighted", labels=list(range(c))))
        onehot = label_binarize(yk, classes=list(range(c)))
        out["sklearn_ap_none"] = nums(skm.average_precision_score(onehot, pk, average=None))
    return out


def multilabel_case(name, p, y, ignore=None):
    p = np.asarray(p, dtype=f32)
    n, c = p.shape
    au, ap, w = [], [], []
    for k in range(c):
        keep = np.ones(n, bool) if ignore is None else (y[:, k] != ignore)
        yk, sk = y[keep, k], p[keep, k]
        au.append(tm_auroc(yk, sk))
        ap.append(tm_ap(yk, sk, 0.0))
        w.append(int((yk == 1).sum()))
    keep = np.ones(y.shape, bool) if ignore is None else (y != ignore)
    out = {"name": name, "numClasses": c, "preds": nums(p), "targets": ints(y), "ignoreIndex": ignore,
           "aurocNone": nums(au), "apNone": nums(ap),
           "auroc_micro": num(tm_auroc(y[keep], p[keep])), "ap_micro": num(tm_ap(y[keep], p[keep], 0.0))}
    for a in ("macro", "weighted"):
        out["auroc_" + a] = num(tm_reduce(au, w, a))
        out["ap_" + a] = num(tm_reduce(ap, w, a))
    return out


# ----------------------------------------------------------------------------- binned (torchmetrics rules, float64)

def binned_table(s, y, thr):
    """[T, 4] tp, fp, fn, tn of preds >= t for 1-d float32 scores and 0/1 targets."""
    rows = []
    for t in thr:
        pp = s >= t
        tp = int((pp & (y == 1)).sum()); fp = int((pp & (y == 0)).sum())
        fn = int((~pp & (y == 1)).sum()); tn = int((~pp & (y == 0)).sum())
        rows.append((tp, fp, fn, tn))
    return np.array(rows, dtype=np.float64)


def sdiv(a, b):
    return np.where(b != 0, a / np.where(b == 0, 1, b), 0.0)


def binned_scores(tab):
    tp, fp, fn, tn = tab.T
    tpr, fpr = sdiv(tp, tp + fn), sdiv(fp, fp + tn)
    au = float(np.sum((fpr[:-1] - fpr[1:]) * (tpr[:-1] + tpr[1:]) / 2))
    prec, rec = sdiv(tp, tp + fp), sdiv(tp, tp + fn)
    rnext = np.append(rec[1:], 0.0)
    ap = float(np.sum((rec - rnext) * prec))
    return au, ap, int(tp[0] + fn[0])


def binned_curves(tab):
    tp, fp, fn, tn = tab.T
    with np.errstate(invalid="ignore", divide="ignore"):
        prec = np.append(tp / (tp + fp), 1.0)
        rec = np.append(tp / (tp + fn), 0.0)
    return {"rocFpr": nums(sdiv(fp, fp + tn)[::-1]), "rocTpr": nums(sdiv(tp, tp + fn)[::-1]),
            "prPrecision": nums(prec), "prRecall": nums(rec)}


def binned_case(name, task, p, y, thr, ignore=None):
    p = np.asarray(p, dtype=f32)
    thr = np.asarray(thr, dtype=f32)
    out = {"name": name, "task": task, "preds": nums(p), "targets": ints(y), "thresholds": nums(thr), "ignoreIndex": ignore}
    if task == "binary":
        keep = np.ones(len(y), bool) if ignore is None else y != ignore
        tab = binned_table(p[keep], y[keep], thr)
        au, ap, _ = binned_scores(tab)
        out.update({"auroc": num(au), "ap": num(ap), "table": ints(tab)})
        out.update(binned_curves(tab))
        return out
    n, c = p.shape
    tabs = []
    for k in range(c):
        if task == "multiclass":
            keep = np.ones(n, bool) if ignore is None else y != ignore
            tabs.append(binned_table(p[keep, k], (y[keep] == k).astype(int), thr))
        else:
            keep = np.ones(n, bool) if ignore is None else y[:, k] != ignore
            tabs.append(binned_table(p[keep, k], y[keep, k], thr))
    res = [binned_scores(t) for t in tabs]
    au, ap, w = [r[0] for r in res], [r[1] for r in res], [r[2] for r in res]
    out.update({"numClasses": c, "aurocNone": nums(au), "apNone": nums(ap)})
    for a in ("macro", "weighted"):
        out["auroc_" + a] = num(tm_reduce(au, w, a))
        out["ap_" + a] = num(tm_reduce(ap, w, a))
    if task == "multilabel":
        mic = binned_scores(sum(tabs))
        out["auroc_micro"], out["ap_micro"] = num(mic[0]), num(mic[1])
    return out


# ----------------------------------------------------------------------------- top-k accuracy

def topk_case(name, p, y, k, ignore=None):
    p = np.asarray(p, dtype=f32)
    n, c = p.shape
    keep = np.ones(n, bool) if ignore is None else y != ignore
    pk, yk = p[keep], y[keep]
    top1 = pk.argmax(1)  # first maximum, as torch.argmax
    if k == 1:
        hit = top1 == yk
    else:
        order = np.argsort(pk, axis=1, kind="mergesort")[:, ::-1]  # scikit-learn's tie rule
        hit = (order[:, :k] == yk[:, None]).any(1)
    tp = np.array([np.sum(hit & (yk == j)) for j in range(c)])
    fn = np.array([np.sum(~hit & (yk == j)) for j in range(c)])
    fp = np.array([np.sum(~hit & (top1 == j)) for j in range(c)])
    per = sdiv(tp.astype(float), (tp + fn).astype(float))
    w = ((tp + fp + fn) > 0) if k == 1 else ((tp + fn) > 0)
    macro = float((per * w).sum() / w.sum()) if w.sum() else 0.0
    ww = (tp + fn).astype(float)
    weighted = float((per * ww).sum() / ww.sum()) if ww.sum() else 0.0
    out = {"name": name, "numClasses": c, "k": k, "preds": nums(p), "targets": ints(y), "ignoreIndex": ignore,
           "micro": num(hit.mean()), "macro": num(macro), "weighted": num(weighted), "none": nums(per),
           "tp": ints(tp), "fp": ints(fp), "fn": ints(fn)}
    if k > 1 or not (pk == pk.max(1, keepdims=True)).sum(1).max() > 1:  # scikit-learn picks the last maximum for k = 1
        out["sklearn_micro"] = num(skm.top_k_accuracy_score(yk, pk, k=k, labels=list(range(c))))
    return out


def softmax(z):
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def main():
    bins = []
    y = rng.integers(0, 2, 400)
    bins.append(binary_case("continuous", rng.random(400) * 0.6 + 0.3 * y, y))
    y = rng.integers(0, 2, 3000)
    bins.append(binary_case("ties_rounded", np.round(rng.random(3000) + 0.4 * y, 1) / 1.4, y))
    y = (rng.random(60) < 0.15).astype(int)
    bins.append(binary_case("few_values_rare_positive", rng.integers(0, 3, 60) / 2.0, y))
    bins.append(binary_case("all_tied", np.full(10, 0.5), np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0])))
    y = rng.integers(0, 2, 200)
    bins.append(binary_case("logits_negative_and_signed_zero",
                            np.concatenate([np.round(rng.normal(size=196) + y[:196], 1), [-0.0, 0.0, -0.0, 0.0]]), y))

    mc = []
    c = 5
    y = rng.integers(0, c, 500)
    z = np.round(rng.normal(size=(500, c)) + 1.5 * np.eye(c)[y], 0)  # rounded logits: many ties
    mc.append(multiclass_case("all_present_ties", softmax(z), y))
    y = rng.integers(0, 4, 300)  # class 4 of 5 never occurs
    mc.append(multiclass_case("class_absent", softmax(rng.normal(size=(300, 5)) + np.eye(5)[y]), y))
    y = rng.integers(0, c, 300)
    y[rng.random(300) < 0.1] = -100
    mc.append(multiclass_case("ignore_index", softmax(rng.normal(size=(300, c)) + np.eye(c)[np.where(y < 0, 0, y)]), y, ignore=-100))

    ml = []
    y = (rng.random((400, 4)) < 0.3).astype(int)
    y[:, 2] = 0  # a label without positives
    y[:, 3] = 1  # a label without negatives
    y[:5, 3] = 1
    ml.append(multilabel_case("labels_without_positives_or_negatives", np.round(rng.random((400, 4)) * 0.7 + 0.3 * y, 2), y))
    y = (rng.random((300, 3)) < 0.4).astype(int)
    p = np.round(rng.random((300, 3)) * 0.8 + 0.2 * y, 1)
    y[rng.random((300, 3)) < 0.1] = -1
    ml.append(multilabel_case("ignore_index", p, y, ignore=-1))

    bn = []
    y = rng.integers(0, 2, 500)
    p = np.round(rng.random(500) * 0.7 + 0.3 * y, 2).astype(f32)
    lin = [f32(i / 99) for i in range(100)]
    bn.append(binned_case("binary_100", "binary", p, y, lin))
    bn.append(binned_case("binary_at_prediction_values", "binary", p, y, sorted({f32(v) for v in [0.0, 0.25, p[0], p[1], p[2], 0.5, p[3], 1.0]})))
    bn.append(binned_case("binary_5", "binary", np.array([0, 0.5, 0.7, 0.8], dtype=f32), np.array([0, 1, 1, 0]), [f32(i / 4) for i in range(5)]))
    y = rng.integers(0, 4, 400)
    pm = softmax(rng.normal(size=(400, 5)) + np.eye(5)[y])
    bn.append(binned_case("multiclass_absent_class_20", "multiclass", pm, y, [f32(i / 19) for i in range(20)]))
    y = rng.integers(0, 5, 400)
    y[rng.random(400) < 0.1] = 7
    bn.append(binned_case("multiclass_ignore_11", "multiclass", pm, y, [f32(i / 10) for i in range(11)], ignore=7))
    y = (rng.random((300, 3)) < 0.4).astype(int)
    y[:, 1] = 0
    pl = np.round(rng.random((300, 3)), 2)
    y[rng.random((300, 3)) < 0.1] = -1
    bn.append(binned_case("multilabel_ignore_50", "multilabel", pl, y, [f32(i / 49) for i in range(50)], ignore=-1))

    tk = []
    c = 6
    y = rng.integers(0, c, 400)
    z = np.round(rng.normal(size=(400, c)) + np.eye(c)[y], 0).astype(f32)  # integer logits: ties at the k-th score
    for k in (1, 2, 3):
        tk.append(topk_case("ties_k%d" % k, z, y, k))
    y = rng.integers(0, 4, 200)  # classes 4, 5 absent from targets
    z = rng.normal(size=(200, c)).astype(f32)
    for k in (1, 2):
        tk.append(topk_case("absent_k%d" % k, z, y, k))
    y = rng.integers(0, c, 200)
    y[:20] = -1
    tk.append(topk_case("ignore_k2", rng.normal(size=(200, c)), y, 2, ignore=-1))

    with open(os.path.join(OUT, "ranking_metrics.json"), "w") as fh:
        json.dump({"binary": bins, "multiclass": mc, "multilabel": ml, "binned": bn, "topk": tk}, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
