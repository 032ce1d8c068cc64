#!/usr/bin/python3
"""Writes golden fixtures for SharpGrad.Data's NumPy/scikit-learn reproductions.

Run with Debian's interpreter and packages (python3-numpy, python3-sklearn):

    /usr/bin/python3 tools/make_classification_fixture.py

Outputs (small JSON files) go to tests/SharpGrad.Tests/Fixtures/. The tests read these files,
so Python is not needed at test time. Floats are written with repr() (shortest round-trip).
"""
import json
import math
import os

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SharpGrad.Tests", "Fixtures")


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def ints(a):
    return [int(v) for v in np.asarray(a).ravel()]


def streams():
    out = {"numpy_version": np.__version__, "seeds": []}
    for seed in [0, 1, 42, 12345, 2**32 - 1]:
        rs = np.random.RandomState(seed)
        entry = {"seed": seed}
        entry["uint32"] = ints(rs.randint(0, 2**32, size=6, dtype=np.uint64))  # raw next_uint32
        entry["random_sample"] = floats(rs.random_sample(10))
        entry["standard_normal"] = floats(rs.standard_normal(11))  # odd: leaves a cached value
        entry["random_sample_after_normal"] = floats(rs.random_sample(2))
        entry["standard_normal_cached"] = floats(rs.standard_normal(3))
        entry["normal_2_3"] = floats(rs.normal(2.0, 3.0, size=5))
        entry["uniform_m2_5"] = floats(rs.uniform(-2.0, 5.0, size=5))
        entry["randint_0_10"] = ints(rs.randint(0, 10, size=12))
        entry["randint_m5_1000"] = ints(rs.randint(-5, 1000, size=8))
        entry["randint_0_2p40"] = ints(rs.randint(0, 2**40, size=4))
        entry["randint_scalar_7"] = int(rs.randint(7))
        entry["permutation_10"] = ints(rs.permutation(10))
        p = rs.permutation(1000)
        entry["permutation_1000_head"] = ints(p[:20])
        entry["permutation_1000_weighted_sum"] = int(np.sum(p.astype(np.int64) * np.arange(1000)))
        a = np.arange(7) * 10
        rs.shuffle(a)
        entry["shuffle_arange7x10"] = ints(a)
        entry["choice_10_4_noreplace"] = ints(rs.choice(10, 4, replace=False))
        entry["choice_10_5_replace"] = ints(rs.choice(10, 5, replace=True))
        entry["random_sample_final"] = floats(rs.random_sample(3))
        out["seeds"].append(entry)
    rs = np.random.RandomState([1, 2, 3])
    out["array_seed_1_2_3"] = {"key": [1, 2, 3], "random_sample": floats(rs.random_sample(5)), "uint32": ints(rs.randint(0, 2**32, size=3, dtype=np.uint64))}
    return out


CONFIGS = {
    "w1": dict(n_samples=1000, n_features=20, n_informative=2, n_redundant=10, random_state=42),
    "default": dict(random_state=0),
    "multi": dict(n_samples=500, n_features=30, n_informative=6, n_redundant=4, n_repeated=3, n_classes=5,
                  n_clusters_per_class=3, weights=[0.1, 0.2, 0.3, 0.15], flip_y=0.05, class_sep=0.7,
                  hypercube=False, shift=None, scale=None, random_state=7),
    "tracking": dict(n_samples=300, n_features=12, n_informative=10, n_redundant=0, n_classes=3,
                     n_clusters_per_class=2, random_state=3),
    "noshuffle": dict(n_samples=200, n_features=8, n_informative=4, n_redundant=1, n_repeated=1, n_classes=3,
                      n_clusters_per_class=2, shuffle=False, random_state=11),
    "reservoir": dict(n_samples=300, n_features=10, n_informative=7, n_redundant=0, n_classes=1,
                      n_clusters_per_class=127, random_state=9),
    "wide": dict(n_samples=100, n_features=40, n_informative=33, n_redundant=2, n_classes=4, random_state=5),
}


def datasets():
    out = {"sklearn_version": sklearn.__version__, "configs": []}
    for name, kw in CONFIGS.items():
        X, y = make_classification(**kw)
        n, f = X.shape
        weights = np.array([[((i * 31 + j * 17) % 101) + 1 for j in range(f)] for i in range(n)], dtype=float)
        out["configs"].append({
            "name": name,
            "params": kw,
            "samples": n,
            "features": f,
            "first_rows": [floats(r) for r in X[:5]],
            "last_row": floats(X[-1]),
            "column_sums": [math.fsum(X[:, j]) for j in range(f)],
            "column_abs_sums": [math.fsum(np.abs(X[:, j])) for j in range(f)],
            "weighted_sum": math.fsum((X * weights).ravel()),
            "y_head": ints(y[:30]),
            "y_counts": ints(np.bincount(y, minlength=kw.get("n_classes", 2))),
            "y_weighted_sum": int(np.sum(y.astype(np.int64) * np.arange(n))),
        })
    return out


def split_entry(name, n, train, test, y=None):
    e = {"name": name, "n": n, "n_train": len(train), "n_test": len(test),
         "train_head": ints(train[:20]), "test_head": ints(test[:20]),
         "train_weighted_sum": int(np.sum(np.asarray(train, dtype=np.int64) * np.arange(len(train)))),
         "test_weighted_sum": int(np.sum(np.asarray(test, dtype=np.int64) * np.arange(len(test))))}
    if y is not None:
        e["y_train_counts"] = ints(np.bincount(y[train], minlength=y.max() + 1))
        e["y_test_counts"] = ints(np.bincount(y[test], minlength=y.max() + 1))
    return e


def splits():
    out = {"sklearn_version": sklearn.__version__, "splits": []}
    X, y = make_classification(**CONFIGS["w1"])
    idx = np.arange(1000)
    tr, te = train_test_split(idx, test_size=0.2, random_state=42)
    out["splits"].append(split_entry("w1", 1000, tr, te, y) | {"test_size": 0.2, "random_state": 42})
    tr, te = train_test_split(idx, test_size=0.2, random_state=42, stratify=y)
    out["splits"].append(split_entry("w1_stratified", 1000, tr, te, y) | {"test_size": 0.2, "random_state": 42, "stratify": "w1"})
    Xm, ym = make_classification(**CONFIGS["multi"])
    tr, te = train_test_split(np.arange(500), test_size=0.3, random_state=3, stratify=ym)
    out["splits"].append(split_entry("multi_stratified", 500, tr, te, ym) | {"test_size": 0.3, "random_state": 3, "stratify": "multi"})
    tr, te = train_test_split(np.arange(100), test_size=37, random_state=0)
    out["splits"].append(split_entry("count_37", 100, tr, te) | {"test_count": 37, "random_state": 0})
    tr, te = train_test_split(np.arange(10), test_size=0.25, random_state=0)
    out["splits"].append(split_entry("default_size_10", 10, tr, te) | {"test_size": 0.25, "random_state": 0})
    tr, te = train_test_split(np.arange(50), test_size=0.3, shuffle=False)
    out["splits"].append(split_entry("noshuffle", 50, tr, te) | {"test_size": 0.3, "shuffle": False})
    return out


def dump(obj, indent=0):
    """JSON with one line per scalar list (keeps the fixtures compact and diff-friendly)."""
    pad = " " * indent
    if isinstance(obj, dict):
        items = [f'{pad} {json.dumps(k)}: {dump(v, indent + 1).lstrip()}' for k, v in obj.items()]
        return pad + "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(obj, list) and any(isinstance(v, (dict, list)) for v in obj):
        return pad + "[\n" + ",\n".join(dump(v, indent + 1) for v in obj) + "\n" + pad + "]"
    return pad + json.dumps(obj, separators=(", ", ": "))


def main():
    os.makedirs(OUT, exist_ok=True)
    for fname, data in [("numpy_random_state.json", streams()), ("make_classification.json", datasets()),
                        ("train_test_split.json", splits())]:
        with open(os.path.join(OUT, fname), "w") as fh:
            fh.write(dump(data) + "\n")
        print("wrote", fname)


if __name__ == "__main__":
    main()
