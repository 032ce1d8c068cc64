namespace SharpGrad.NN;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b, like <c>torch.nn.Linear</c>. Weight (out, in) and bias (out) are initialised
/// U(−1/√in, 1/√in), PyTorch's default.
/// </summary>
public sealed class Linear : Module
{
    /// <summary>Weight, shape (out_features, in_features).</summary>
    public Tensor Weight { get; }

    /// <summary>Bias, shape (out_features), or null.</summary>
    public Tensor? Bias { get; }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initialisation (default generator when null).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: in_features ({inFeatures}) and out_features ({outFeatures}) must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        double bound = 1.0 / Math.Sqrt(inFeatures);
        Weight = RegisterParameter("weight", Tensor.Uniform([outFeatures, inFeatures], -bound, bound, generator));
        if (bias) Bias = RegisterParameter("bias", Tensor.Uniform([outFeatures], -bound, bound, generator));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Tensor.Linear(input, Weight, Bias);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={(Bias is not null ? "True" : "False")}";
}
