namespace SharpGrad.NN;

/// <summary>softmax along <see cref="Dim"/>, like <c>torch.nn.Softmax(dim)</c>: outputs in [0, 1] summing to 1 along the dim.</summary>
public sealed class Softmax : Module
{
    /// <summary>The dim normalised over (negative counts from the end).</summary>
    public int Dim { get; }

    /// <summary>Creates the layer.</summary>
    public Softmax(int dim) => Dim = dim;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Softmax(Dim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"dim={Dim}";
}
