using System.Numerics;
using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>The elementwise unary functions (and derivative helpers) the tensor layer needs.</summary>
public enum UnaryKind
{
    /// <summary>−x</summary>
    Neg,
    /// <summary>eˣ</summary>
    Exp,
    /// <summary>ln x</summary>
    Log,
    /// <summary>√x</summary>
    Sqrt,
    /// <summary>|x|</summary>
    Abs,
    /// <summary>sign(x) ∈ {−1, 0, 1}</summary>
    Sign,
    /// <summary>max(x, 0)</summary>
    Relu,
    /// <summary>x if x &gt; 0 else p·x</summary>
    LeakyRelu,
    /// <summary>1 / (1 + e^(−x))</summary>
    Sigmoid,
    /// <summary>tanh x</summary>
    Tanh,
    /// <summary>x·Φ(x) = ½x(1 + erf(x/√2))</summary>
    GeluExact,
    /// <summary>½x(1 + tanh(√(2/π)(x + 0.044715x³)))</summary>
    GeluTanh,
    /// <summary>x + p</summary>
    AddScalar,
    /// <summary>x · p</summary>
    MulScalar,
    /// <summary>p − x</summary>
    RSubScalar,
    /// <summary>p / x</summary>
    RDivScalar,
    /// <summary>xᵖ</summary>
    PowScalar,
    /// <summary>pˣ</summary>
    RPowScalar,
    /// <summary>min(max(x, p), q)</summary>
    Clamp,
    /// <summary>1 where p ≤ x ≤ q else 0 (the gradient mask of Clamp)</summary>
    ClampMask,
    /// <summary>1 if x &gt; 0 else p (the derivative of ReLU / LeakyReLU)</summary>
    ReluDerivative,
    /// <summary>d/dx of GeluExact: Φ(x) + x·φ(x)</summary>
    GeluExactDerivative,
    /// <summary>d/dx of GeluTanh</summary>
    GeluTanhDerivative,
    /// <summary>1 where x ≠ 0 else 0</summary>
    NonZero,
    /// <summary>1 where x is NaN or ±inf else 0</summary>
    NonFinite,
}

/// <summary>Applies a <see cref="UnaryKind"/> over a span: y = f(x; p, q).</summary>
public static class Unary
{
    /// <summary>y[i] = f(x[i]); <paramref name="p"/> and <paramref name="q"/> are the kind's parameters. x and y may be the same span.</summary>
    public static void Apply<T>(UnaryKind kind, ReadOnlySpan<T> x, Span<T> y, double p = 0, double q = 0)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length != x.Length) throw new ArgumentException($"Unary {kind}: destination length {y.Length} differs from source length {x.Length}.");
        T tp = T.CreateTruncating(p), tq = T.CreateTruncating(q);
        switch (kind)
        {
            case UnaryKind.Neg: TensorPrimitives.Negate(x, y); break;
            case UnaryKind.Exp: TensorPrimitives.Exp(x, y); break;
            case UnaryKind.Log: TensorPrimitives.Log(x, y); break;
            case UnaryKind.Sqrt: TensorPrimitives.Sqrt(x, y); break;
            case UnaryKind.Abs: TensorPrimitives.Abs(x, y); break;
            case UnaryKind.Sigmoid: Sigmoid(x, y); break;
            case UnaryKind.Tanh: TensorPrimitives.Tanh(x, y); break;
            case UnaryKind.AddScalar: TensorPrimitives.Add(x, tp, y); break;
            case UnaryKind.MulScalar: TensorPrimitives.Multiply(x, tp, y); break;
            case UnaryKind.RSubScalar: TensorPrimitives.Subtract(tp, x, y); break;
            case UnaryKind.RDivScalar: TensorPrimitives.Divide(tp, x, y); break;
            case UnaryKind.Relu: TensorPrimitives.Max(x, T.Zero, y); break;
            case UnaryKind.Clamp:
                TensorPrimitives.Max(x, tp, y);
                TensorPrimitives.Min(y, tq, y);
                break;
            case UnaryKind.GeluExact or UnaryKind.GeluExactDerivative or UnaryKind.GeluTanh or UnaryKind.GeluTanhDerivative when typeof(T) == typeof(float):
            {
                var xf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x);
                var yf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(y);
                bool tanh = kind is UnaryKind.GeluTanh or UnaryKind.GeluTanhDerivative;
                if (kind is UnaryKind.GeluExactDerivative or UnaryKind.GeluTanhDerivative) GeluFloat.Derivative(xf, yf, tanh);
                else GeluFloat.Forward(xf, yf, tanh);
                break;
            }
            default:
                for (int i = 0; i < x.Length; i++) y[i] = Scalar(kind, x[i], tp, tq);
                break;
        }
    }

    /// <summary>σ(x) = 1/(1+e^(−x)), computed so that large |x| neither overflows nor loses the tail.</summary>
    private static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // TensorPrimitives.Sigmoid computes 1/(1+exp(-x)); exp overflow to +inf gives exactly 0, which is the correct limit.
        TensorPrimitives.Sigmoid(x, y);
    }

    /// <summary>The scalar definition of each kind: the reference the vectorized paths are tested against.</summary>
    public static T Scalar<T>(UnaryKind kind, T x, T p, T q) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T half = T.CreateTruncating(0.5);
        switch (kind)
        {
            case UnaryKind.Neg: return -x;
            case UnaryKind.Exp: return T.Exp(x);
            case UnaryKind.Log: return T.Log(x);
            case UnaryKind.Sqrt: return T.Sqrt(x);
            case UnaryKind.Abs: return T.Abs(x);
            case UnaryKind.Sign: return T.IsNaN(x) ? x : T.CreateTruncating(T.Sign(x));
            case UnaryKind.Relu: return x > T.Zero ? x : T.Zero;
            case UnaryKind.LeakyRelu: return x > T.Zero ? x : p * x;
            case UnaryKind.Sigmoid: return T.One / (T.One + T.Exp(-x));
            case UnaryKind.Tanh: return T.Tanh(x);
            case UnaryKind.GeluExact:
                return half * x * (T.One + T.CreateTruncating(SpecialFunctions.Erf(double.CreateTruncating(x) * 0.70710678118654752)));
            case UnaryKind.GeluTanh:
                return half * x * (T.One + T.Tanh(GeluTanhInner(x)));
            case UnaryKind.AddScalar: return x + p;
            case UnaryKind.MulScalar: return x * p;
            case UnaryKind.RSubScalar: return p - x;
            case UnaryKind.RDivScalar: return p / x;
            case UnaryKind.PowScalar: return T.Pow(x, p);
            case UnaryKind.RPowScalar: return T.Pow(p, x);
            case UnaryKind.Clamp: return T.Min(T.Max(x, p), q);
            case UnaryKind.ClampMask: return x >= p && x <= q ? T.One : T.Zero;
            case UnaryKind.ReluDerivative: return x > T.Zero ? T.One : p;
            case UnaryKind.GeluExactDerivative:
            {
                double xd = double.CreateTruncating(x);
                double cdf = 0.5 * (1 + SpecialFunctions.Erf(xd * 0.70710678118654752));
                double pdf = Math.Exp(-0.5 * xd * xd) * 0.3989422804014327;
                return T.CreateTruncating(cdf + xd * pdf);
            }
            case UnaryKind.GeluTanhDerivative:
            {
                // d/dx ½x(1+tanh u) = ½(1+tanh u) + ½x(1−tanh²u)·u',  u = √(2/π)(x + 0.044715x³), u' = √(2/π)(1 + 3·0.044715x²)
                T t = T.Tanh(GeluTanhInner(x));
                T du = T.CreateTruncating(0.7978845608028654) * (T.One + T.CreateTruncating(3 * 0.044715) * x * x);
                return half * (T.One + t) + half * x * (T.One - t * t) * du;
            }
            case UnaryKind.NonZero: return x != T.Zero ? T.One : T.Zero;
            case UnaryKind.NonFinite: return T.IsFinite(x) ? T.Zero : T.One;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static T GeluTanhInner<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> =>
        T.CreateTruncating(0.7978845608028654) * (x + T.CreateTruncating(0.044715) * x * x * x);
}
