#!/usr/bin/python3
"""Builds the PyTorch golden fixtures that SharpGrad's tests compare against.

Run with Debian's PyTorch (``apt-get install python3-torch python3-numpy``), from the repository root:

    /usr/bin/python3 tools/make_torch_fixtures.py

It writes ONE file, ``tests/SharpGrad.Tests/Fixtures/torch_ops.json``, which the tests read (they never need Python).
The output is deterministic: inputs come from a seeded ``torch.Generator`` or are literals, and every number is written
with Python's shortest round-trip repr, so a float64 value read back in C# is bit-identical. Float32 values are written
as the exact double of the float32 value.

Sections of the JSON file:

* ``cases``: one op (or a small composite) per case: inputs (dtype, shape, flat values, requires_grad), op parameters,
  the forward output, a fixed weight tensor ``w`` of the output's shape, and, for every input that requires grad, the
  gradient of ``sum(output * w)`` with respect to it (computed as ``autograd.grad(output, inputs, grad_outputs=w)``).
* ``sgd``: ``torch.optim.SGD`` runs of 3 steps from given parameters and a fixed gradient sequence.
* ``creation``: ``torch.linspace`` and ``torch.arange`` values.
* ``printing``: ``str(tensor)`` for a few tensors.

Non-finite numbers are written as the strings "Infinity", "-Infinity" and "NaN" (plain JSON has no literal for them).
"""
import json
import math
import os
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SharpGrad.Tests", "Fixtures", "torch_ops.json")

gen = torch.Generator().manual_seed(20240611)
F64, F32, I64 = torch.float64, torch.float32, torch.int64
NEG_INF = float("-inf")


def num(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == int(v) and abs(v) < 2**53:
        return int(v) if not (v == 0 and math.copysign(1, v) < 0) else v
    return v


def dtype_name(dt):
    return {F64: "float64", F32: "float32", I64: "int64"}[dt]


def enc(t):
    t = t.detach()
    vals = t.reshape(-1).tolist()
    return {"dtype": dtype_name(t.dtype), "shape": list(t.shape), "values": [int(v) for v in vals] if t.dtype == I64 else [num(v) for v in vals]}


def R(*shape, lo=-2.0, hi=2.0, dtype=F64):
    """Uniform values in [lo, hi) from the fixed generator (drawn in float64, then cast)."""
    return (torch.rand(tuple(shape), generator=gen, dtype=F64) * (hi - lo) + lo).to(dtype)


def P(*shape, dtype=F64):
    """Positive values away from 0."""
    return R(*shape, lo=0.5, hi=2.0, dtype=dtype)


def D(values, *shape, dtype=F64):
    t = torch.tensor(values, dtype=dtype)
    return t.reshape(*shape) if shape else t


def I(values, *shape):
    t = torch.tensor(values, dtype=I64)
    return t.reshape(*shape) if shape else t


cases = []


def case(name, op, fn, inputs, params=None, grad=None):
    """inputs: list of tensors; float tensors require grad unless listed False in `grad` (one bool per input)."""
    params = params or {}
    if grad is None:
        grad = [t.dtype != I64 for t in inputs]
    leaves = [t.detach().clone().requires_grad_(g) for t, g in zip(inputs, grad)]
    out = fn(*leaves, **params)
    w = R(*out.shape, lo=-1.0, hi=1.0, dtype=out.dtype) if out.dtype != I64 else None
    grads = [None] * len(leaves)
    diff = [l for l in leaves if l.requires_grad]
    if w is not None and diff:
        gs = torch.autograd.grad(out, diff, grad_outputs=w, allow_unused=True)
        it = iter(gs)
        for i, l in enumerate(leaves):
            if l.requires_grad:
                g = next(it)
                grads[i] = enc(g if g is not None else torch.zeros_like(l))
    cases.append({
        "name": name,
        "op": op,
        "params": {k: (num(v) if isinstance(v, float) else v) for k, v in params.items()},
        "inputs": [dict(enc(l), requires_grad=l.requires_grad) for l in leaves],
        "output": enc(out),
        "weight": enc(w) if w is not None else None,
        "grads": grads,
    })


# ---------------------------------------------------------------------------------------------------------------
# elementwise arithmetic
case("add broadcast (3,1)+(1,4)", "add", lambda a, b: a + b, [R(3, 1), R(1, 4)])
case("sub broadcast (2,3,1)-(3,4)", "sub", lambda a, b: a - b, [R(2, 3, 1), R(3, 4)])
case("mul broadcast (4,1)*(3)", "mul", lambda a, b: a * b, [R(4, 1), R(3)])
case("div broadcast (3,4)/(3,1)", "div", lambda a, b: a / b, [R(3, 4), P(3, 1)])
case("div float32", "div", lambda a, b: a / b, [R(2, 3, dtype=F32), P(2, 3, dtype=F32)])
case("neg", "neg", lambda a: -a, [R(5)])
case("add scalar", "add_scalar", lambda a, s: a + s, [R(4)], {"s": 2.5})
case("rsub scalar", "rsub_scalar", lambda a, s: s - a, [R(4)], {"s": 1.5})
case("mul scalar", "mul_scalar", lambda a, s: a * s, [R(4)], {"s": -3.25})
case("div scalar", "div_scalar", lambda a, s: a / s, [R(4)], {"s": 3.0})
case("rdiv scalar", "rdiv_scalar", lambda a, s: s / a, [P(4)], {"s": 2.0})
case("pow scalar 2 (with 0 and negatives)", "pow_scalar", lambda a, exponent: a.pow(exponent), [D([-1.5, 0.0, 0.7, 2.0, -0.3])], {"exponent": 2.0})
case("pow scalar 3 (negative base)", "pow_scalar", lambda a, exponent: a.pow(exponent), [D([-1.5, -0.2, 0.7, 1.1])], {"exponent": 3.0})
case("pow scalar 0.5", "pow_scalar", lambda a, exponent: a.pow(exponent), [P(5)], {"exponent": 0.5})
case("pow scalar -1.5", "pow_scalar", lambda a, exponent: a.pow(exponent), [P(5)], {"exponent": -1.5})
case("pow scalar 0 (zero base: torch's gradient is 0)", "pow_scalar", lambda a, exponent: a.pow(exponent), [D([0.0, 1.5, -2.0])], {"exponent": 0.0})
case("pow scalar 1", "pow_scalar", lambda a, exponent: a.pow(exponent), [D([0.0, 1.5, -2.0])], {"exponent": 1.0})
case("pow tensor**tensor broadcast", "pow", lambda a, b: a.pow(b), [P(3, 2), R(2)])
case("pow tensor**tensor zero base, positive exponents", "pow", lambda a, b: a.pow(b), [D([0.0, 0.0, 1.5, 2.0]), D([2.0, 1.0, 0.5, -1.0])])
case("pow tensor**tensor zero exponent (zero base: torch's base gradient is 0)", "pow", lambda a, b: a.pow(b), [D([0.0, 2.0, 0.0, -1.5]), D([0.0, 0.0, 3.0, 2.0])])
case("pow float32", "pow", lambda a, b: a.pow(b), [P(4, dtype=F32), R(4, dtype=F32)])
case("exp", "exp", torch.exp, [R(3, 4)])
case("log", "log", torch.log, [P(3, 4)])
case("sqrt", "sqrt", torch.sqrt, [P(3, 4)])
case("abs (with 0)", "abs", torch.abs, [D([-1.5, 0.0, 0.25, -0.0, 3.0])])
case("exp log sqrt float32", "exp_log_sqrt", lambda a: a.exp().log().sqrt(), [P(6, dtype=F32)])
case("clamp both (values on the bounds)", "clamp", lambda a, min, max: a.clamp(min, max), [D([-0.9, -0.5, -0.3, 0.1, 0.5, 0.8])], {"min": -0.5, "max": 0.5})
case("clamp min only", "clamp", lambda a, min: a.clamp(min=min), [D([-1.0, 0.0, 0.3, -0.2])], {"min": 0.0})
case("clamp max only", "clamp", lambda a, max: a.clamp(max=max), [D([-1.0, 0.0, 0.3, 1.0, 1.2])], {"max": 1.0})
case("maximum with ties", "maximum", torch.maximum, [D([1.0, 2.0, 3.0, -1.0]), D([1.0, 0.0, 3.0, 0.5])])
case("maximum broadcast with ties", "maximum", torch.maximum, [D([0.5, 1.0, -2.0, 0.0, 1.0, 3.0], 2, 3), D([1.0, 1.0, 0.0])])
case("minimum with ties", "minimum", torch.minimum, [D([-1.0, 2.0, 0.0]), D([-1.0, 5.0, -0.5])])
case("minimum broadcast", "minimum", torch.minimum, [R(3, 1), R(3, 4)])

# activations
case("relu (with 0)", "relu", torch.relu, [D([-1.0, 0.0, 0.5, -0.25, 2.0])])
case("leaky_relu default slope (with 0)", "leaky_relu", lambda a, negative_slope: F.leaky_relu(a, negative_slope), [D([-1.0, 0.0, 0.5, -0.25, 2.0])], {"negative_slope": 0.01})
case("leaky_relu slope 0.2", "leaky_relu", lambda a, negative_slope: F.leaky_relu(a, negative_slope), [R(3, 4)], {"negative_slope": 0.2})
case("sigmoid (incl. large |x|)", "sigmoid", torch.sigmoid, [D([-40.0, -5.0, -0.5, 0.0, 0.3, 4.0, 40.0])])
case("sigmoid float32", "sigmoid", torch.sigmoid, [R(3, 4, lo=-6, hi=6, dtype=F32)])
case("tanh (incl. large |x|)", "tanh", torch.tanh, [D([-25.0, -3.0, -0.5, 0.0, 0.3, 2.0, 25.0])])
case("tanh float32", "tanh", torch.tanh, [R(3, 4, lo=-4, hi=4, dtype=F32)])
case("gelu exact", "gelu", lambda a, approximate: F.gelu(a, approximate=approximate), [torch.cat([R(12, lo=-5, hi=5), D([0.0, -8.0, 8.0, -1e-3])])], {"approximate": "none"})
case("gelu tanh", "gelu", lambda a, approximate: F.gelu(a, approximate=approximate), [torch.cat([R(12, lo=-5, hi=5), D([0.0, -8.0, 8.0, -1e-3])])], {"approximate": "tanh"})
case("gelu exact float32", "gelu", lambda a, approximate: F.gelu(a, approximate=approximate), [R(3, 4, lo=-4, hi=4, dtype=F32)], {"approximate": "none"})
case("gelu tanh float32", "gelu", lambda a, approximate: F.gelu(a, approximate=approximate), [R(3, 4, lo=-4, hi=4, dtype=F32)], {"approximate": "tanh"})

# softmax family
case("softmax dim -1", "softmax", lambda a, dim: torch.softmax(a, dim), [R(3, 5, lo=-3, hi=3)], {"dim": -1})
case("softmax dim 0", "softmax", lambda a, dim: torch.softmax(a, dim), [R(3, 5)], {"dim": 0})
case("softmax 3-D dim 1", "softmax", lambda a, dim: torch.softmax(a, dim), [R(2, 3, 4)], {"dim": 1})
case("softmax rows partially -inf", "softmax", lambda a, dim: torch.softmax(a, dim),
     [D([0.3, NEG_INF, 1.2, NEG_INF, 0.1, -0.4, NEG_INF, NEG_INF, 2.0], 3, 3)], {"dim": 1})
case("softmax columns partially -inf (dim 0)", "softmax", lambda a, dim: torch.softmax(a, dim),
     [D([0.3, NEG_INF, 1.2, NEG_INF, 0.1, -0.4], 2, 3)], {"dim": 0})
case("softmax float32 large logits", "softmax", lambda a, dim: torch.softmax(a, dim), [D([1000.0, 999.0, -1000.0, 3.0, 2.0, 1.0], 2, 3, dtype=F32)], {"dim": 1})
case("softmax fully -inf row (torch: NaN)", "softmax", lambda a, dim: torch.softmax(a, dim),
     [D([0.3, NEG_INF, 1.2, NEG_INF, NEG_INF, NEG_INF], 2, 3)], {"dim": 1})
case("log_softmax dim -1", "log_softmax", lambda a, dim: torch.log_softmax(a, dim), [R(4, 6, lo=-3, hi=3)], {"dim": -1})
case("log_softmax dim 0", "log_softmax", lambda a, dim: torch.log_softmax(a, dim), [R(4, 3)], {"dim": 0})
case("log_softmax rows partially -inf", "log_softmax", lambda a, dim: torch.log_softmax(a, dim),
     [D([0.3, NEG_INF, 1.2, -2.0, 0.1, NEG_INF], 2, 3)], {"dim": 1})
case("log_softmax fully -inf row (torch: NaN)", "log_softmax", lambda a, dim: torch.log_softmax(a, dim),
     [D([0.3, NEG_INF, 1.2, NEG_INF, NEG_INF, NEG_INF], 2, 3)], {"dim": 1})
case("log_softmax float32", "log_softmax", lambda a, dim: torch.log_softmax(a, dim), [R(3, 5, lo=-5, hi=5, dtype=F32)], {"dim": 1})

# reductions
case("sum all", "sum", lambda a, dims, keepdim: a.sum(), [R(3, 4)], {"dims": None, "keepdim": False})
case("sum dim 1", "sum", lambda a, dims, keepdim: a.sum(dims, keepdim), [R(3, 4)], {"dims": [1], "keepdim": False})
case("sum dims (0,2) keepdim", "sum", lambda a, dims, keepdim: a.sum(dims, keepdim), [R(2, 3, 4)], {"dims": [0, 2], "keepdim": True})
case("sum dim -1 float32", "sum", lambda a, dims, keepdim: a.sum(dims, keepdim), [R(3, 7, dtype=F32)], {"dims": [-1], "keepdim": False})
case("mean all", "mean", lambda a, dims, keepdim: a.mean(), [R(3, 4)], {"dims": None, "keepdim": False})
case("mean dim -1 keepdim", "mean", lambda a, dims, keepdim: a.mean(dims, keepdim), [R(3, 4)], {"dims": [-1], "keepdim": True})
case("mean dims (0,1)", "mean", lambda a, dims, keepdim: a.mean(dims, keepdim), [R(2, 3, 4)], {"dims": [0, 1], "keepdim": False})
case("max dim 1 (no ties)", "max_dim", lambda a, dim, keepdim: torch.max(a, dim, keepdim).values, [R(3, 4)], {"dim": 1, "keepdim": False})
case("max dim 0 keepdim (no ties)", "max_dim", lambda a, dim, keepdim: torch.max(a, dim, keepdim).values, [R(3, 4)], {"dim": 0, "keepdim": True})
case("amax dim 1 with ties", "amax", lambda a, dims, keepdim: torch.amax(a, dims, keepdim), [D([1.0, 3.0, 3.0, 0.0, -1.0, 2.0, -1.0, 2.0], 2, 4)], {"dims": [1], "keepdim": True})
case("amax all with ties", "amax", lambda a, dims, keepdim: torch.amax(a), [D([1.0, 3.0, 3.0, 0.0, -1.0, 3.0], 2, 3)], {"dims": None, "keepdim": False})
case("amin all with ties", "amin", lambda a, dims, keepdim: torch.amin(a), [D([0.5, -2.0, 1.0, -2.0])], {"dims": None, "keepdim": False})
case("amin dim 0 (no ties)", "amin", lambda a, dims, keepdim: torch.amin(a, dims, keepdim), [R(3, 4)], {"dims": [0], "keepdim": False})
case("var dim 1 unbiased", "var", lambda a, dims, correction, keepdim: torch.var(a, dims, unbiased=correction == 1, keepdim=keepdim), [R(3, 5)], {"dims": [1], "correction": 1, "keepdim": False})
case("var all correction 0", "var", lambda a, dims, correction, keepdim: torch.var(a, unbiased=correction == 1), [R(3, 4)], {"dims": None, "correction": 0, "keepdim": False})
case("var all unbiased", "var", lambda a, dims, correction, keepdim: torch.var(a, unbiased=correction == 1), [R(3, 4)], {"dims": None, "correction": 1, "keepdim": False})
case("var dims (0,2) keepdim correction 0", "var", lambda a, dims, correction, keepdim: torch.var(a, dims, unbiased=correction == 1, keepdim=keepdim), [R(2, 3, 4)], {"dims": [0, 2], "correction": 0, "keepdim": True})
case("var float32", "var", lambda a, dims, correction, keepdim: torch.var(a, dims, unbiased=correction == 1, keepdim=keepdim), [R(4, 6, dtype=F32)], {"dims": [-1], "correction": 1, "keepdim": False})
case("argmax dim 1 (first of ties)", "argmax", lambda a, dim, keepdim: torch.argmax(a, dim, keepdim), [D([1.0, 3.0, 3.0, 0.0, -1.0, 2.0, -1.0, 2.5], 2, 4)], {"dim": 1, "keepdim": False})

# matrix products
case("matmul 1-D dot", "matmul", torch.matmul, [R(4), R(4)])
case("matmul 2-D", "matmul", torch.matmul, [R(3, 4), R(4, 5)])
case("matmul 1-D x 2-D", "matmul", torch.matmul, [R(4), R(4, 3)])
case("matmul 2-D x 1-D", "matmul", torch.matmul, [R(3, 4), R(4)])
case("matmul batched broadcast (2,1,3,4)x(3,4,2)", "matmul", torch.matmul, [R(2, 1, 3, 4), R(3, 4, 2)])
case("matmul batched x 1-D", "matmul", torch.matmul, [R(2, 3, 4), R(4)])
case("matmul float32", "matmul", torch.matmul, [R(4, 6, dtype=F32), R(6, 3, dtype=F32)])
case("linear with bias", "linear", F.linear, [R(5, 3), R(4, 3), R(4)])
case("linear with bias 3-D input", "linear", F.linear, [R(2, 3, 4), R(2, 4), R(2)])
case("linear no bias", "linear", F.linear, [R(5, 3), R(4, 3)])
case("linear float32", "linear", F.linear, [R(4, 5, dtype=F32), R(3, 5, dtype=F32), R(3, dtype=F32)])

# shape / indexing
case("concat dim 1", "concat", lambda a, b, dim: torch.cat([a, b], dim), [R(2, 3), R(2, 2)], {"dim": 1})
case("stack dim 1", "stack", lambda a, b, dim: torch.stack([a, b], dim), [R(3), R(3)], {"dim": 1})
case("split sizes (1,3) part 1", "split", lambda a, sizes, dim, index: torch.split(a, sizes, dim)[index], [R(2, 4)], {"sizes": [1, 3], "dim": 1, "index": 1})
case("chunk 3 part 2", "chunk", lambda a, chunks, dim, index: torch.chunk(a, chunks, dim)[index], [R(7, 2)], {"chunks": 3, "dim": 0, "index": 2})
case("transpose then matmul", "transpose_matmul", lambda a, b: a.transpose(0, 1) @ b.transpose(0, 1), [R(4, 3), R(5, 4)])
case("permute + reshape", "permute_reshape", lambda a: a.permute(2, 0, 1).reshape(4, 6) * torch.arange(1.0, 7.0, dtype=F64), [R(2, 3, 4)])
case("gather dim 1", "gather", lambda a, idx, dim: torch.gather(a, dim, idx), [R(3, 5), I([4, 0, 2, 2, 1, 1], 3, 2)], {"dim": 1})
case("gather dim 0 repeated", "gather", lambda a, idx, dim: torch.gather(a, dim, idx), [R(3, 4), I([2, 0, 2, 1, 2, 2, 0, 0], 2, 4)], {"dim": 0})
case("index_select dim 0 repeated", "index_select", lambda a, idx, dim: torch.index_select(a, dim, idx), [R(4, 3), I([2, 0, 2, 2])], {"dim": 0})
case("index_select dim 1", "index_select", lambda a, idx, dim: torch.index_select(a, dim, idx), [R(2, 5), I([4, 1, 1])], {"dim": 1})
case("embedding ids (2,3) repeated", "embedding", lambda table, ids: F.embedding(ids, table), [R(5, 2), I([1, 4, 1, 0, 2, 4], 2, 3)])
case("masked_fill broadcast mask", "masked_fill", lambda a, mask, value: a.masked_fill(mask.bool(), value), [R(3, 4), D([1.0, 0.0, 0.0, 1.0])], {"value": -3.0}, grad=[True, False])
case("masked_fill -inf", "masked_fill", lambda a, mask, value: a.masked_fill(mask.bool(), value), [R(2, 3), D([0.0, 1.0, 0.0, 1.0, 1.0, 0.0], 2, 3)], {"value": NEG_INF}, grad=[True, False])
case("where broadcast condition", "where", lambda cond, a, b: torch.where(cond.bool(), a, b), [D([1.0, 0.0, 1.0], 3, 1), R(3, 4), R(4)], grad=[False, True, True])
case("where scalar branch", "where_scalar", lambda cond, b, value: torch.where(cond.bool(), torch.tensor(value, dtype=F64), b), [D([1.0, 0.0, 0.0, 1.0]), R(4)], {"value": 0.5}, grad=[False, True])

# losses
case("mse_loss mean", "mse_loss", lambda a, b, reduction: F.mse_loss(a, b, reduction=reduction), [R(4, 3), R(4, 3)], {"reduction": "mean"})
case("mse_loss sum", "mse_loss", lambda a, b, reduction: F.mse_loss(a, b, reduction=reduction), [R(4, 3), R(4, 3)], {"reduction": "sum"})
case("mse_loss none", "mse_loss", lambda a, b, reduction: F.mse_loss(a, b, reduction=reduction), [R(2, 3), R(2, 3)], {"reduction": "none"}, grad=[True, False])
case("mse_loss float32", "mse_loss", lambda a, b, reduction: F.mse_loss(a, b, reduction=reduction), [R(5, dtype=F32), R(5, dtype=F32)], {"reduction": "mean"})


# composites
def mlp_nll(x, w1, b1, w2, b2, targets):
    h = torch.tanh(F.linear(x, w1, b1))
    logits = F.linear(h, w2, b2)
    return -torch.log_softmax(logits, 1).gather(1, targets.unsqueeze(1)).mean()


def mlp_gelu_mse(x, w1, b1, w2, b2, y):
    return F.mse_loss(F.linear(F.gelu(F.linear(x, w1, b1)), w2, b2), y)


def attention(q, k, v, mask):
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    return torch.softmax(scores.masked_fill(mask.bool(), NEG_INF), -1) @ v


def layernorm(x, gamma, beta, eps):
    mu = x.mean(-1, keepdim=True)
    var = torch.var(x, -1, unbiased=False, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * gamma + beta


case("composite: 2-layer tanh MLP + NLL", "mlp_nll", mlp_nll, [R(4, 3), R(5, 3), R(5), R(3, 5), R(3), I([0, 2, 1, 2])])
case("composite: 2-layer gelu MLP + MSE", "mlp_gelu_mse", mlp_gelu_mse, [R(6, 4), R(8, 4), R(8), R(2, 8), R(2), R(6, 2)], grad=[True, True, True, True, True, False])
case("composite: 2-layer gelu MLP + MSE float32", "mlp_gelu_mse", mlp_gelu_mse,
     [R(6, 4, dtype=F32), R(8, 4, dtype=F32), R(8, dtype=F32), R(2, 8, dtype=F32), R(2, dtype=F32), R(6, 2, dtype=F32)], grad=[True, True, True, True, True, False])
causal = torch.triu(torch.ones(3, 3, dtype=F64), 1)
case("composite: causal attention (2,3,4)", "attention", attention, [R(2, 3, 4), R(2, 3, 4), R(2, 3, 4), causal], grad=[True, True, True, False])
case("composite: layer norm", "layernorm", layernorm, [R(3, 5), R(5), R(5)], {"eps": 1e-5})

# ---------------------------------------------------------------------------------------------------------------
# SGD: 3 steps from fixed parameters with a fixed gradient sequence (gradients assigned to .grad, then step()).
sgd = []
p0 = [R(2, 3), R(3)]
grad_seq = [[R(2, 3), R(3)] for _ in range(3)]
for name, kw in [
    ("plain lr", dict(lr=0.1)),
    ("momentum 0.9", dict(lr=0.1, momentum=0.9)),
    ("momentum 0.9 nesterov", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("weight_decay 0.01 momentum 0.9 dampening 0.1", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("weight_decay 0.01 no momentum", dict(lr=0.05, weight_decay=0.01)),
]:
    params = [p.clone().requires_grad_(True) for p in p0]
    opt = torch.optim.SGD(params, **kw)
    after = []
    for gs in grad_seq:
        for p, g in zip(params, gs):
            p.grad = g.clone()
        opt.step()
        after.append([enc(p) for p in params])
    sgd.append({
        "name": name,
        "lr": kw["lr"], "momentum": kw.get("momentum", 0.0), "dampening": kw.get("dampening", 0.0),
        "weight_decay": kw.get("weight_decay", 0.0), "nesterov": kw.get("nesterov", False),
        "initial": [enc(p) for p in p0],
        "grads": [[enc(g) for g in gs] for gs in grad_seq],
        "after_step": after,
    })

# ---------------------------------------------------------------------------------------------------------------
# creation
creation = []
for start, end, steps, dt in [(0.0, 1.0, 5, F64), (-1.0, 1.0, 7, F64), (0.0, 1.0, 10, F64), (0.0, 1.0, 10, F32), (-3.0, 2.5, 12, F32),
                              (1.0, 1.0, 1, F64), (2.0, 5.0, 2, F64), (0.1, 0.9, 9, F32)]:
    creation.append({"fn": "linspace", "start": start, "end": end, "steps": steps, "output": enc(torch.linspace(start, end, steps, dtype=dt))})
for start, end, step, dt in [(0.0, 1.0, 0.1, F64), (0.0, 1.0, 0.1, F32), (-1.0, 1.0, 0.25, F64), (0.5, 3.0, 0.3, F64), (0.0, 0.3, 0.1, F64),
                             (1.0, 0.0, -0.1, F64), (0.0, 5.0, 1.0, F32)]:
    creation.append({"fn": "arange", "start": start, "end": end, "step": step, "output": enc(torch.arange(start, end, step, dtype=dt))})

# ---------------------------------------------------------------------------------------------------------------
# printing: str(tensor). "kind": plain | requires_grad | add (a + b with a requiring grad, so grad_fn=<AddBackward0>)
printing = []


def pr(name, t, kind="plain", other=None):
    entry = {"name": name, "kind": kind, "tensor": enc(t)}
    x = t.clone()
    if kind == "requires_grad":
        x.requires_grad_(True)
    elif kind == "add":
        entry["other"] = enc(other)
        x = x.requires_grad_(True) + other
    entry["str"] = str(x)
    printing.append(entry)


pr("float32 mixed values", D([[1.0, -2.5], [0.125, 3.0]], dtype=F32))
pr("float32 1-D mixed", D([0.5, -1.25, 3.0, 10.0625], dtype=F32))
pr("float32 integer-valued", D([1.0, 2.0, -3.0, 0.0], dtype=F32))
pr("float32 integer-valued 2-D", D([[1.0, 20.0], [-3.0, 400.0]], dtype=F32))
pr("float64 mixed", D([0.1, -0.25, 1.5]))
pr("float64 matrix", D([[1.5, -2.0, 0.0], [3.25, 4.0, -5.125]]))
pr("scalar", D(3.5, dtype=F32))
pr("wide range -> scientific", D([1e-5, 1.0, 1000.0], dtype=F32))
pr("large values -> scientific", D([1.0e9, 2.0, 3.0], dtype=F32))
pr("requires_grad", D([1.0, -0.5, 0.25], dtype=F32), "requires_grad")
pr("requires_grad float64", D([1.0, -0.5], dtype=F64), "requires_grad")
pr("grad_fn", D([1.0, 2.5], dtype=F32), "add", D([0.5, -1.0], dtype=F32))
pr("3-D", D(list(range(12)), 2, 3, 2, dtype=F32) / 4)
pr("big 1-D summarised", torch.arange(0.0, 2000.0, dtype=F32) / 8)
pr("big 2-D summarised", (torch.arange(0.0, 1600.0, dtype=F32) / 16).reshape(40, 40))
pr("big integer-valued summarised (torch: scientific)", torch.arange(0.0, 2000.0, dtype=F32))
pr("big 3-D summarised", (torch.arange(0.0, 1280.0, dtype=F32) / 4).reshape(20, 8, 8))
pr("rounding ties go to even", D([0.03125, 0.09375, -0.15625, 1.0], dtype=F64))
pr("int64", I([1, 2, 3]))
pr("int64 matrix", I([[1, -20], [300, 4]]))
pr("inf and nan", D([1.5, float("inf"), float("nan"), -2.0], dtype=F32))
pr("long row wraps at 80 columns", D([float(i) + 0.5 for i in range(16)], dtype=F32))

doc = {
    "generator": "tools/make_torch_fixtures.py",
    "torch_version": torch.__version__,
    "grad_definition": "grads[i] = d(sum(output * weight)) / d(inputs[i]); null where the input does not require grad",
    "cases": cases,
    "sgd": sgd,
    "creation": creation,
    "printing": printing,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(doc, f, separators=(",", ":"), allow_nan=False)
    f.write("\n")
print(f"wrote {os.path.relpath(OUT)}: {len(cases)} op cases, {len(sgd)} SGD runs, {len(creation)} creation cases, "
      f"{len(printing)} printing cases, {os.path.getsize(OUT)} bytes", file=sys.stderr)
