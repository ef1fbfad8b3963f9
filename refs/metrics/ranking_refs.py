"""Reference values for binary AUROC and average precision (src-test/src/test/resources/metrics/ranking.json).

Run with Debian's interpreter (scikit-learn 1.2, numpy 1.24):
    /usr/bin/python3 refs/metrics/ranking_refs.py

torchmetrics is not installed here. Its exact binary_auroc and binary_average_precision
(thresholds=None; torchmetrics 1.x, _binary_clf_curve: one threshold per distinct score, ties
grouped) agree with scikit-learn's roc_auc_score and average_precision_score whenever both
classes occur, so those compute the expected values; the cases draw scores from a few values so
that ties are common. The edge cases with one class absent follow torchmetrics (AUROC 0, AP NaN)
and are checked by hand in the Java test, not here.
"""
import json
import os

import numpy as np
from sklearn import metrics as skm

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "src-test", "src", "test", "resources", "metrics")
rng = np.random.default_rng(20261208)


def case(name, s, y):
    s = s.astype(np.float32)
    return {"name": name, "scores": [float(v) for v in s], "targets": [int(v) for v in y],
            "auroc": float(skm.roc_auc_score(y, s)), "ap": float(skm.average_precision_score(y, s))}


def main():
    cases = []
    y = rng.integers(0, 2, 300)
    cases.append(case("continuous", rng.random(300) * 0.5 + 0.3 * y, y))
    y = rng.integers(0, 2, 2500)  # more than one block of 1024
    cases.append(case("ties_many_blocks", np.round(rng.random(2500) + 0.4 * y, 1), y))
    y = (rng.random(50) < 0.2).astype(int)
    cases.append(case("few_values_rare_positive", rng.integers(0, 3, 50) / 2.0, y))
    cases.append(case("all_tied", np.full(10, 0.5), np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0])))
    with open(os.path.join(OUT, "ranking.json"), "w") as fh:
        json.dump({"cases": cases}, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
