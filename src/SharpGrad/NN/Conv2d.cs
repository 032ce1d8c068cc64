namespace SharpGrad.NN;

/// <summary>
/// 2-D convolution layer, like <c>torch.nn.Conv2d</c>: input (N, C_in, H, W) or (C_in, H, W), output (N, C_out, OH, OW)
/// (see <see cref="Functional.Conv2d"/> for the formula and output size). Weight (C_out, C_in/groups, kh, kw) and bias
/// (C_out) start as U(−1/√fan_in, 1/√fan_in) with fan_in = C_in/groups·kh·kw, PyTorch's default
/// (<see cref="Init.KaimingUniform"/> with a = √5 for the weight).
/// </summary>
public sealed class Conv2d : Module
{
    private readonly Generator? _generator;

    /// <summary>Weight, shape (out_channels, in_channels/groups, kh, kw).</summary>
    public Parameter Weight { get; }

    /// <summary>Bias, shape (out_channels), or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel size (kh, kw).</summary>
    public Size2d KernelSize { get; }

    /// <summary>Stride (sh, sw).</summary>
    public Size2d Stride { get; }

    /// <summary>Zero padding, or "same".</summary>
    public Padding2d Padding { get; }

    /// <summary>Dilation (dh, dw).</summary>
    public Size2d Dilation { get; }

    /// <summary>Number of channel groups.</summary>
    public int Groups { get; }

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initialisation (the default generator when null).</summary>
    /// <param name="inChannels">Channels of the input.</param>
    /// <param name="outChannels">Channels of the output.</param>
    /// <param name="kernelSize">Kernel size: an int or (kh, kw).</param>
    /// <param name="stride">Stride; default 1.</param>
    /// <param name="padding">Zero padding: an int, (h, w), "valid" or "same" (stride 1 only); default 0.</param>
    /// <param name="dilation">Spacing between kernel taps; default 1.</param>
    /// <param name="groups">Channel groups; both channel counts must be divisible by it.</param>
    /// <param name="bias">Whether to add a learned bias.</param>
    /// <param name="generator">Seeds the initialisation.</param>
    /// <exception cref="ArgumentException">Non-positive sizes, channel counts not divisible by groups, or "same" with a stride.</exception>
    public Conv2d(int inChannels, int outChannels, Size2d kernelSize, Size2d? stride = null, Padding2d? padding = null, Size2d? dilation = null,
        int groups = 1, bool bias = true, Generator? generator = null)
    {
        if (inChannels <= 0 || outChannels <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels), $"Conv2d: in_channels ({inChannels}) and out_channels ({outChannels}) must be positive.");
        if (groups <= 0) throw new ArgumentOutOfRangeException(nameof(groups), groups, "Conv2d: groups must be positive.");
        if (inChannels % groups != 0) throw new ArgumentException($"Conv2d: in_channels ({inChannels}) must be divisible by groups ({groups}).", nameof(groups));
        if (outChannels % groups != 0) throw new ArgumentException($"Conv2d: out_channels ({outChannels}) must be divisible by groups ({groups}).", nameof(groups));
        if (kernelSize.Height <= 0 || kernelSize.Width <= 0) throw new ArgumentException($"Conv2d: kernel size must be positive, got {kernelSize}.", nameof(kernelSize));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride ?? 1;
        Padding = padding ?? 0;
        Dilation = dilation ?? 1;
        Groups = groups;
        if (Stride.Height <= 0 || Stride.Width <= 0) throw new ArgumentException($"Conv2d: stride must be positive, got {Stride}.", nameof(stride));
        if (Dilation.Height <= 0 || Dilation.Width <= 0) throw new ArgumentException($"Conv2d: dilation must be positive, got {Dilation}.", nameof(dilation));
        if (Padding.Height < 0 || Padding.Width < 0) throw new ArgumentException($"Conv2d: padding must be non-negative, got {Padding}.", nameof(padding));
        if (Padding.IsSame && (Stride.Height != 1 || Stride.Width != 1))
            throw new ArgumentException("Conv2d: padding='same' is not supported for strided convolutions.", nameof(padding));
        _generator = generator;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(outChannels, inChannels / groups, kernelSize.Height, kernelSize.Width)));
        if (bias) Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outChannels)));
        ResetParameters();
    }

    /// <summary>
    /// Re-draws weight then bias from U(−1/√fan_in, 1/√fan_in) with the layer's generator (kaiming_uniform with a = √5 gives
    /// exactly this bound for the weight; written directly so that the bound is exact).
    /// </summary>
    public void ResetParameters()
    {
        int fanIn = InChannels / Groups * KernelSize.Height * KernelSize.Width;
        double bound = 1.0 / Math.Sqrt(fanIn);
        Init.Uniform(Weight, -bound, bound, _generator);
        if (Bias is not null) Init.Uniform(Bias, -bound, bound, _generator);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Conv2d(input, Weight, Bias, Stride, Padding, Dilation, Groups);

    /// <inheritdoc/>
    protected override string ExtraRepr()
    {
        var s = $"{InChannels}, {OutChannels}, kernel_size={KernelSize}, stride={Stride}";
        if (Padding.IsSame || Padding.Height != 0 || Padding.Width != 0) s += $", padding={Padding}";
        if (Dilation != new Size2d(1, 1)) s += $", dilation={Dilation}";
        if (Groups != 1) s += $", groups={Groups}";
        if (Bias is null) s += ", bias=False";
        return s;
    }
}
