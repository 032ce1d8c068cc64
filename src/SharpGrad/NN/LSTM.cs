namespace SharpGrad.NN;

/// <summary>
/// Multi-layer long short-term memory, like <c>torch.nn.LSTM</c> (see <see cref="RNNBase"/> for shapes and options). Per step,
/// with gate order i, f, g, o in the stacked weights:
/// i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…), c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').
/// <para>
/// The seed text writes σ both for the candidate g and for the output nonlinearity applied to c'. This is the standard
/// LSTM with tanh in both places, as in PyTorch and the original formulation: tanh is zero-centred and ranges over (−1, 1),
/// so the candidate can decrease the cell as well as increase it (σ could only add positive amounts, and c would drift
/// upwards), and h = o ⊙ tanh(c) stays in (−1, 1) with either sign.
/// </para>
/// </summary>
public sealed class LSTM : RNNBase
{
    /// <summary>Creates the stack; <paramref name="generator"/> seeds the initialisation and the between-layer dropout.</summary>
    public LSTM(int inputSize, int hiddenSize, int numLayers = 1, bool bias = true, bool batchFirst = false, double dropout = 0,
        bool bidirectional = false, Generator? generator = null)
        : base(4, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator) { }

    /// <summary>
    /// Runs the stack from initial states <paramref name="h0"/> and <paramref name="c0"/> (zeros when null), each
    /// (num_layers·D, B, hidden). Returns the output of every step and the final states h_n and c_n.
    /// </summary>
    public (Tensor Output, Tensor H, Tensor C) Forward(Tensor input, Tensor? h0, Tensor? c0)
    {
        var (o, h, c) = Run(input, h0, c0);
        return (o, h, c!);
    }

    private protected override (Tensor Output, Tensor H, Tensor? C) RunDirection(Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, Tensor h0, Tensor? c0, bool reverse)
    {
        int steps = x.Size(0);
        Tensor y = Tensor.LstmSequence(Tensor.Linear(x, wIh, bIh), wHh, bHh, h0, c0!, reverse);
        Tensor output = y.Narrow(0, 0, steps);
        Tensor hLast = y.Narrow(0, reverse ? 0 : steps - 1, 1).Squeeze(0);
        Tensor cLast = y.Narrow(0, steps, 1).Squeeze(0);
        return (output, hLast, cLast);
    }
}
