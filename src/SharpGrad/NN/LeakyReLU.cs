namespace SharpGrad.NN;

/// <summary>LeakyReLU(x) = x for x &gt; 0, negative_slope·x otherwise, like <c>torch.nn.LeakyReLU</c>. Any shape.</summary>
public sealed class LeakyReLU : Module
{
    /// <summary>Slope for negative inputs.</summary>
    public double NegativeSlope { get; }

    /// <summary>Creates the activation (PyTorch's default slope 0.01).</summary>
    public LeakyReLU(double negativeSlope = 0.01) => NegativeSlope = negativeSlope;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.LeakyRelu(NegativeSlope);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"negative_slope={PyRepr.Float(NegativeSlope)}";
}
