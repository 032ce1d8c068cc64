#!/usr/bin/python3
"""Golden fixtures for SharpGrad.Metrics, computed with scikit-learn (Debian's python3-sklearn).

Run:  /usr/bin/python3 tools/make_metric_fixtures.py   → tests/SharpGrad.Tests/Fixtures/sklearn_metrics.json
Each label case stores y_true / y_pred with accuracy, confusion matrix, per-class P/R/F1/support, every average, and the
classification report text; score cases store ROC AUC, top-k accuracy and log loss.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SharpGrad.Tests", "Fixtures", "sklearn_metrics.json")
rng = np.random.RandomState(0)
warnings.simplefilter("ignore")


def labels_case(name, y_true, y_pred, report_labels=None):
    y_true, y_pred = list(map(int, y_true)), list(map(int, y_pred))
    present = sorted(set(y_true) | set(y_pred))
    e = {"name": name, "y_true": y_true, "y_pred": y_pred,
         "accuracy": M.accuracy_score(y_true, y_pred),
         "labels": present,
         "confusion": M.confusion_matrix(y_true, y_pred).tolist()}
    p, r, f, s = M.precision_recall_fscore_support(y_true, y_pred, average=None, labels=present)
    e.update(precision=p.tolist(), recall=r.tolist(), f1=f.tolist(), support=[int(v) for v in s])
    for avg in ["macro", "micro", "weighted"] + (["binary"] if len(present) <= 2 and (len(present) < 2 or 1 in present) else []):
        e[avg] = [M.precision_score(y_true, y_pred, average=avg), M.recall_score(y_true, y_pred, average=avg), M.f1_score(y_true, y_pred, average=avg)]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        M.precision_score(y_true, y_pred, average="macro")   # warns when a class is never predicted
        e["precision_macro_warns"] = len(w) > 0
    e["report"] = M.classification_report(y_true, y_pred)
    e["report_digits4"] = M.classification_report(y_true, y_pred, digits=4)
    if report_labels is not None:
        e["report_labels"] = report_labels
        e["report_with_labels"] = M.classification_report(y_true, y_pred, labels=report_labels)
    cases.append(e)


def scores_case(name, y_true, scores, k=None):
    y_true = list(map(int, y_true))
    scores = np.asarray(scores, dtype=np.float64)
    e = {"name": name, "y_true": y_true, "scores": np.round(scores, 6).tolist()}
    scores = np.round(scores, 6)
    if scores.ndim == 1:
        e["roc_auc"] = M.roc_auc_score(y_true, scores)
        e["log_loss"] = M.log_loss(y_true, scores, labels=[0, 1])
    else:
        C = scores.shape[1]
        probs = scores / scores.sum(axis=1, keepdims=True)
        e["probs"] = probs.tolist()
        if len(set(y_true)) == C:
            e["roc_auc_macro"] = M.roc_auc_score(y_true, probs, multi_class="ovr", average="macro")
            e["roc_auc_weighted"] = M.roc_auc_score(y_true, probs, multi_class="ovr", average="weighted")
        e["log_loss"] = M.log_loss(y_true, probs, labels=list(range(C)))
        e["top_k"] = {str(kk): M.top_k_accuracy_score(y_true, scores, k=kk, labels=list(range(C))) for kk in range(1, C + 1)}
    cases.append(e)


cases = []
labels_case("multiclass random", rng.randint(0, 4, 40), rng.randint(0, 4, 40))
labels_case("class never predicted", [0, 1, 2, 2, 1, 0, 2], [0, 0, 2, 2, 0, 0, 2])
labels_case("class only predicted (no true samples)", [0, 0, 1, 1, 1], [0, 2, 1, 1, 0])
labels_case("single class present", [1, 1, 1, 1], [1, 1, 1, 1])
labels_case("single class, never predicted positive", [0, 0, 0], [0, 0, 0])
labels_case("binary", [0, 1, 1, 0, 1, 1, 0, 0, 1, 1], [0, 1, 0, 0, 1, 1, 1, 0, 1, 0])
labels_case("perfect", [0, 1, 2, 3, 2, 1], [0, 1, 2, 3, 2, 1])
labels_case("worst", [0, 1, 2, 0, 1, 2], [1, 2, 0, 2, 0, 1])
labels_case("half-even rounding (0.125, 0.375)", [0] * 8 + [1] * 8, [0] + [1] * 7 + [0] * 3 + [1] * 5)
labels_case("labels 2, 5, 9 (not 0..C-1)", [2, 5, 9, 9, 5, 2, 9], [2, 9, 9, 5, 5, 2, 2], report_labels=[2, 9])

scores_case("binary scores", rng.randint(0, 2, 30), rng.rand(30))
scores_case("binary with ties", [0, 1, 0, 1, 1, 0, 1, 0], [0.5, 0.5, 0.2, 0.8, 0.5, 0.2, 0.9, 0.5])
scores_case("binary all tied", [0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3])
scores_case("binary perfect", [0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
scores_case("binary worst", [0, 0, 1, 1], [0.9, 0.8, 0.2, 0.1])
scores_case("binary saturated probabilities (log loss clipping)", [0, 1, 1, 0], [0.0, 1.0, 0.0, 0.3])
scores_case("multiclass scores", rng.randint(0, 4, 25).tolist()[:21] + [0, 1, 2, 3], rng.rand(25, 4) + 0.01)
scores_case("multiclass with ties", [0, 1, 2, 1, 0, 2], [[0.2, 0.2, 0.6], [0.4, 0.4, 0.2], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25], [1 / 3, 1 / 3, 1 / 3], [0.1, 0.45, 0.45]])

with open(OUT, "w") as f:
    json.dump({"sklearn_version": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"{len(cases)} cases, {os.path.getsize(OUT)} bytes -> {OUT}")
