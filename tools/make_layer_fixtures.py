#!/usr/bin/python3
"""Builds the PyTorch golden fixtures for SharpGrad's layer tests (SharpGrad.NN).

Run with Debian's PyTorch from the repository root:

    /usr/bin/python3 tools/make_layer_fixtures.py

It writes ``tests/SharpGrad.Tests/Fixtures/torch_layers.json``; the tests read it and never need Python. Everything is
float32 (the layers' default dtype); values are written as the exact double of each float32. Inputs come from a seeded
generator. Gradients are of ``sum(output * w)`` for the stored weight ``w``.

Sections:

* ``batchnorm1d``: a BatchNorm1d with given weight/bias run in training mode on two batches (outputs, running statistics
  and num_batches_tracked after each, and the gradients of the first step), then in eval mode on a third input.
  Two cases: (N, C) input and (N, C, L) input.
* ``layernorm``: LayerNorm over the last dim and over the last two dims, with given weight/bias: output and gradients.
* ``embedding``: Embedding with padding_idx: output and the weight gradient (the padding row's is zero).
* ``activations``: GELU (none, tanh), Softmax (dims 1 and 0), LeakyReLU(0.2): output and input gradient.
* ``repr``: ``str(module)`` of each layer, to check SharpGrad's printouts.
"""
import json
import math
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SharpGrad.Tests", "Fixtures", "torch_layers.json")
gen = torch.Generator().manual_seed(31415)


def num(v):
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        raise ValueError("non-finite value in a layer fixture")
    return int(v) if v == int(v) and abs(v) < 2**53 else v


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "values": [num(v) for v in t.reshape(-1).tolist()]}


def R(*shape, lo=-2.0, hi=2.0):
    return (torch.rand(shape, generator=gen, dtype=torch.float64) * (hi - lo) + lo).float()


def batchnorm_case(name, shape, momentum):
    c = shape[1]
    bn = nn.BatchNorm1d(c, momentum=momentum)
    with torch.no_grad():
        bn.weight.copy_(R(c, lo=0.5, hi=1.5))
        bn.bias.copy_(R(c))
    weight0, bias0 = bn.weight.detach().clone(), bn.bias.detach().clone()
    steps = []
    for i in range(2):
        x = R(*shape).requires_grad_()
        y = bn(x)
        w = R(*y.shape)
        gx, gw, gb = torch.autograd.grad(y, [x, bn.weight, bn.bias], grad_outputs=w)
        steps.append({
            "x": enc(x), "y": enc(y), "w": enc(w), "grad_x": enc(gx), "grad_weight": enc(gw), "grad_bias": enc(gb),
            "running_mean": enc(bn.running_mean), "running_var": enc(bn.running_var),
            "num_batches_tracked": int(bn.num_batches_tracked),
        })
    bn.eval()
    xe = R(*shape)
    ye = bn(xe)
    return {"name": name, "num_features": c, "momentum": momentum, "weight": enc(weight0), "bias": enc(bias0),
            "train_steps": steps, "eval_x": enc(xe), "eval_y": enc(ye)}


def layernorm_case(name, x_shape, normalized_shape):
    ln = nn.LayerNorm(normalized_shape)
    with torch.no_grad():
        ln.weight.copy_(R(*normalized_shape, lo=0.5, hi=1.5))
        ln.bias.copy_(R(*normalized_shape))
    x = R(*x_shape).requires_grad_()
    y = ln(x)
    w = R(*y.shape)
    gx, gw, gb = torch.autograd.grad(y, [x, ln.weight, ln.bias], grad_outputs=w)
    return {"name": name, "normalized_shape": list(normalized_shape), "weight": enc(ln.weight), "bias": enc(ln.bias),
            "x": enc(x), "y": enc(y), "w": enc(w), "grad_x": enc(gx), "grad_weight": enc(gw), "grad_bias": enc(gb)}


def embedding_case():
    emb = nn.Embedding(5, 3, padding_idx=1)
    with torch.no_grad():
        emb.weight.copy_(R(5, 3))  # a non-zero padding row: its values are returned, but it gets no gradient
    ids = torch.tensor([[1, 2, 4], [0, 1, 2]], dtype=torch.int64)
    y = emb(ids)
    w = R(*y.shape)
    (gw,) = torch.autograd.grad(y, [emb.weight], grad_outputs=w)
    return {"padding_idx": 1, "weight": enc(emb.weight), "ids": {"shape": [2, 3], "values": ids.reshape(-1).tolist()},
            "y": enc(y), "w": enc(w), "grad_weight": enc(gw)}


def activation_case(name, module, x):
    x = x.clone().requires_grad_()
    y = module(x)
    w = R(*y.shape)
    (gx,) = torch.autograd.grad(y, [x], grad_outputs=w)
    return {"name": name, "x": enc(x), "y": enc(y), "w": enc(w), "grad_x": enc(gx)}


fixture = {
    "batchnorm1d": [
        batchnorm_case("(N,C)", (6, 3), 0.1),
        batchnorm_case("(N,C,L)", (4, 2, 5), 0.3),
    ],
    "layernorm": [
        layernorm_case("last dim", (3, 5), (5,)),
        layernorm_case("last two dims", (2, 3, 4), (3, 4)),
    ],
    "embedding": embedding_case(),
    "activations": [
        activation_case("gelu_none", nn.GELU(), R(3, 4, lo=-4, hi=4)),
        activation_case("gelu_tanh", nn.GELU(approximate="tanh"), R(3, 4, lo=-4, hi=4)),
        activation_case("softmax_dim1", nn.Softmax(dim=1), R(3, 4, lo=-3, hi=3)),
        activation_case("softmax_dim0", nn.Softmax(dim=0), R(3, 4, lo=-3, hi=3)),
        activation_case("leaky_relu_0.2", nn.LeakyReLU(0.2), R(3, 4)),
    ],
    "repr": {
        "linear": str(nn.Linear(4, 3)),
        "linear_nobias": str(nn.Linear(4, 3, bias=False)),
        "relu": str(nn.ReLU()),
        "leaky_relu": str(nn.LeakyReLU()),
        "sigmoid": str(nn.Sigmoid()),
        "tanh": str(nn.Tanh()),
        "gelu": str(nn.GELU()),
        "gelu_tanh": str(nn.GELU(approximate="tanh")),
        "softmax": str(nn.Softmax(dim=1)),
        "dropout": str(nn.Dropout()),
        "dropout_0.1": str(nn.Dropout(0.1)),
        "batchnorm1d": str(nn.BatchNorm1d(3)),
        "batchnorm1d_options": str(nn.BatchNorm1d(3, eps=1e-3, momentum=None, affine=False, track_running_stats=False)),
        "layernorm": str(nn.LayerNorm(5)),
        "layernorm_2d": str(nn.LayerNorm([3, 4], elementwise_affine=False)),
        "embedding": str(nn.Embedding(10, 3)),
        "embedding_padding": str(nn.Embedding(10, 3, padding_idx=0)),
        "flatten": str(nn.Flatten()),
        "sequential": str(nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.1)))),
    },
}

with open(OUT, "w") as f:
    json.dump(fixture, f, indent=1)
    f.write("\n")
print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
