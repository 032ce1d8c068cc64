namespace SharpGrad.NN;

/// <summary>
/// Multi-layer gated recurrent unit, like <c>torch.nn.GRU</c> (see <see cref="RNNBase"/> for shapes and options). Per step,
/// with gate order r, z, n: r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),
/// h' = (1 − z) ⊙ n + z ⊙ h.
/// </summary>
public sealed class GRU : RNNBase
{
    /// <summary>Creates the stack; <paramref name="generator"/> seeds the initialisation and the between-layer dropout.</summary>
    public GRU(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, Generator? generator = null)
        : base(3, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator) { }

    /// <summary>Runs the stack from <paramref name="h0"/> (num_layers·D, B, hidden; zeros when null); returns every step's output and h_n.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (o, h, _) = Run(input, h0, null);
        return (o, h);
    }

    private protected override (Tensor Output, Tensor H, Tensor? C) RunDirection(Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, Tensor h0, Tensor? c0, bool reverse)
    {
        int steps = x.Size(0);
        Tensor y = Tensor.GruSequence(Tensor.Linear(x, wIh, bIh), wHh, bHh, h0, reverse);
        return (y, y.Narrow(0, reverse ? 0 : steps - 1, 1).Squeeze(0), null);
    }
}
