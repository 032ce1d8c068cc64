#!/usr/bin/python3
"""Builds the PyTorch golden fixtures for SharpGrad's convolution, pooling and BatchNorm2d tests.

Run with Debian's PyTorch from the repository root:

    /usr/bin/python3 tools/make_conv_fixtures.py

It writes ``tests/SharpGrad.Tests/Fixtures/torch_conv.json``; the tests read it and never need Python. Everything is
float32; values are written with 7 significant digits (the tests allow 2e-5 relative error). Inputs come from a seeded
generator. Gradients are of ``sum(output * w)`` for the stored weight ``w``.

Sections:

* ``conv2d``: F.conv2d configs (stride, padding incl. "same", dilation, groups, bias or not, 1x1, non-square kernels):
  input, weight, bias, output, and the input/weight/bias gradients.
* ``pool``: max_pool2d, avg_pool2d (count_include_pad both ways, ceil_mode) and adaptive_avg_pool2d: output, input grad.
* ``batchnorm2d``: BatchNorm2d trained on two batches (output, gradients, running statistics), then eval on a third.
* ``repr``: ``str(module)`` of the layers.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SharpGrad.Tests", "Fixtures", "torch_conv.json")
gen = torch.Generator().manual_seed(27182)


def enc(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "values": [float("%.7g" % v) for v in t.reshape(-1).tolist()]}


def rand(*shape):
    return torch.rand(*shape, generator=gen) * 2 - 1


def conv_case(name, n, c, h, w, out, k, stride=1, padding=0, dilation=1, groups=1, bias=True):
    kh, kw = (k, k) if isinstance(k, int) else k
    x = rand(n, c, h, w).requires_grad_()
    wt = (rand(out, c // groups, kh, kw) * 0.5).requires_grad_()
    b = rand(out).requires_grad_() if bias else None
    y = F.conv2d(x, wt, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    gw = rand(*y.shape)
    (y * gw).sum().backward()
    pair = lambda v: [v, v] if isinstance(v, int) else list(v)
    case = {"name": name, "stride": pair(stride), "dilation": pair(dilation), "groups": groups,
            "padding": padding if isinstance(padding, str) else pair(padding),
            "x": enc(x), "weight": enc(wt), "y": enc(y), "w": enc(gw), "grad_x": enc(x.grad), "grad_weight": enc(wt.grad)}
    if bias:
        case["bias"] = enc(b)
        case["grad_bias"] = enc(b.grad)
    return case


def pool_case(name, kind, shape, **kw):
    x = rand(*shape).requires_grad_()
    if kind == "max":
        y = F.max_pool2d(x, **kw)
    elif kind == "avg":
        y = F.avg_pool2d(x, **kw)
    else:
        y = F.adaptive_avg_pool2d(x, **kw)
    gw = rand(*y.shape)
    (y * gw).sum().backward()
    args = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
    return {"name": name, "kind": kind, "args": args, "x": enc(x), "y": enc(y), "w": enc(gw), "grad_x": enc(x.grad)}


def batchnorm2d_case():
    bn = nn.BatchNorm2d(3, momentum=0.2)
    with torch.no_grad():
        bn.weight.copy_(rand(3) + 1)
        bn.bias.copy_(rand(3))
    case = {"name": "BatchNorm2d(3, momentum=0.2)", "num_features": 3, "momentum": 0.2,
            "weight": enc(bn.weight), "bias": enc(bn.bias), "train_steps": []}
    for _ in range(2):
        bn.zero_grad()
        x = (rand(4, 3, 3, 2) * 2 + 0.5).requires_grad_()
        y = bn(x)
        gw = rand(*y.shape)
        (y * gw).sum().backward()
        case["train_steps"].append({"x": enc(x), "y": enc(y), "w": enc(gw), "grad_x": enc(x.grad),
                                    "grad_weight": enc(bn.weight.grad), "grad_bias": enc(bn.bias.grad),
                                    "running_mean": enc(bn.running_mean), "running_var": enc(bn.running_var),
                                    "num_batches_tracked": int(bn.num_batches_tracked)})
    bn.eval()
    x = rand(2, 3, 2, 2)
    case["eval_x"] = enc(x)
    case["eval_y"] = enc(bn(x))
    return case


def main():
    fixture = {
        "conv2d": [
            conv_case("awkward: k(3,2) s2 p1 d2 g3", 2, 3, 7, 9, 6, (3, 2), stride=2, padding=1, dilation=2, groups=3),
            conv_case("3x3 same, no bias", 2, 2, 5, 6, 3, 3, padding="same", bias=False),
            conv_case("even kernel (2,4) same (asymmetric)", 1, 2, 5, 6, 2, (2, 4), padding="same"),
            conv_case("1x1", 2, 4, 3, 5, 3, 1),
            conv_case("1x1 stride 2 groups 2", 2, 4, 5, 5, 2, 1, stride=2, groups=2),
            conv_case("H = 1, stride (1,2), padding (0,1)", 2, 2, 1, 7, 3, (1, 3), stride=(1, 2), padding=(0, 1)),
            conv_case("wider 8->8 3x3 on 6x6", 1, 8, 6, 6, 8, 3),
        ],
        "pool": [
            pool_case("max 2", "max", (1, 3, 6, 7), kernel_size=2),
            pool_case("max 3 s2 p1", "max", (2, 2, 7, 9), kernel_size=3, stride=2, padding=1),
            pool_case("max 3 s2 p1 d2 ceil", "max", (1, 1, 9, 8), kernel_size=3, stride=2, padding=1, dilation=2, ceil_mode=True),
            pool_case("avg 3 s2 p1", "avg", (2, 2, 7, 9), kernel_size=3, stride=2, padding=1),
            pool_case("avg 3 s2 p1 exclude pad ceil", "avg", (2, 2, 6, 7), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
            pool_case("adaptive (3,4)", "adaptive", (1, 2, 7, 9), output_size=(3, 4)),
            pool_case("adaptive 1", "adaptive", (2, 3, 5, 4), output_size=1),
        ],
        "batchnorm2d": [batchnorm2d_case()],
        "repr": {
            "conv_default": str(nn.Conv2d(1, 32, 3)),
            "conv_full": str(nn.Conv2d(4, 6, (3, 2), stride=2, padding=(1, 0), dilation=(1, 2), groups=2, bias=False)),
            "conv_same": str(nn.Conv2d(3, 3, 3, padding="same")),
            "maxpool": str(nn.MaxPool2d(2)),
            "avgpool": str(nn.AvgPool2d(3, 2, 1)),
            "adaptive": str(nn.AdaptiveAvgPool2d(1)),
            "batchnorm2d": str(nn.BatchNorm2d(64)),
            "dropout2d": str(nn.Dropout2d(0.25)),
        },
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    print(OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
