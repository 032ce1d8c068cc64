namespace SharpGrad.NN;

/// <summary>
/// Layer normalisation over the trailing dims <see cref="NormalizedShape"/>, like <c>torch.nn.LayerNorm</c>:
/// y = (x − E[x]) / √(Var[x] + ε) · γ + β with the biased variance. Input (*, normalized_shape…), output the same shape.
/// γ starts at 1 and β at 0.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>Scale γ of shape normalized_shape, or null without elementwise affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift β of shape normalized_shape, or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>The trailing shape normalised over.</summary>
    public IReadOnlyList<int> NormalizedShape => _normalizedShape;

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Creates the layer over the trailing dims <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalized_shape must be non-empty with positive sizes, got {Shape.Format(normalizedShape)}.", nameof(normalizedShape));
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(_normalizedShape)));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(_normalizedShape)));
        }
    }

    /// <summary>Creates the layer over the last dim of size <paramref name="normalizedShape"/>.</summary>
    public LayerNorm(int normalizedShape, double eps = 1e-5, bool elementwiseAffine = true) : this([normalizedShape], eps, elementwiseAffine) { }

    /// <summary>Sets γ to 1 and β to 0.</summary>
    public void ResetParameters()
    {
        if (Weight is not null) Init.Ones(Weight);
        if (Bias is not null) Init.Zeros(Bias);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.LayerNorm(input, _normalizedShape, Weight, Bias, Eps);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{PyRepr.Tuple(_normalizedShape)}, eps={PyRepr.Float(Eps)}, elementwise_affine={PyRepr.Bool(Weight is not null)}";
}
