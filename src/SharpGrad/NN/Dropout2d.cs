namespace SharpGrad.NN;

/// <summary>
/// Channel dropout, like <c>torch.nn.Dropout2d</c>: in training mode each channel (n, c) of an (N, C, H, W) input is zeroed
/// as a whole with probability <see cref="P"/> and the rest scaled by 1/(1 − p); identity in evaluation mode
/// (see <see cref="Functional.Dropout2d"/>).
/// </summary>
public sealed class Dropout2d : Module, IUsesGenerator
{
    private readonly Generator? _generator;

    Generator? IUsesGenerator.RunGenerator => _generator;

    /// <summary>Probability of zeroing a channel.</summary>
    public double P { get; }

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the masks (the thread's default generator when null).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When p is outside [0, 1].</exception>
    public Dropout2d(double p = 0.5, Generator? generator = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout2d: probability must be in [0, 1].");
        P = p;
        _generator = generator;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Dropout2d(input, P, Training, _generator);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"p={PyRepr.Float(P)}, inplace=False";
}
