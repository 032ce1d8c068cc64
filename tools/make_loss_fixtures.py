#!/usr/bin/python3
"""Golden fixtures for SharpGrad's losses, computed with PyTorch in float64.

Run with Debian's interpreter (python3-torch):  /usr/bin/python3 tools/make_loss_fixtures.py
Writes tests/SharpGrad.Tests/Fixtures/torch_losses.json. For every case it stores the inputs, the forward output and the
gradients of sum(output * grad_out) with respect to the input and (for floating targets) the target.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SharpGrad.Tests", "Fixtures", "torch_losses.json")


def r(v, nd=12):
    return [round(float(x), nd) for x in v]


cases = []


def case(name, loss, x, t, reduction="mean", weight=None, pos_weight=None, **params):
    x = x.detach().clone().double().requires_grad_(True)
    float_target = t.dtype.is_floating_point
    if float_target:
        t = t.detach().clone().double().requires_grad_(True)
    kw = dict(reduction=reduction)
    if weight is not None:
        kw["weight"] = weight.double()
    if pos_weight is not None:
        kw["pos_weight"] = pos_weight.double()
    kw.update(params)
    fn = {
        "mse": F.mse_loss, "l1": F.l1_loss, "smooth_l1": F.smooth_l1_loss, "huber": F.huber_loss,
        "bce": F.binary_cross_entropy, "bce_logits": F.binary_cross_entropy_with_logits,
        "cross_entropy": F.cross_entropy, "nll": F.nll_loss,
    }[loss]
    out = fn(x, t, **kw)
    # multiples of 1/64, exact in JSON, so huge gradients (BCE at 0 or 1) are not spoilt by rounding grad_out
    grad_out = torch.round((torch.rand(out.shape, dtype=torch.float64) + 0.5) * 64) / 64 if out.dim() > 0 else torch.tensor(1.0, dtype=torch.float64)
    (out * grad_out).sum().backward()
    entry = {
        "name": name, "loss": loss, "reduction": reduction, "params": params,
        "input": r(x.detach().flatten()), "input_shape": list(x.shape),
        "target": [int(v) for v in t.flatten()] if not float_target else r(t.detach().flatten()),
        "target_shape": list(t.shape), "target_dtype": "float64" if float_target else "int64",
        "output": r(out.detach().flatten()), "output_shape": list(out.shape),
        "grad_out": r(grad_out.flatten()),
        "grad_input": r(x.grad.flatten()),
    }
    if float_target:
        # torch 1.13 leaves the target gradient of BCE unclamped (inf at x = 0 or 1); such cases store none
        ok = t.grad is not None and bool(torch.isfinite(t.grad).all())
        entry["grad_target"] = r(t.grad.flatten()) if ok else None
    if weight is not None:
        entry["weight"] = r(weight.flatten()); entry["weight_shape"] = list(weight.shape)
    if pos_weight is not None:
        entry["pos_weight"] = r(pos_weight.flatten()); entry["pos_weight_shape"] = list(pos_weight.shape)
    cases.append(entry)


def randn(*s):
    return torch.randn(*s, dtype=torch.float64)


for red in ["mean", "sum", "none"]:
    case(f"mse {red}", "mse", randn(3, 4), randn(3, 4), red)
    case(f"l1 {red}", "l1", randn(3, 4), randn(3, 4), red)
    case(f"smooth_l1 beta=1 {red}", "smooth_l1", randn(3, 4) * 2, randn(3, 4), red)
    case(f"huber delta=1 {red}", "huber", randn(3, 4) * 2, randn(3, 4), red)
    case(f"bce {red}", "bce", torch.rand(3, 4) * 0.98 + 0.01, torch.rand(3, 4), red)
    case(f"bce_logits {red}", "bce_logits", randn(3, 4) * 3, torch.rand(3, 4), red)
    case(f"cross_entropy {red}", "cross_entropy", randn(5, 4) * 2, torch.randint(0, 4, (5,)), red)
    case(f"nll {red}", "nll", torch.log_softmax(randn(5, 4), 1), torch.randint(0, 4, (5,)), red)

case("smooth_l1 beta=0.3", "smooth_l1", randn(4, 3), randn(4, 3), beta=0.3)
case("smooth_l1 beta=0 (l1)", "smooth_l1", randn(4, 3), randn(4, 3), "sum", beta=0.0)
case("huber delta=0.5 sum", "huber", randn(4, 3) * 2, randn(4, 3), "sum", delta=0.5)
case("huber delta=2.5 none", "huber", randn(4, 3) * 3, randn(4, 3), "none", delta=2.5)
case("bce weight (4)", "bce", torch.rand(3, 4) * 0.98 + 0.01, torch.rand(3, 4), weight=torch.tensor([0.5, 1.0, 2.0, 0.1]))
case("bce saturated 0 and 1 (log clamp -100)", "bce", torch.tensor([0.0, 1.0, 0.0, 1.0, 0.5]), torch.tensor([1.0, 0.0, 0.0, 1.0, 1.0]), "none")
case("bce_logits pos_weight (4)", "bce_logits", randn(3, 4) * 3, torch.randint(0, 2, (3, 4)).double(), pos_weight=torch.tensor([3.0, 1.0, 0.5, 2.0]))
case("bce_logits weight and pos_weight, none", "bce_logits", randn(3, 4) * 3, torch.rand(3, 4), "none",
     weight=torch.tensor([[1.0], [0.5], [2.0]]), pos_weight=torch.tensor([3.0, 1.0, 0.5, 2.0]))
case("bce_logits extreme logits", "bce_logits", torch.tensor([-200.0, -30.0, 0.0, 30.0, 200.0]), torch.tensor([1.0, 0.0, 0.5, 1.0, 0.0]), "sum")

w4 = torch.tensor([1.0, 2.0, 0.5, 1.5])
for red in ["mean", "sum", "none"]:
    case(f"cross_entropy weight {red}", "cross_entropy", randn(6, 4) * 2, torch.randint(0, 4, (6,)), red, weight=w4)
    case(f"cross_entropy ignore_index=1 {red}", "cross_entropy", randn(6, 4) * 2, torch.tensor([0, 1, 3, 1, 2, 2]), red, ignore_index=1)
    case(f"cross_entropy smoothing 0.1 {red}", "cross_entropy", randn(6, 4) * 2, torch.randint(0, 4, (6,)), red, label_smoothing=0.1)
    case(f"cross_entropy weight+ignore+smoothing 0.25 {red}", "cross_entropy", randn(6, 4) * 2, torch.tensor([0, -100, 3, 1, -100, 2]), red,
         weight=w4, label_smoothing=0.25)
    case(f"cross_entropy K-dim (2,3,4,2) {red}", "cross_entropy", randn(2, 3, 4, 2), torch.randint(0, 3, (2, 4, 2)), red)
    case(f"cross_entropy probability targets {red}", "cross_entropy", randn(5, 4) * 2, torch.softmax(randn(5, 4), 1), red)
    case(f"nll weight+ignore {red}", "nll", torch.log_softmax(randn(6, 4), 1), torch.tensor([0, 1, 3, 1, 2, 2]), red, weight=w4, ignore_index=2)
case("cross_entropy K-dim weight+smoothing", "cross_entropy", randn(2, 3, 5), torch.tensor([[0, 2, 1, -100, 2], [1, 1, 0, 2, -100]]),
     weight=torch.tensor([0.3, 1.0, 2.0]), label_smoothing=0.2)
case("cross_entropy probability targets weight+smoothing", "cross_entropy", randn(5, 4) * 2, torch.softmax(randn(5, 4), 1),
     weight=w4, label_smoothing=0.3)
case("cross_entropy probability targets K-dim", "cross_entropy", randn(2, 3, 4), torch.softmax(randn(2, 3, 4), 1), "sum")
case("cross_entropy unbatched (C)", "cross_entropy", randn(5), torch.tensor(3))
case("cross_entropy large logits", "cross_entropy", torch.tensor([[1000.0, 0.0, -1000.0], [-500.0, 500.0, 499.0]]), torch.tensor([2, 2]))
case("nll K-dim (2,3,4) none", "nll", torch.log_softmax(randn(2, 3, 4), 1), torch.randint(0, 3, (2, 4)), "none")

with open(OUT, "w") as f:
    json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
print(f"{len(cases)} cases, {os.path.getsize(OUT)} bytes -> {OUT}")
