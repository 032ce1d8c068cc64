#!/usr/bin/python3
"""Golden values for SharpGrad's optimizers and learning-rate schedules, from torch.optim.

Run from the repository root with Debian's PyTorch:

    /usr/bin/python3 tools/make_optim_fixtures.py

Writes ``tests/SharpGrad.Tests/Fixtures/torch_optim.json`` (deterministic; float64 throughout, numbers in Python's
shortest round-trip repr):

* ``optimizers``: runs of 4 steps of one optimizer over two parameters ([2, 3] and [3]), optionally split into two
  parameter groups with their own lr / weight_decay; fixed gradient sequences; the parameters after every step.
* ``schedules``: lr for steps 0..N of StepLR, MultiStepLR, ExponentialLR, LinearLR, OneCycleLR, CosineAnnealingLR,
  PolynomialLR (the latter two where the installed torch has them), as ``get_last_lr()`` after k calls of ``step()``.
* ``plateau``: ReduceLROnPlateau over a fixed metric sequence: the lr after each observation.
"""
import json
import math
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SharpGrad.Tests", "Fixtures", "torch_optim.json")
gen = torch.Generator().manual_seed(20240612)
F64 = torch.float64


def R(*shape):
    return torch.rand(shape, generator=gen, dtype=F64) * 4 - 2


def vals(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


p0 = [R(2, 3), R(3)]
grads = [[R(2, 3), R(3)] for _ in range(4)]

OPTS = {
    "sgd": torch.optim.SGD,
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "rmsprop": torch.optim.RMSprop,
    "adagrad": torch.optim.Adagrad,
}

configs = [
    ("sgd", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01), None),
    ("sgd", dict(lr=0.1, momentum=0.9, dampening=0.2), [dict(lr=0.05), dict(weight_decay=0.1)]),
    ("adam", dict(lr=0.01), None),
    ("adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), None),
    ("adam", dict(lr=0.01, amsgrad=True), None),
    ("adam", dict(lr=0.01, weight_decay=0.05), [dict(lr=0.02), dict(weight_decay=0.0)]),
    ("adamw", dict(lr=0.01), None),
    ("adamw", dict(lr=0.01, weight_decay=0.1, amsgrad=True), None),
    ("adamw", dict(lr=0.01), [dict(lr=0.03, weight_decay=0.2), dict()]),
    ("rmsprop", dict(lr=0.01), None),
    ("rmsprop", dict(lr=0.01, momentum=0.9, centered=True), None),
    ("rmsprop", dict(lr=0.01, alpha=0.9, weight_decay=0.1, momentum=0.5), [dict(lr=0.02), dict(weight_decay=0.0)]),
    ("adagrad", dict(lr=0.1), None),
    ("adagrad", dict(lr=0.1, lr_decay=0.5, initial_accumulator_value=0.1, weight_decay=0.05), None),
    ("adagrad", dict(lr=0.1), [dict(lr=0.2, weight_decay=0.1), dict()]),
]

optimizers = []
for kind, kw, groups in configs:
    params = [p.clone().requires_grad_(True) for p in p0]
    if groups is None:
        opt = OPTS[kind](params, **kw)
    else:
        opt = OPTS[kind]([dict(params=[params[0]], **groups[0]), dict(params=[params[1]], **groups[1])], **kw)
    after = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = g.clone()
        opt.step()
        after.append([vals(p) for p in params])
    options = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    optimizers.append({"optimizer": kind, "options": options, "groups": groups, "after_step": after})

# ---------------------------------------------------------------------------------------------------------------
S = torch.optim.lr_scheduler


def run_schedule(make, steps, base=0.1):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sch = make(opt)
    out = [sch.get_last_lr()[0]]
    for _ in range(steps):
        opt.step()
        sch.step()
        out.append(sch.get_last_lr()[0])
    return out


schedules = [
    {"name": "step", "base": 0.1, "step_size": 3, "gamma": 0.5, "lr": run_schedule(lambda o: S.StepLR(o, 3, gamma=0.5), 12)},
    {"name": "multistep", "base": 0.1, "milestones": [2, 5, 5, 9], "gamma": 0.3,
     "lr": run_schedule(lambda o: S.MultiStepLR(o, [2, 5, 5, 9], gamma=0.3), 12)},
    {"name": "exponential", "base": 0.1, "gamma": 0.9, "lr": run_schedule(lambda o: S.ExponentialLR(o, 0.9), 12)},
    {"name": "linear", "base": 0.1, "start_factor": 1 / 3, "end_factor": 1.0, "total_iters": 5,
     "lr": run_schedule(lambda o: S.LinearLR(o), 10)},
    {"name": "linear", "base": 0.1, "start_factor": 1.0, "end_factor": 0.05, "total_iters": 8,
     "lr": run_schedule(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.05, total_iters=8), 12)},
    {"name": "onecycle", "base": 0.1, "max_lr": 0.5, "total_steps": 20,
     "lr": run_schedule(lambda o: S.OneCycleLR(o, max_lr=0.5, total_steps=20), 19)},
    {"name": "onecycle", "base": 0.1, "max_lr": 1.0, "total_steps": 11, "pct_start": 0.45, "div_factor": 10, "final_div_factor": 100,
     "anneal_strategy": "linear",
     "lr": run_schedule(lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=11, pct_start=0.45, div_factor=10,
                                               final_div_factor=100, anneal_strategy="linear", cycle_momentum=False), 10)},
    {"name": "cosine", "base": 0.1, "t_max": 10, "eta_min": 0.001,
     "lr": run_schedule(lambda o: S.CosineAnnealingLR(o, 10, eta_min=0.001), 10)},
]
if hasattr(S, "PolynomialLR"):
    schedules.append({"name": "polynomial", "base": 0.1, "total_iters": 8, "power": 2.0,
                      "lr": run_schedule(lambda o: S.PolynomialLR(o, total_iters=8, power=2.0), 12)})

# ---------------------------------------------------------------------------------------------------------------
plateau = []
for kw, metrics in [
    (dict(mode="min", factor=0.5, patience=2, cooldown=1, min_lr=0.01), [1.0, 0.9, 0.95, 0.91, 0.9, 0.92, 0.93, 0.94, 0.8, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91]),
    (dict(mode="max", factor=0.1, patience=1, threshold=0.01, threshold_mode="abs"), [0.5, 0.6, 0.605, 0.61, 0.62, 0.7, 0.69, 0.68, 0.67]),
    (dict(), [1.0] + [0.99995] * 14),
]:
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    sch = S.ReduceLROnPlateau(opt, **kw)
    lrs = []
    for m in metrics:
        sch.step(m)
        lrs.append(opt.param_groups[0]["lr"])
    plateau.append({"options": kw, "metrics": metrics, "lr": lrs})

doc = {
    "torch_version": torch.__version__,
    "initial": [vals(p) for p in p0],
    "shapes": [list(p.shape) for p in p0],
    "grads": [[vals(g) for g in gs] for gs in grads],
    "optimizers": optimizers,
    "schedules": schedules,
    "plateau": plateau,
}
with open(OUT, "w") as f:
    json.dump(doc, f, separators=(",", ":"))
print(f"wrote {os.path.relpath(OUT)}: {len(optimizers)} optimizer runs, {len(schedules)} schedules, {len(plateau)} plateau runs, "
      f"{os.path.getsize(OUT)} bytes")
