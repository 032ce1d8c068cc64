namespace SharpGrad.NN;

/// <summary>ReLU(x) = max(0, x), like <c>torch.nn.ReLU</c> (gradient 0 at x = 0). Input and output: any shape.</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Relu();
}
