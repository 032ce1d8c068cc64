namespace SharpGrad.NN;

/// <summary>σ(x) = 1 / (1 + e^(−x)), like <c>torch.nn.Sigmoid</c>. Input and output: any shape.</summary>
public sealed class Sigmoid : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Sigmoid();
}
