namespace SharpGrad.NN;

/// <summary>One Elman RNN step, like <c>torch.nn.RNNCell</c>: h' = act(W_ih x + b_ih + W_hh h + b_hh), act tanh or relu.</summary>
public sealed class RNNCell : RNNCellBase
{
    /// <summary>"tanh" or "relu".</summary>
    public string Nonlinearity { get; }

    /// <summary>Creates the cell; <paramref name="generator"/> seeds the initialisation.</summary>
    /// <exception cref="ArgumentException">For a nonlinearity other than "tanh" or "relu".</exception>
    public RNNCell(int inputSize, int hiddenSize, bool bias = true, string nonlinearity = "tanh", Generator? generator = null)
        : base(1, inputSize, hiddenSize, bias, generator)
    {
        if (nonlinearity is not ("tanh" or "relu")) throw new ArgumentException($"RNNCell: unknown nonlinearity \"{nonlinearity}\" (tanh or relu).", nameof(nonlinearity));
        Nonlinearity = nonlinearity;
    }

    /// <summary>One step from <paramref name="h"/> (zeros when null); returns the new h.</summary>
    public Tensor Forward(Tensor input, Tensor? h)
    {
        var (x, h0, unbatched) = Prepare(input, h);
        Tensor pre = Tensor.Linear(x, Wih, Bih) + Tensor.Linear(h0, Whh, Bhh);
        Tensor y = Nonlinearity == "tanh" ? pre.Tanh() : pre.Relu();
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>One step from a zero state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <inheritdoc/>
    protected override string ExtraRepr() => base.ExtraRepr() + (Nonlinearity != "tanh" ? ", nonlinearity='relu'" : "");
}
