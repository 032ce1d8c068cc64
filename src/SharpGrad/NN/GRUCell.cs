namespace SharpGrad.NN;

/// <summary>
/// One GRU step, like <c>torch.nn.GRUCell</c> (gate order r, z, n; n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))). The
/// gates → h part is a fused kernel with a hand-written backward.
/// </summary>
public sealed class GRUCell : RNNCellBase
{
    /// <summary>Creates the cell; <paramref name="generator"/> seeds the initialisation.</summary>
    public GRUCell(int inputSize, int hiddenSize, bool bias = true, Generator? generator = null) : base(3, inputSize, hiddenSize, bias, generator) { }

    /// <summary>One step from <paramref name="h"/> (zeros when null); returns the new h.</summary>
    public Tensor Forward(Tensor input, Tensor? h)
    {
        var (x, h0, unbatched) = Prepare(input, h);
        Tensor y = Tensor.GruSequence(Tensor.Linear(x, Wih, Bih).Unsqueeze(0), Whh, Bhh, h0, false).Squeeze(0);
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>One step from a zero state.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);
}
