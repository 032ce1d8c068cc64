using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>Elementwise arithmetic with NumPy broadcasting; each op's backward rule sits beside its forward.</summary>
public partial class Tensor
{
    /// <summary>a + b (broadcasting).</summary>
    public Tensor Add(Tensor other)
    {
        (Tensor a, Tensor b) = Promote(this, other, "Add");
        return BinaryRaw(BinaryKind.Add, a, b, "Add").Record("AddBackward", [a, b], g => [g.SumTo(a._shape), g.SumTo(b._shape)]);
    }

    /// <summary>a − b (broadcasting).</summary>
    public Tensor Sub(Tensor other)
    {
        (Tensor a, Tensor b) = Promote(this, other, "Sub");
        return BinaryRaw(BinaryKind.Sub, a, b, "Sub").Record("SubBackward", [a, b], g => [g.SumTo(a._shape), NeedsGradIn(b) ? g.Neg().SumTo(b._shape) : null]);
    }

    /// <summary>a · b elementwise (broadcasting).</summary>
    public Tensor Mul(Tensor other)
    {
        (Tensor a, Tensor b) = Promote(this, other, "Mul");
        return BinaryRaw(BinaryKind.Mul, a, b, "Mul").Record("MulBackward", [a, b],
            g => [NeedsGradIn(a) ? g.Mul(b).SumTo(a._shape) : null, NeedsGradIn(b) ? g.Mul(a).SumTo(b._shape) : null], a, b);
    }

    /// <summary>a / b elementwise (broadcasting).</summary>
    public Tensor Div(Tensor other)
    {
        (Tensor a, Tensor b) = Promote(this, other, "Div");
        return BinaryRaw(BinaryKind.Div, a, b, "Div").Record("DivBackward", [a, b],
            // d(a/b)/da = 1/b ; d(a/b)/db = −a/b²
            g => [NeedsGradIn(a) ? g.Div(b).SumTo(a._shape) : null, NeedsGradIn(b) ? g.Mul(a).Div(b.Mul(b)).Neg().SumTo(b._shape) : null], a, b);
    }

    /// <summary>a ** b elementwise (broadcasting).</summary>
    public Tensor Pow(Tensor exponent)
    {
        (Tensor a, Tensor b) = Promote(this, exponent, "Pow");
        Tensor result = BinaryRaw(BinaryKind.Pow, a, b, "Pow");
        Tensor output = result.Detach();
        return result.Record("PowBackward", [a, b], g =>
        [
            // d(aᵇ)/da = b·a^(b−1), taken as 0 where b = 0 (a⁰ is constant; without this 0·0⁻¹ gives NaN), as PyTorch does
            NeedsGradIn(a) ? Where(b.Eq(0), 0.0, g.Mul(b).Mul(a.Pow(b.Sub(1)))).SumTo(a._shape) : null,
            // d(aᵇ)/db = aᵇ·ln a, taken as 0 where a = 0 (the limit for b > 0, as PyTorch does)
            NeedsGradIn(b) ? g.Mul(output).Mul(Where(a.Eq(0), 0.0, a.Log())).SumTo(b._shape) : null,
        ], a, b, result);
    }

    /// <summary>a ** p for a scalar exponent. For p = 0 the gradient is 0 everywhere (also at a = 0), as in PyTorch.</summary>
    public Tensor Pow(double exponent)
    {
        Tensor a = this;
        if (exponent == 1) return a.MulScalar(1);
        return UnaryRaw(UnaryKind.PowScalar, "Pow", exponent).Record("PowBackward", [a],
            g => [exponent == 0 ? ZerosLike(g) : exponent == 2 ? g.Mul(a).MulScalar(2) : g.Mul(a.Pow(exponent - 1)).MulScalar(exponent)], a);
    }

    /// <summary>Elementwise maximum (broadcasting). At ties the gradient is split equally, like <c>torch.maximum</c>.</summary>
    public Tensor Maximum(Tensor other) => MinMax(other, BinaryKind.Max, "Maximum");

    /// <summary>Elementwise minimum (broadcasting). At ties the gradient is split equally, like <c>torch.minimum</c>.</summary>
    public Tensor Minimum(Tensor other) => MinMax(other, BinaryKind.Min, "Minimum");

    private Tensor MinMax(Tensor other, BinaryKind kind, string name)
    {
        (Tensor a, Tensor b) = Promote(this, other, name);
        return BinaryRaw(kind, a, b, name).Record(name + "Backward", [a, b], g =>
        {
            // share = 1 where a wins, ½ at ties, 0 where b wins
            Tensor aWins = kind == BinaryKind.Max ? a.Gt(b) : a.Lt(b);
            Tensor share = aWins.Add(a.Eq(b).MulScalar(0.5));
            return [NeedsGradIn(a) ? g.Mul(share).SumTo(a._shape) : null, NeedsGradIn(b) ? g.Mul(share.RSubScalar(1)).SumTo(b._shape) : null];
        }, a, b);
    }

    /// <summary>−x.</summary>
    public Tensor Neg() => UnaryRaw(UnaryKind.Neg, "Neg").Record("NegBackward", [this], g => [g.Neg()]);

    /// <summary>x + s.</summary>
    public Tensor AddScalar(double s) => UnaryRaw(UnaryKind.AddScalar, "Add", s).Record("AddBackward", [this], g => [g]);

    /// <summary>x · s.</summary>
    public Tensor MulScalar(double s) => UnaryRaw(UnaryKind.MulScalar, "Mul", s).Record("MulBackward", [this], g => [g.MulScalar(s)]);

    /// <summary>s − x.</summary>
    public Tensor RSubScalar(double s) => UnaryRaw(UnaryKind.RSubScalar, "Sub", s).Record("RsubBackward", [this], g => [g.Neg()]);

    /// <summary>s / x.</summary>
    public Tensor RDivScalar(double s)
    {
        Tensor x = this;
        Tensor result = UnaryRaw(UnaryKind.RDivScalar, "Div", s);
        Tensor output = result.Detach();
        // d(s/x)/dx = −s/x² = −(s/x)/x
        return result.Record("DivBackward", [x], g => [g.Mul(output).Div(x).Neg()], x, result);
    }

    /// <summary>x + s.</summary>
    public Tensor Add(double s) => AddScalar(s);

    /// <summary>x − s.</summary>
    public Tensor Sub(double s) => AddScalar(-s);

    /// <summary>x · s.</summary>
    public Tensor Mul(double s) => MulScalar(s);

    /// <summary>x / s.</summary>
    public Tensor Div(double s) => MulScalar(1.0 / s);

    /// <summary>eˣ.</summary>
    public Tensor Exp()
    {
        Tensor result = UnaryRaw(UnaryKind.Exp, "Exp");
        Tensor output = result.Detach();
        return result.Record("ExpBackward", [this], g => [g.Mul(output)], result);
    }

    /// <summary>Natural logarithm.</summary>
    public Tensor Log()
    {
        Tensor x = this;
        return UnaryRaw(UnaryKind.Log, "Log").Record("LogBackward", [x], g => [g.Div(x)], x);
    }

    /// <summary>Square root.</summary>
    public Tensor Sqrt()
    {
        Tensor result = UnaryRaw(UnaryKind.Sqrt, "Sqrt");
        Tensor output = result.Detach();
        // d√x/dx = 1/(2√x)
        return result.Record("SqrtBackward", [this], g => [g.Div(output.MulScalar(2))], result);
    }

    /// <summary>|x|; the gradient at 0 is 0 (sign(0)), as in PyTorch.</summary>
    public Tensor Abs()
    {
        Tensor x = this;
        return UnaryRaw(UnaryKind.Abs, "Abs").Record("AbsBackward", [x], g => [g.Mul(x.UnaryRaw(UnaryKind.Sign, "Sign"))], x);
    }

    /// <summary>Clamps into [min, max] (either bound may be null). The gradient passes where min ≤ x ≤ max, as in PyTorch.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("Clamp: at least one of min and max must be given.");
        double lo = min ?? double.NegativeInfinity, hi = max ?? double.PositiveInfinity;
        Tensor x = this;
        return UnaryRaw(UnaryKind.Clamp, "Clamp", lo, hi).Record("ClampBackward", [x], g => [g.Mul(x.UnaryRaw(UnaryKind.ClampMask, "Clamp", lo, hi))], x);
    }

    private static bool NeedsGradIn(Tensor t) => t._requiresGrad;

    /// <summary>a + b.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>a − b.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>a · b elementwise.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>a / b elementwise.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>−a.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
    /// <summary>a + s.</summary>
    public static Tensor operator +(Tensor a, double s) => a.AddScalar(s);
    /// <summary>s + a.</summary>
    public static Tensor operator +(double s, Tensor a) => a.AddScalar(s);
    /// <summary>a − s.</summary>
    public static Tensor operator -(Tensor a, double s) => a.AddScalar(-s);
    /// <summary>s − a.</summary>
    public static Tensor operator -(double s, Tensor a) => a.RSubScalar(s);
    /// <summary>a · s.</summary>
    public static Tensor operator *(Tensor a, double s) => a.MulScalar(s);
    /// <summary>s · a.</summary>
    public static Tensor operator *(double s, Tensor a) => a.MulScalar(s);
    /// <summary>a / s.</summary>
    public static Tensor operator /(Tensor a, double s) => a.MulScalar(1.0 / s);
    /// <summary>s / a.</summary>
    public static Tensor operator /(double s, Tensor a) => a.RDivScalar(s);
}
