namespace SharpGrad.NN;

/// <summary>
/// Inverted dropout, like <c>torch.nn.Dropout</c>: in training mode each element is zeroed with probability
/// <see cref="P"/> and the rest are scaled by 1/(1 − p), so the expected value is unchanged; in evaluation mode
/// (<see cref="Module.Eval"/>) it is the identity. Any shape.
/// </summary>
public sealed class Dropout : Module, IUsesGenerator
{
    private readonly Generator? _generator;

    Generator? IUsesGenerator.RunGenerator => _generator;

    /// <summary>Probability of zeroing an element.</summary>
    public double P { get; }

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the masks (the thread's default generator when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When p is outside [0, 1].</exception>
    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: probability must be in [0, 1].");
        P = p;
        _generator = generator;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Dropout(P, Training, _generator);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace=False";
}
