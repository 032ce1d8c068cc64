#!/usr/bin/python3
"""Builds the PyTorch golden fixtures for SharpGrad's attention and Transformer layers (SharpGrad.NN).

Run with Debian's PyTorch (1.13) from the repository root:

    /usr/bin/python3 tools/make_attention_fixtures.py

It writes ``tests/SharpGrad.Tests/Fixtures/torch_attention.json``; the tests (NN/TorchAttentionFixtureTests.cs) read it
and never need Python. Everything is float32; values are rounded to 7 decimals. Weights are random (biases included, so
they are tested too) and stored as the module's ``state_dict()``, which SharpGrad loads with ``LoadStateDict`` under
PyTorch's names. Gradients are of ``sum(out * w)`` (plus ``sum(attn_weights * w_weights)`` when attention weights are
returned) with respect to every input and every parameter.

Masks are stored as 0/1 arrays, 1 = masked (SharpGrad's convention and that of PyTorch's boolean masks). A mask of kind
``float`` was given to PyTorch as an additive float mask (0 where allowed, -inf where masked, as
``nn.Transformer.generate_square_subsequent_mask`` builds it); the test passes SharpGrad the same -inf/0 tensor.

Sections:

* ``mha``: ``nn.MultiheadAttention`` — self- and cross-attention (Tq != Tk, key is value or not), bias on/off,
  batch_first on/off, attn_mask bool (2-D causal, 3-D per head) and float, key_padding_mask, need_weights with
  average_attn_weights True/False (the returned weights are compared too).
* ``sdpa``: ``softmax(q k^T * scale + mask) v`` computed by hand (torch 1.13 has no F.scaled_dot_product_attention), in
  SharpGrad's conventions: is_causal lets query i see key j <= i + (Tk - Tq) (the queries are the last Tq positions), a
  padding mask (B, 1, 1, Tk), a custom scale, value head size != query head size, the returned weights.
* ``encoder`` / ``decoder``: ``nn.TransformerEncoderLayer`` / ``nn.TransformerDecoderLayer`` (batch_first, dropout 0),
  relu and gelu, norm_first False and True; causal target masks and key padding masks.
* ``sinusoidal``: the positional-encoding table of the PyTorch tutorial (PE[pos, 2i] = sin(pos / 10000^(2i/d)),
  PE[pos, 2i+1] = cos(...)) computed in float64, and x + PE[offset:offset+T].
* ``learned``: x + weight[offset:offset+T] (a learned position table), output and gradients.
"""
import json
import math
import os

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SharpGrad.Tests", "Fixtures", "torch_attention.json")
torch.manual_seed(2718)


def num(v):
    v = float(v)
    if math.isnan(v) or math.isinf(v):
        raise ValueError("non-finite value in an attention fixture")
    v = round(v, 7)
    return int(v) if v == int(v) else v


def enc(t):
    t = t.detach()
    return {"shape": list(t.shape), "values": [num(v) for v in t.reshape(-1).tolist()]}


def enc_mask(m):
    """A boolean mask as 0/1 (1 = masked)."""
    return {"shape": list(m.shape), "values": [int(v) for v in m.reshape(-1).tolist()]}


def U(*shape, lo=-1.0, hi=1.0):
    return torch.rand(*shape) * (hi - lo) + lo


def randomize(module):
    """Random weights everywhere (PyTorch zero-initialises the attention biases, which would hide bias bugs)."""
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.startswith("norm") and name.endswith("weight"):
                p.copy_(U(*p.shape, lo=0.5, hi=1.5))
            else:
                p.copy_(U(*p.shape, lo=-0.6, hi=0.6))


def causal(tq, tk):
    """1 = masked: key j after query i (queries are the last tq of tk positions)."""
    return torch.ones(tq, tk, dtype=torch.bool).triu(1 + tk - tq)


def padding(b, t, lengths):
    """(B, T) key padding mask: positions >= length are padding."""
    return torch.arange(t).expand(b, t) >= torch.tensor(lengths).unsqueeze(1)


def as_float(mask):
    return torch.zeros(mask.shape).masked_fill(mask, float("-inf"))


def state(module):
    return {k: enc(v) for k, v in module.state_dict().items()}


def grads(module):
    return {n: enc(p.grad) for n, p in module.named_parameters()}


# ----------------------------------------------------------------------------------------------------------------------
# nn.MultiheadAttention

def mha_case(name, e, nh, b, tq, tk, *, bias=True, batch_first=True, cross=False, separate_value=False, attn_mask=None,
             mask_kind="bool", key_padding_mask=None, need_weights=False, average=True):
    m = nn.MultiheadAttention(e, nh, bias=bias, batch_first=batch_first)
    randomize(m)
    shape = lambda t: (b, t, e) if batch_first else (t, b, e)
    query = U(*shape(tq)).requires_grad_()
    key = U(*shape(tk)).requires_grad_() if cross else query
    value = U(*shape(tk)).requires_grad_() if separate_value else key
    am = None if attn_mask is None else (as_float(attn_mask) if mask_kind == "float" else attn_mask)
    out, weights = m(query, key, value, key_padding_mask=key_padding_mask, need_weights=need_weights, attn_mask=am,
                     average_attn_weights=average)
    w = U(*out.shape)
    loss = (out * w).sum()
    c = {"name": name, "embed_dim": e, "num_heads": nh, "bias": bias, "batch_first": batch_first,
         "need_weights": need_weights, "average_attn_weights": average, "state_dict": state(m), "query": enc(query),
         "w": enc(w), "output": enc(out)}
    if cross: c["key"] = enc(key)
    if separate_value: c["value"] = enc(value)
    if attn_mask is not None: c.update({"attn_mask": enc_mask(attn_mask), "attn_mask_kind": mask_kind})
    if key_padding_mask is not None: c["key_padding_mask"] = enc_mask(key_padding_mask)
    if need_weights:
        ww = U(*weights.shape)
        loss = loss + (weights * ww).sum()
        c.update({"weights": enc(weights), "w_weights": enc(ww)})
    loss.backward()
    c["grad_query"] = enc(query.grad)
    if cross: c["grad_key"] = enc(key.grad)
    if separate_value: c["grad_value"] = enc(value.grad)
    c["grads"] = grads(m)
    return c


E, NH, B = 6, 2, 2
mha = [
    mha_case("self, no mask, weights averaged", E, NH, B, 4, 4, need_weights=True),
    mha_case("self, bool causal attn_mask", E, NH, B, 5, 5, attn_mask=causal(5, 5)),
    mha_case("self, float causal attn_mask, per-head weights", E, NH, B, 5, 5, attn_mask=causal(5, 5), mask_kind="float",
             need_weights=True, average=False),
    mha_case("self, no bias, key_padding_mask", E, NH, B, 4, 4, bias=False, key_padding_mask=padding(B, 4, [4, 2])),
    mha_case("self, 3 heads, bool causal and key_padding_mask, weights", E, 3, B, 5, 5, attn_mask=causal(5, 5),
             key_padding_mask=padding(B, 5, [3, 5]), need_weights=True),
    mha_case("cross (key is value), key_padding_mask, weights averaged", E, NH, B, 3, 5, cross=True,
             key_padding_mask=padding(B, 5, [5, 3]), need_weights=True),
    mha_case("cross, separate value, no bias, per-head weights", E, NH, B, 3, 6, bias=False, cross=True, separate_value=True,
             need_weights=True, average=False),
    mha_case("cross, float attn_mask and key_padding_mask", E, NH, B, 4, 5, cross=True, separate_value=True,
             attn_mask=torch.tensor([[0, 1, 0, 0, 1], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 1, 0]], dtype=torch.bool),
             mask_kind="float", key_padding_mask=padding(B, 5, [5, 4])),
    mha_case("cross, 3-D bool attn_mask (B*NH, Tq, Tk)", E, NH, B, 3, 4, cross=True,
             attn_mask=(torch.rand(B * NH, 3, 4) < 0.4) & ~torch.eye(3, 4, dtype=torch.bool), need_weights=True,
             average=False),
    mha_case("self, batch_first False, bool causal", E, NH, B, 4, 4, batch_first=False, attn_mask=causal(4, 4)),
    mha_case("cross, batch_first False, key_padding_mask", E, NH, B, 3, 5, batch_first=False, cross=True,
             separate_value=True, key_padding_mask=padding(B, 5, [2, 5]), need_weights=True),
]


# ----------------------------------------------------------------------------------------------------------------------
# Scaled dot-product attention, by hand in SharpGrad's conventions

def sdpa_case(name, b, nh, tq, tk, hs, hsv=None, *, is_causal=False, pad_lengths=None, scale=None, return_weights=False):
    hsv = hsv or hs
    q = U(b, nh, tq, hs, lo=-2, hi=2).requires_grad_()
    k = U(b, nh, tk, hs, lo=-2, hi=2).requires_grad_()
    v = U(b, nh, tk, hsv, lo=-2, hi=2).requires_grad_()
    s = scale if scale is not None else 1.0 / math.sqrt(hs)
    scores = q @ k.transpose(-2, -1) * s
    if is_causal: scores = scores.masked_fill(causal(tq, tk), float("-inf"))
    pad = None
    if pad_lengths is not None:
        pad = padding(b, tk, pad_lengths).view(b, 1, 1, tk)
        scores = scores.masked_fill(pad, float("-inf"))
    weights = scores.softmax(-1)
    out = weights @ v
    w = U(*out.shape)
    loss = (out * w).sum()
    c = {"name": name, "is_causal": is_causal, "q": enc(q), "k": enc(k), "v": enc(v), "w": enc(w), "output": enc(out)}
    if scale is not None: c["scale"] = scale
    if pad is not None: c["mask"] = enc_mask(pad)
    if return_weights:
        ww = U(*weights.shape)
        loss = loss + (weights * ww).sum()
        c.update({"weights": enc(weights), "w_weights": enc(ww)})
    loss.backward()
    c.update({"grad_q": enc(q.grad), "grad_k": enc(k.grad), "grad_v": enc(v.grad)})
    return c


sdpa = [
    sdpa_case("no mask, Tq != Tk, weights", 2, 2, 3, 5, 4, return_weights=True),
    sdpa_case("causal", 2, 2, 4, 4, 4, is_causal=True),
    sdpa_case("causal, queries are the last 2 of 5 positions, weights", 2, 2, 2, 5, 4, is_causal=True, return_weights=True),
    sdpa_case("causal and padding mask, weights", 2, 2, 4, 4, 4, is_causal=True, pad_lengths=[4, 2], return_weights=True),
    sdpa_case("padding mask, custom scale, value head size 3", 1, 3, 3, 4, 4, 3, pad_lengths=[3], scale=0.7),
]


# ----------------------------------------------------------------------------------------------------------------------
# Transformer layers

D_MODEL, FF = 6, 10


def encoder_case(name, activation, norm_first, t=5, src_mask=None, lengths=None, mask_kind="bool"):
    m = nn.TransformerEncoderLayer(D_MODEL, NH, dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=True,
                                   norm_first=norm_first)
    randomize(m)
    x = U(B, t, D_MODEL, lo=-2, hi=2).requires_grad_()
    kpm = None if lengths is None else padding(B, t, lengths)
    sm = None if src_mask is None else (as_float(src_mask) if mask_kind == "float" else src_mask)
    out = m(x, src_mask=sm, src_key_padding_mask=kpm)
    w = U(*out.shape)
    (out * w).sum().backward()
    c = {"name": name, "d_model": D_MODEL, "nhead": NH, "dim_feedforward": FF, "activation": activation,
         "norm_first": norm_first, "state_dict": state(m), "src": enc(x), "w": enc(w), "output": enc(out),
         "grad_src": enc(x.grad), "grads": grads(m)}
    if src_mask is not None:
        c.update({"src_mask": enc_mask(src_mask), "src_mask_kind": mask_kind,
                  "src_mask_is_causal": bool(torch.equal(src_mask, causal(t, t)))})
    if kpm is not None: c["src_key_padding_mask"] = enc_mask(kpm)
    return c


def decoder_case(name, activation, norm_first, t=4, s=5, tgt_causal=True, tgt_lengths=None, mem_lengths=None,
                 memory_mask=None):
    m = nn.TransformerDecoderLayer(D_MODEL, NH, dim_feedforward=FF, dropout=0.0, activation=activation, batch_first=True,
                                   norm_first=norm_first)
    randomize(m)
    tgt = U(B, t, D_MODEL, lo=-2, hi=2).requires_grad_()
    mem = U(B, s, D_MODEL, lo=-2, hi=2).requires_grad_()
    tm = causal(t, t) if tgt_causal else None
    tkpm = None if tgt_lengths is None else padding(B, t, tgt_lengths)
    mkpm = None if mem_lengths is None else padding(B, s, mem_lengths)
    out = m(tgt, mem, tgt_mask=None if tm is None else as_float(tm), memory_mask=memory_mask, tgt_key_padding_mask=tkpm,
            memory_key_padding_mask=mkpm)
    w = U(*out.shape)
    (out * w).sum().backward()
    c = {"name": name, "d_model": D_MODEL, "nhead": NH, "dim_feedforward": FF, "activation": activation,
         "norm_first": norm_first, "state_dict": state(m), "tgt": enc(tgt), "memory": enc(mem), "w": enc(w),
         "output": enc(out), "grad_tgt": enc(tgt.grad), "grad_memory": enc(mem.grad), "grads": grads(m)}
    if tm is not None: c["tgt_mask"] = enc_mask(tm)  # given to PyTorch as the float -inf/0 mask (generate_square_subsequent_mask)
    if memory_mask is not None: c["memory_mask"] = enc_mask(memory_mask)
    if tkpm is not None: c["tgt_key_padding_mask"] = enc_mask(tkpm)
    if mkpm is not None: c["memory_key_padding_mask"] = enc_mask(mkpm)
    return c


encoder = [
    encoder_case("relu, post-norm, no mask", "relu", False),
    encoder_case("relu, pre-norm, causal bool src_mask and key padding", "relu", True, src_mask=causal(5, 5), lengths=[5, 3]),
    encoder_case("gelu, post-norm, causal float src_mask", "gelu", False, src_mask=causal(5, 5), mask_kind="float"),
    encoder_case("gelu, pre-norm, key padding", "gelu", True, lengths=[2, 5]),
]

decoder = [
    decoder_case("relu, post-norm, causal tgt_mask, memory key padding", "relu", False, mem_lengths=[5, 3]),
    decoder_case("relu, pre-norm, causal tgt_mask, memory key padding", "relu", True, mem_lengths=[2, 5]),
    decoder_case("gelu, post-norm, causal tgt_mask, both key paddings, memory_mask", "gelu", False, tgt_lengths=[4, 3],
                 mem_lengths=[5, 4], memory_mask=torch.tensor([[0, 0, 1, 0, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0],
                                                               [0, 1, 0, 0, 0]], dtype=torch.bool)),
    decoder_case("gelu, pre-norm, causal tgt_mask, memory key padding", "gelu", True, mem_lengths=[4, 5]),
]


# ----------------------------------------------------------------------------------------------------------------------
# Positional encodings

def sinusoidal_case(d_model, max_len, t, offset):
    # the PyTorch tutorial's PositionalEncoding, in float64
    position = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float64) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    x = U(B, t, d_model)
    return {"d_model": d_model, "max_len": max_len, "offset": offset, "table": enc(pe), "x": enc(x),
            "output": enc(x + pe[offset:offset + t].float())}


def learned_case(max_len, d_model, t, offset):
    weight = U(max_len, d_model).requires_grad_()
    x = U(B, t, d_model).requires_grad_()
    out = x + weight[offset:offset + t]
    w = U(*out.shape)
    (out * w).sum().backward()
    return {"max_len": max_len, "d_model": d_model, "offset": offset, "weight": enc(weight), "x": enc(x), "w": enc(w),
            "output": enc(out), "grad_x": enc(x.grad), "grad_weight": enc(weight.grad)}


fixture = {
    "torch_version": torch.__version__,
    "mha": mha,
    "sdpa": sdpa,
    "encoder": encoder,
    "decoder": decoder,
    "sinusoidal": sinusoidal_case(10, 64, 5, 30),
    "learned": learned_case(7, 4, 3, 2),
}

with open(OUT, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")
