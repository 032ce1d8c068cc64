namespace SharpGrad.NN;

/// <summary>
/// 2-D max pooling, like <c>torch.nn.MaxPool2d</c>: (N, C, H, W) → (N, C, OH, OW) with
/// OH = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1 (see <see cref="Functional.MaxPool2d"/>). No parameters.
/// </summary>
public sealed class MaxPool2d : Module
{
    /// <summary>Window size.</summary>
    public Size2d KernelSize { get; }

    /// <summary>Window step (defaults to the kernel size).</summary>
    public Size2d Stride { get; }

    /// <summary>Implicit −∞ padding on each side.</summary>
    public Size2d Padding { get; }

    /// <summary>Spacing between window taps.</summary>
    public Size2d Dilation { get; }

    /// <summary>Whether the output size is rounded up.</summary>
    public bool CeilMode { get; }

    /// <summary>Creates the layer; <paramref name="stride"/> defaults to <paramref name="kernelSize"/>.</summary>
    public MaxPool2d(Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, Size2d? dilation = null, bool ceilMode = false)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        CeilMode = ceilMode;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.MaxPool2d(input, KernelSize, Stride, Padding, Dilation, CeilMode);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"kernel_size={KernelSize.Repr()}, stride={Stride.Repr()}, padding={Padding.Repr()}, dilation={Dilation.Repr()}, ceil_mode={PyRepr.Bool(CeilMode)}";
}
