namespace SharpGrad.NN;

/// <summary>
/// One LSTM step, like <c>torch.nn.LSTMCell</c> (gate order i, f, g, o; tanh for the candidate and for the output
/// nonlinearity — see <see cref="LSTM"/> for why the seed's σ is not used there). The gates → (c, h) part is a fused kernel
/// with a hand-written backward.
/// </summary>
public sealed class LSTMCell : RNNCellBase
{
    /// <summary>Creates the cell; <paramref name="generator"/> seeds the initialisation.</summary>
    public LSTMCell(int inputSize, int hiddenSize, bool bias = true, Generator? generator = null) : base(4, inputSize, hiddenSize, bias, generator) { }

    /// <summary>One step from (h, c) (zeros when null); returns the new (h, c).</summary>
    public (Tensor H, Tensor C) Forward(Tensor input, Tensor? h, Tensor? c)
    {
        var (x, h0, unbatched) = Prepare(input, h);
        var (_, c0, _) = Prepare(input, c);
        Tensor y = Tensor.LstmSequence(Tensor.Linear(x, Wih, Bih).Unsqueeze(0), Whh, Bhh, h0, c0, false);
        Tensor hn = y.Narrow(0, 0, 1).Squeeze(0), cn = y.Narrow(0, 1, 1).Squeeze(0);
        return unbatched ? (hn.Squeeze(0), cn.Squeeze(0)) : (hn, cn);
    }

    /// <summary>One step from zero states; returns h.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null, null).H;
}
