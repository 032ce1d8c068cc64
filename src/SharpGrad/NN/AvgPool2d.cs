namespace SharpGrad.NN;

/// <summary>
/// 2-D average pooling, like <c>torch.nn.AvgPool2d</c> (see <see cref="Functional.AvgPool2d"/>); padding taps count in the
/// divisor by default (<c>count_include_pad=True</c>). No parameters.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Window size.</summary>
    public Size2d KernelSize { get; }

    /// <summary>Window step (defaults to the kernel size).</summary>
    public Size2d Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public Size2d Padding { get; }

    /// <summary>Whether the output size is rounded up.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padding taps count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to <paramref name="kernelSize"/>.</summary>
    public AvgPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.AvgPool2d(input, KernelSize, Stride, Padding, CeilMode, CountIncludePad);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"kernel_size={KernelSize.Repr()}, stride={Stride.Repr()}, padding={Padding.Repr()}";
}
