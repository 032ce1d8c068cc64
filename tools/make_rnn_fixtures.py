"""Golden values for SharpGrad's recurrent layers: tests/SharpGrad.Tests/Fixtures/torch_rnn.json.
Run with /usr/bin/python3 (python3-torch). Each case: constructor options, the weights (state dict), input, initial states,
a weighting w of the output; expected output, final states, and gradients of sum(output*w) + sum(h_n) (+ sum(c_n)) with
respect to the input, the initial states and every weight."""
import json, torch
torch.manual_seed(0)

def r(t): return {"shape": list(t.shape), "values": [round(float(v), 7) for v in t.detach().reshape(-1).tolist()]}

cases = []
def case(name, kind, I, H, layers, bidir, batch_first, T, B, **kw):
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[kind]
    m = cls(I, H, num_layers=layers, bidirectional=bidir, batch_first=batch_first, **kw)
    D = 2 if bidir else 1
    x = torch.randn(B, T, I) if batch_first else torch.randn(T, B, I)
    x.requires_grad_()
    h0 = torch.randn(layers * D, B, H, requires_grad=True)
    c0 = torch.randn(layers * D, B, H, requires_grad=True) if kind == "lstm" else None
    out, st = m(x, (h0, c0) if kind == "lstm" else h0)
    w = torch.randn(out.shape)
    loss = (out * w).sum()
    if kind == "lstm": loss = loss + st[0].sum() + st[1].sum()
    else: loss = loss + st.sum()
    loss.backward()
    c = {"name": name, "kind": kind, "input_size": I, "hidden_size": H, "num_layers": layers, "bidirectional": bidir,
         "batch_first": batch_first, "nonlinearity": kw.get("nonlinearity", "tanh"),
         "x": r(x), "h0": r(h0), "w": r(w), "output": r(out),
         "h_n": r(st[0] if kind == "lstm" else st), "grad_x": r(x.grad), "grad_h0": r(h0.grad),
         "params": {n: r(p) for n, p in m.named_parameters()}, "grads": {n: r(p.grad) for n, p in m.named_parameters()}}
    if kind == "lstm":
        c.update({"c0": r(c0), "c_n": r(st[1]), "grad_c0": r(c0.grad)})
    cases.append(c)

case("lstm 2 layers bidirectional batch_first", "lstm", 3, 4, 2, True, True, 5, 2)
case("lstm 1 layer", "lstm", 3, 5, 1, False, False, 4, 3)
case("gru 2 layers bidirectional batch_first", "gru", 3, 4, 2, True, True, 5, 2)
case("rnn tanh", "rnn", 3, 4, 2, False, False, 4, 2, nonlinearity="tanh")
case("rnn relu bidirectional", "rnn", 3, 4, 1, True, True, 4, 2, nonlinearity="relu")
json.dump({"cases": cases}, open("tests/SharpGrad.Tests/Fixtures/torch_rnn.json", "w"), separators=(",", ":"))
