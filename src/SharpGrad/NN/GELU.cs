namespace SharpGrad.NN;

/// <summary>
/// Gaussian error linear unit, like <c>torch.nn.GELU</c>: "none" gives x·Φ(x) with the exact normal CDF, "tanh" the
/// approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Any shape.
/// </summary>
public sealed class GELU : Module
{
    /// <summary>"none" or "tanh".</summary>
    public string Approximate { get; }

    /// <summary>Creates the activation.</summary>
    /// <exception cref="ArgumentException">When <paramref name="approximate"/> is not "none" or "tanh".</exception>
    public GELU(string approximate = "none")
    {
        if (approximate is not ("none" or "tanh"))
            throw new ArgumentException($"GELU: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate));
        Approximate = approximate;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Gelu(Approximate);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"approximate='{Approximate}'";
}
