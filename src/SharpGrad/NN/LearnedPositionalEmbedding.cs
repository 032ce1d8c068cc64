namespace SharpGrad.NN;

/// <summary>
/// A learned position embedding (maxLen, C) (GPT-2's <c>wpe</c>), added to the input (B, T, C): positions
/// offset … offset + T − 1. The parameter is <c>weight</c>, initialised N(0, 1) like <see cref="Embedding"/>.
/// </summary>
public sealed class LearnedPositionalEmbedding : Module
{
    /// <summary>The table (maxLen, C).</summary>
    public Parameter Weight { get; }

    /// <summary>Creates the embedding.</summary>
    public LearnedPositionalEmbedding(int maxLen, int dModel, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLen);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dModel);
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(maxLen, dModel)));
        Init.Normal(Weight, 0, 1, generator);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, 0);

    /// <summary>(B, T, C) + weight[offset … offset + T − 1].</summary>
    public Tensor Forward(Tensor input, int offset)
    {
        ArgumentNullException.ThrowIfNull(input);
        int t = input.Shape[^2];
        if (offset < 0 || offset + t > Weight.Shape[0])
            throw new ArgumentException($"LearnedPositionalEmbedding: positions {offset}..{offset + t - 1} exceed max_len {Weight.Shape[0]}.");
        return input + Weight.Narrow(0, offset, t);
    }
}
