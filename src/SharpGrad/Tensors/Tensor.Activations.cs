using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>Activation functions, dropout and comparison masks.</summary>
public partial class Tensor
{
    /// <summary>max(x, 0). The gradient at exactly 0 is 0, as in PyTorch.</summary>
    public Tensor Relu()
    {
        Tensor x = this;
        return UnaryRaw(UnaryKind.Relu, "Relu").Record("ReluBackward", [x], g => [ReluGrad(g, x)], x);
    }

    /// <summary>x for x &gt; 0, otherwise <paramref name="negativeSlope"/>·x (PyTorch's default slope 0.01).</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        Tensor x = this;
        return UnaryRaw(UnaryKind.LeakyRelu, "LeakyRelu", negativeSlope)
            .Record("LeakyReluBackward", [x], g => [g.Mul(x.UnaryRaw(UnaryKind.ReluDerivative, "LeakyRelu", negativeSlope))], x);
    }

    /// <summary>σ(x) = 1/(1 + e^(−x)).</summary>
    public Tensor Sigmoid()
    {
        Tensor result = UnaryRaw(UnaryKind.Sigmoid, "Sigmoid");
        Tensor y = result.Detach();
        // σ' = σ(1 − σ)
        return result.Record("SigmoidBackward", [this], g => [ActivationGrad(g, y, tanh: false)], result);
    }

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh()
    {
        Tensor result = UnaryRaw(UnaryKind.Tanh, "Tanh");
        Tensor y = result.Detach();
        // tanh' = 1 − tanh²
        return result.Record("TanhBackward", [this], g => [ActivationGrad(g, y, tanh: true)], result);
    }

    /// <summary>dx = g where x &gt; 0 else 0, one kernel pass (no mask tensor).</summary>
    private static Tensor ReluGrad(Tensor g, Tensor x)
    {
        Tensor xc = x.ContiguousRaw();
        Tensor gd = g.DType == x.DType ? g.ContiguousRaw() : g.To(x.DType).ContiguousRaw();
        var dx = new Tensor(Storage.AllocateUninitialized(x.DType, x.Numel), x.ShapeArray);
        if (x.DType == DType.Float32)
            ParallelElementwise.ReluBackward((float[])gd.Storage.Data, gd.Offset, (float[])xc.Storage.Data, xc.Offset, (float[])dx.Storage.Data, 0, x.Numel);
        else ActivationBackward.Relu(gd.Span<double>(), xc.Span<double>(), dx.Span<double>());
        return dx;
    }

    /// <summary>The gradient of sigmoid or tanh from the output gradient and the saved output, in one kernel pass.</summary>
    private static Tensor ActivationGrad(Tensor g, Tensor y, bool tanh)
    {
        Tensor gd = g.DType == y.DType ? g.ContiguousRaw() : g.To(y.DType).ContiguousRaw();
        var dx = new Tensor(Storage.AllocateUninitialized(y.DType, y.Numel), y.ShapeArray);
        if (y.DType == DType.Float32)
        {
            Tensor yc = y.ContiguousRaw();
            ParallelElementwise.ActivationBackward(tanh, (float[])gd.Storage.Data, gd.Offset, (float[])yc.Storage.Data, yc.Offset, (float[])dx.Storage.Data, 0, y.Numel);
        }
        else
        {
            if (tanh) ActivationBackward.Tanh<double>(gd.Span<double>(), y.Span<double>(), dx.Span<double>());
            else ActivationBackward.Sigmoid<double>(gd.Span<double>(), y.Span<double>(), dx.Span<double>());
        }
        return dx;
    }

    /// <summary>The error function erf(x) = (2/√π)∫₀ˣ e^(−t²) dt, elementwise (<c>torch.erf</c>); d/dx = (2/√π)·e^(−x²).</summary>
    public Tensor Erf()
    {
        RequireFloating("Erf");
        Tensor x = this, xc = ContiguousRaw();
        var y = new Tensor(Storage.AllocateUninitialized(DType, Numel), (int[])_shape.Clone());
        Launch.Run((xc, y), static s =>
        {
            if (s.xc.DType == DType.Float32)
            {
                ReadOnlySpan<float> src = s.xc.Span<float>();
                Span<float> dst = s.y.Span<float>();
                for (int i = 0; i < src.Length; i++) dst[i] = (float)SpecialFunctions.Erf(src[i]);
            }
            else
            {
                ReadOnlySpan<double> src = s.xc.Span<double>();
                Span<double> dst = s.y.Span<double>();
                for (int i = 0; i < src.Length; i++) dst[i] = SpecialFunctions.Erf(src[i]);
            }
        });
        return y.Record("ErfBackward", [x], g => [g.Mul(xc.Mul(xc).Neg().Exp().MulScalar(2 / Math.Sqrt(Math.PI)))], xc);
    }

    /// <summary>
    /// Gaussian error linear unit. <paramref name="approximate"/> "none" (default): x·Φ(x) with the exact normal CDF;
    /// "tanh": ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as in <c>torch.nn.functional.gelu</c>.
    /// </summary>
    public Tensor Gelu(string approximate = "none")
    {
        bool tanh = approximate switch
        {
            "none" => false,
            "tanh" => true,
            _ => throw new ArgumentException($"Gelu: approximate must be \"none\" or \"tanh\", got \"{approximate}\".", nameof(approximate)),
        };
        RequireFloating("Gelu");
        Tensor x = this, xc = ContiguousRaw();
        var y = new Tensor(Storage.AllocateUninitialized(DType, Numel), (int[])_shape.Clone());
        if (DType == DType.Float32) GeluKernel.Forward(xc.Memory<float>(), y.Memory<float>(), tanh);
        else GeluKernel.Forward(xc.Memory<double>(), y.Memory<double>(), tanh);
        // The backward reads x and g once and writes dx = g·GELU'(x): one pass, no derivative tensor.
        return y.Record("GeluBackward", [x], g => [GeluGrad(g, xc, tanh)], xc);
    }

    /// <summary>dx = g·GELU'(x) in one (multi-threaded) kernel pass.</summary>
    private static Tensor GeluGrad(Tensor g, Tensor xc, bool tanh)
    {
        Tensor gd = g.DType == xc.DType ? g.ContiguousRaw() : g.To(xc.DType).ContiguousRaw();
        var dx = new Tensor(Storage.AllocateUninitialized(xc.DType, xc.Numel), xc.ShapeArray);
        if (xc.DType == DType.Float32) GeluKernel.Backward(xc.Memory<float>(), gd.Memory<float>(), dx.Memory<float>(), tanh);
        else GeluKernel.Backward(xc.Memory<double>(), gd.Memory<double>(), dx.Memory<double>(), tanh);
        return dx;
    }

    /// <summary>
    /// Randomly zeroes elements with probability <paramref name="p"/> and scales the rest by 1/(1−p) (inverted dropout).
    /// Identity when <paramref name="training"/> is false or p = 0.
    /// </summary>
    public Tensor Dropout(double p, bool training = true, Generator? generator = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: probability must be in [0, 1].");
        RequireFloating("Dropout");
        if (!training || p == 0) return this;
        Kernels.Launch.RefuseWhileRecording("dropout (its random mask)");
        if (p == 1) return Mul(ZerosLike(this));
        var g = generator ?? Generator.Default;
        var mask = Zeros(_shape, DType);
        double scale = 1.0 / (1.0 - p);
        if (DType == DType.Float32) FillDropoutMask(mask.Span<float>(), p, (float)scale, g);
        else FillDropoutMask(mask.Span<double>(), p, scale, g);
        return Mul(mask);
    }

    /// <summary>Each element is kept (set to 1/(1−p)) with probability 1 − p, one uniform draw per element in order.</summary>
    private static void FillDropoutMask<T>(Span<T> mask, double p, T scale, Generator g) where T : System.Numerics.INumberBase<T>
    {
        for (int i = 0; i < mask.Length; i++)
            if (g.NextDouble() >= p) mask[i] = scale;
    }

    /// <summary>1 where this == other, else 0 (broadcasting; same floating dtype, not differentiable).</summary>
    public Tensor Eq(Tensor other) => Compare(other, BinaryKind.Eq, "Eq");
    /// <summary>1 where this != other, else 0.</summary>
    public Tensor Ne(Tensor other) => Compare(other, BinaryKind.Ne, "Ne");
    /// <summary>1 where this &lt; other, else 0.</summary>
    public Tensor Lt(Tensor other) => Compare(other, BinaryKind.Lt, "Lt");
    /// <summary>1 where this &lt;= other, else 0.</summary>
    public Tensor Le(Tensor other) => Compare(other, BinaryKind.Le, "Le");
    /// <summary>1 where this &gt; other, else 0.</summary>
    public Tensor Gt(Tensor other) => Compare(other, BinaryKind.Gt, "Gt");
    /// <summary>1 where this &gt;= other, else 0.</summary>
    public Tensor Ge(Tensor other) => Compare(other, BinaryKind.Ge, "Ge");
    /// <summary>1 where this == s, else 0.</summary>
    public Tensor Eq(double s) => Eq(Scalar(s, DType == DType.Int64 ? DType.Float64 : DType));
    /// <summary>1 where this != s, else 0.</summary>
    public Tensor Ne(double s) => Ne(Scalar(s, DType == DType.Int64 ? DType.Float64 : DType));
    /// <summary>1 where this &lt; s, else 0.</summary>
    public Tensor Lt(double s) => Lt(Scalar(s, DType == DType.Int64 ? DType.Float64 : DType));
    /// <summary>1 where this &lt;= s, else 0.</summary>
    public Tensor Le(double s) => Le(Scalar(s, DType == DType.Int64 ? DType.Float64 : DType));
    /// <summary>1 where this &gt; s, else 0.</summary>
    public Tensor Gt(double s) => Gt(Scalar(s, DType == DType.Int64 ? DType.Float64 : DType));
    /// <summary>1 where this &gt;= s, else 0.</summary>
    public Tensor Ge(double s) => Ge(Scalar(s, DType == DType.Int64 ? DType.Float64 : DType));

    /// <summary>
    /// Comparison masks are tensors of 0 and 1 in the floating dtype of the inputs (Int64 inputs compare as Float64,
    /// exactly for integers below 2⁵³). Masks carry no gradient.
    /// </summary>
    private Tensor Compare(Tensor other, BinaryKind kind, string op)
    {
        Tensor a = DType == DType.Int64 ? To(DType.Float64) : this;
        Tensor b = other.DType == DType.Int64 ? other.To(DType.Float64) : other;
        return BinaryRaw(kind, a.Detach(), b.Detach(), op);
    }

    /// <summary>
    /// Picks <paramref name="a"/> where <paramref name="condition"/> is non-zero and <paramref name="b"/> elsewhere (all three broadcast).
    /// The gradient flows to whichever side was picked.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        (a, b) = Promote(a, b, "Where");
        Tensor mask = condition.DType == DType.Int64 ? condition.To(a.DType) : condition.To(a.DType).Detach();
        mask = mask.UnaryRaw(UnaryKind.NonZero, "Where");
        // result = b + mask·(a − b) is not exact for inf/NaN, so select explicitly.
        int[] shape = SharpGrad.Shape.Broadcast(SharpGrad.Shape.Broadcast(mask._shape, a._shape, "Where"), b._shape, "Where");
        // Materialise the three operands densely at the output shape (vectorised strided copies), then select.
        Tensor m = mask.ExpandRawTo(shape).CopyRaw(), result = a.ExpandRawTo(shape).CopyRaw(), eb = b.ExpandRawTo(shape).CopyRaw();
        if (a.DType == DType.Float32) SelectInto(m.Span<float>(), eb.Span<float>(), result.Span<float>());
        else SelectInto(m.Span<double>(), eb.Span<double>(), result.Span<double>());
        Tensor ta = a, tb = b;
        return result.Record("WhereBackward", [ta, tb], g =>
        [
            NeedsGradIn(ta) ? g.Mul(mask).SumTo(ta._shape) : null,
            NeedsGradIn(tb) ? g.Mul(mask.RSubScalar(1)).SumTo(tb._shape) : null,
        ]);
    }

    /// <summary>result[i] = b[i] wherever mask[i] is 0 (result already holds a).</summary>
    private static void SelectInto<T>(ReadOnlySpan<T> mask, ReadOnlySpan<T> b, Span<T> result) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < result.Length; i++)
            if (mask[i] == T.Zero) result[i] = b[i];
    }

    /// <summary>Where with a scalar for the first branch.</summary>
    public static Tensor Where(Tensor condition, double a, Tensor b) => Where(condition, Scalar(a, b.DType), b);

    /// <summary>Where with a scalar for the second branch.</summary>
    public static Tensor Where(Tensor condition, Tensor a, double b) => Where(condition, a, Scalar(b, a.DType));

    /// <summary>Replaces elements where <paramref name="mask"/> is non-zero with <paramref name="value"/> (mask broadcasts); no gradient flows to replaced elements.</summary>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        SharpGrad.Shape.Broadcast(mask._shape, _shape, "MaskedFill");
        if (mask.Rank > Rank || !SharpGrad.Shape.Equal(SharpGrad.Shape.Broadcast(mask._shape, _shape, "MaskedFill"), _shape))
            throw new ShapeMismatchException("MaskedFill", mask._shape, _shape, "the mask must broadcast to the tensor's shape");
        return Where(mask, Scalar(value, DType), this);
    }

    /// <summary>A view of this tensor broadcast to <paramref name="shape"/>, without recording a node.</summary>
    internal Tensor ExpandRawTo(int[] shape) => new(Storage, shape, BroadcastStrides(shape), Offset);
}
