"""W1 seed-mlp in PyTorch and in NumPy by hand, with the protocol of bench/SharpGrad.Bench/Workloads/W1SeedMlp.cs.

make_classification(n_samples=1000, n_features=20, n_informative=2, n_redundant=10, random_state=42), 80/20 split
(random_state=42); 20-10-5-1 with a sigmoid after every layer, MSE, weights and biases U(+-1/sqrt(fan_in)) (PyTorch's
Linear default), full-batch gradient descent lr 0.5, 1000 epochs, float32. Untimed warm-up runs for at least two seconds
(at least three), then 15 timed runs of the 1000-epoch training loop (data and model construction excluded); the value is
the median, min_seconds the fastest.
Each epoch reads the loss back (loss.item()), as SeedMlp.Step does.
"""
import math
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

from common import line, median

EPOCHS, LR, WARMUP, WARMUP_SECONDS, REPEATS = 1000, 0.5, 3, 2.0, 15
SIZES = [20, 10, 5, 1]


def data():
    x, y = make_classification(n_samples=1000, n_features=20, n_informative=2, n_redundant=10, random_state=42)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42)
    f = np.float32
    return (x_train.astype(f), y_train.astype(f).reshape(-1, 1)), (x_test.astype(f), y_test.astype(f).reshape(-1, 1))


def report(system, one_run, threads, blas, **extra):
    """Untimed runs for WARMUP_SECONDS (at least WARMUP), then the median of REPEATS timed ones: one JSON line as SharpGrad's
    W1 bench prints it."""
    start, done = time.perf_counter(), 0
    while done < WARMUP or time.perf_counter() - start < WARMUP_SECONDS:
        one_run()
        done += 1
    runs = [one_run() for _ in range(REPEATS)]
    times = [r[0] for r in runs]
    line("W1", system, threads, "train_seconds", round(median(times), 4), test_accuracy=round(runs[-1][2], 4),
         train_accuracy=round(runs[-1][1], 4), epochs=EPOCHS, repeats=REPEATS, min_seconds=round(min(times), 4), blas=blas,
         **extra)


def run_torch(torch, threads, blas):
    (xtr, ytr), (xte, yte) = data()
    xtr, ytr, xte, yte = (torch.from_numpy(a) for a in (xtr, ytr, xte, yte))
    nn = torch.nn

    def one_run():
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(20, 10), nn.Sigmoid(), nn.Linear(10, 5), nn.Sigmoid(), nn.Linear(5, 1), nn.Sigmoid())
        opt = torch.optim.SGD(model.parameters(), lr=LR)
        mse = nn.MSELoss()
        start = time.perf_counter()
        for epoch in range(1, EPOCHS + 1):
            loss = mse(model(xtr), ytr)
            opt.zero_grad()
            loss.backward()
            opt.step()
            value = loss.item()
            if not math.isfinite(value):
                raise RuntimeError(f"W1 diverged at epoch {epoch}")
        seconds = time.perf_counter() - start
        with torch.no_grad():
            acc = lambda x, y: ((model(x) >= 0.5).float() == y).float().mean().item()
            return seconds, acc(xtr, ytr), acc(xte, yte)

    report("pytorch", one_run, threads, blas)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def run_numpy(threads, blas):
    """The same network with a hand-written forward and backward in NumPy (float32, like the other systems)."""
    (xtr, ytr), (xte, yte) = data()

    def init():
        rng = np.random.default_rng(0)
        params = []
        for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
            bound = 1.0 / math.sqrt(fan_in)
            w = rng.uniform(-bound, bound, (fan_in, fan_out)).astype(np.float32)
            b = rng.uniform(-bound, bound, (fan_out,)).astype(np.float32)
            params.append((w, b))
        return params

    def forward(params, x):
        acts = [x]
        for w, b in params:
            acts.append(sigmoid(acts[-1] @ w + b))
        return acts

    def one_run():
        params = init()
        n = np.float32(xtr.shape[0])
        start = time.perf_counter()
        for epoch in range(1, EPOCHS + 1):
            acts = forward(params, xtr)
            diff = acts[-1] - ytr
            loss = float(np.mean(diff * diff))
            if not math.isfinite(loss):
                raise RuntimeError(f"W1 (NumPy) diverged at epoch {epoch}")
            delta = (2.0 / n) * diff * acts[-1] * (1 - acts[-1])  # dL/dz of the last layer
            for i in range(len(params) - 1, -1, -1):
                w, b = params[i]
                gw, gb = acts[i].T @ delta, delta.sum(axis=0)
                if i > 0:
                    delta = (delta @ w.T) * acts[i] * (1 - acts[i])
                w -= np.float32(LR) * gw
                b -= np.float32(LR) * gb
        seconds = time.perf_counter() - start
        acc = lambda x, y: float(np.mean((forward(params, x)[-1] >= 0.5).astype(np.float32) == y))
        return seconds, acc(xtr, ytr), acc(xte, yte)

    report("numpy", one_run, threads, blas, dtype="float32")


def run(torch, threads, blas, systems=("pytorch", "numpy")):
    if "pytorch" in systems:
        run_torch(torch, threads, blas)
    if "numpy" in systems:
        run_numpy(threads, blas)
