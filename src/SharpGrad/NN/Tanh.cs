namespace SharpGrad.NN;

/// <summary>tanh(x), like <c>torch.nn.Tanh</c>. Input and output: any shape.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Tanh();
}
