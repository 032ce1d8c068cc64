namespace SharpGrad.NN;

/// <summary>
/// Multi-layer Elman recurrent network, like <c>torch.nn.RNN</c> (see <see cref="RNNBase"/> for shapes and options):
/// h' = act(W_ih x + b_ih + W_hh h + b_hh) with act tanh (default) or relu.
/// </summary>
public sealed class RNN : RNNBase
{
    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>Creates the stack; <paramref name="generator"/> seeds the initialisation and the between-layer dropout.</summary>
    /// <exception cref="ArgumentException">For a nonlinearity other than "tanh" or "relu".</exception>
    public RNN(int inputSize, int hiddenSize, int numLayers = 1, string nonlinearity = "tanh", bool bias = true, bool batchFirst = false,
        double dropout = 0, bool bidirectional = false, Generator? generator = null)
        : base(1, inputSize, hiddenSize, numLayers, bias, batchFirst, dropout, bidirectional, generator)
    {
        if (nonlinearity is not ("tanh" or "relu")) throw new ArgumentException($"RNN: unknown nonlinearity \"{nonlinearity}\" (tanh or relu).", nameof(nonlinearity));
        Nonlinearity = nonlinearity;
    }

    /// <summary>Runs the stack from <paramref name="h0"/> (num_layers·D, B, hidden; zeros when null); returns every step's output and h_n.</summary>
    public (Tensor Output, Tensor H) Forward(Tensor input, Tensor? h0)
    {
        var (o, h, _) = Run(input, h0, null);
        return (o, h);
    }

    private protected override (Tensor Output, Tensor H, Tensor? C) RunDirection(Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, Tensor h0, Tensor? c0, bool reverse)
    {
        int steps = x.Size(0);
        Tensor xp = Tensor.Linear(x, wIh, bIh);
        var outs = new Tensor[steps];
        Tensor h = h0;
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            Tensor pre = xp.Narrow(0, t, 1).Squeeze(0) + Tensor.Linear(h, wHh, bHh);
            h = Nonlinearity == "tanh" ? pre.Tanh() : pre.Relu();
            outs[t] = h;
        }
        return (Tensor.Stack(outs, 0), h, null);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity != "tanh" ? ", nonlinearity='relu'" : "");
}
