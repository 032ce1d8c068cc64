namespace SharpGrad.NN;

/// <summary>
/// Weight initialisation schemes, like <c>torch.nn.init</c>. Each fills a tensor in place (under no-grad, so parameters
/// can be filled), draws from the given <c>generator</c> (the thread's default generator when null) and returns the tensor.
/// Fan-in and fan-out follow PyTorch: for a weight of shape (out, in, k₁, k₂, …), fan_in = in·k₁·k₂·… and
/// fan_out = out·k₁·k₂·… (<see cref="FanInAndFanOut"/>).
/// </summary>
public static class Init
{
    /// <summary>
    /// The recommended gain for a nonlinearity, like <c>torch.nn.init.calculate_gain</c>: linear, identity, conv*, sigmoid → 1;
    /// tanh → 5/3; relu → √2; leaky_relu → √(2 / (1 + slope²)) with slope <paramref name="param"/> (default 0.01); selu → 3/4.
    /// </summary>
    /// <exception cref="ArgumentException">For an unknown nonlinearity.</exception>
    public static double CalculateGain(string nonlinearity, double? param = null)
    {
        switch (nonlinearity)
        {
            case "linear": case "identity": case "sigmoid":
            case "conv1d": case "conv2d": case "conv3d":
            case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d":
                return 1;
            case "tanh": return 5.0 / 3;
            case "relu": return Math.Sqrt(2.0);
            case "leaky_relu":
                double slope = param ?? 0.01;
                return Math.Sqrt(2.0 / (1 + slope * slope));
            case "selu": return 3.0 / 4;
            default: throw new ArgumentException($"CalculateGain: unsupported nonlinearity \"{nonlinearity}\".", nameof(nonlinearity));
        }
    }

    /// <summary>
    /// (fan_in, fan_out) of a weight of rank ≥ 2: dim 1 is the input size, dim 0 the output size, and dims 2… (a convolution's
    /// kernel) multiply both, like PyTorch's <c>_calculate_fan_in_and_fan_out</c>.
    /// </summary>
    /// <exception cref="ArgumentException">For a tensor of rank below 2.</exception>
    public static (int FanIn, int FanOut) FanInAndFanOut(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.Rank < 2)
            throw new ArgumentException($"Fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape {Shape.Format(tensor.Shape)}).", nameof(tensor));
        int receptive = 1;
        for (int i = 2; i < tensor.Rank; i++) receptive *= tensor.Shape[i];
        return (tensor.Shape[1] * receptive, tensor.Shape[0] * receptive);
    }

    /// <summary>Fills with U(a, b).</summary>
    public static Tensor Uniform(Tensor tensor, double a = 0, double b = 1, Generator? generator = null) =>
        Assign(tensor, Tensor.Uniform(tensor.ShapeArray, a, b, generator, tensor.DType));

    /// <summary>Fills with N(mean, std²).</summary>
    public static Tensor Normal(Tensor tensor, double mean = 0, double std = 1, Generator? generator = null) =>
        Assign(tensor, Tensor.Normal(tensor.ShapeArray, mean, std, generator, tensor.DType));

    /// <summary>Fills with <paramref name="value"/>.</summary>
    public static Tensor Constant(Tensor tensor, double value)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad()) tensor.Fill(value);
        return tensor;
    }

    /// <summary>Fills with 0.</summary>
    public static Tensor Zeros(Tensor tensor) => Constant(tensor, 0);

    /// <summary>Fills with 1.</summary>
    public static Tensor Ones(Tensor tensor) => Constant(tensor, 1);

    /// <summary>
    /// Glorot/Xavier uniform: U(−a, a) with a = gain·√(6 / (fan_in + fan_out)), keeping the variance of activations and
    /// gradients roughly equal across layers (Glorot and Bengio, 2010).
    /// </summary>
    public static Tensor XavierUniform(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        double a = Math.Sqrt(3.0) * std;
        return Uniform(tensor, -a, a, generator);
    }

    /// <summary>Glorot/Xavier normal: N(0, std²) with std = gain·√(2 / (fan_in + fan_out)).</summary>
    public static Tensor XavierNormal(Tensor tensor, double gain = 1, Generator? generator = null)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        return Normal(tensor, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
    }

    /// <summary>
    /// He/Kaiming uniform: U(−bound, bound) with bound = √3 · gain / √fan, gain = <see cref="CalculateGain"/>(nonlinearity, a)
    /// and fan = fan_in (preserves the forward variance) or fan_out (the backward variance), He et al., 2015.
    /// PyTorch's defaults: a = 0, mode "fan_in", nonlinearity "leaky_relu". <see cref="Linear"/>'s default init equals
    /// this with a = √5, i.e. U(−1/√fan_in, 1/√fan_in).
    /// </summary>
    public static Tensor KaimingUniform(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null)
    {
        double bound = Math.Sqrt(3.0) * KaimingStd(tensor, a, mode, nonlinearity);
        return Uniform(tensor, -bound, bound, generator);
    }

    /// <summary>He/Kaiming normal: N(0, std²) with std = gain / √fan (see <see cref="KaimingUniform"/>).</summary>
    public static Tensor KaimingNormal(Tensor tensor, double a = 0, string mode = "fan_in", string nonlinearity = "leaky_relu", Generator? generator = null) =>
        Normal(tensor, 0, KaimingStd(tensor, a, mode, nonlinearity), generator);

    private static double KaimingStd(Tensor tensor, double a, string mode, string nonlinearity)
    {
        var (fanIn, fanOut) = FanInAndFanOut(tensor);
        int fan = mode switch
        {
            "fan_in" => fanIn,
            "fan_out" => fanOut,
            _ => throw new ArgumentException($"Kaiming init: mode must be \"fan_in\" or \"fan_out\", got \"{mode}\".", nameof(mode)),
        };
        if (fan == 0) throw new ArgumentException($"Kaiming init: {mode} is 0 for a tensor of shape {Shape.Format(tensor.Shape)}.", nameof(tensor));
        return CalculateGain(nonlinearity, a) / Math.Sqrt(fan);
    }

    private static Tensor Assign(Tensor tensor, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using (Autograd.NoGrad()) tensor.CopyFrom(values);
        return tensor;
    }
}
