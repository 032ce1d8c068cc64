namespace SharpGrad.NN;

/// <summary>
/// Adaptive 2-D average pooling to a fixed output size, like <c>torch.nn.AdaptiveAvgPool2d</c> (see
/// <see cref="Functional.AdaptiveAvgPool2d"/>); output size 1 is global average pooling. No parameters.
/// </summary>
public sealed class AdaptiveAvgPool2d : Module
{
    /// <summary>Output size (OH, OW).</summary>
    public Size2d OutputSize { get; }

    /// <summary>Creates the layer.</summary>
    public AdaptiveAvgPool2d(Size2d outputSize) => OutputSize = outputSize;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AdaptiveAvgPool2d(input, OutputSize);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"output_size={OutputSize.Repr()}";
}
