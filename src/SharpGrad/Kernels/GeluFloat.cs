using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>
/// Vectorised GELU for float32, exact and tanh-approximated: the value, the derivative, and the fused backward
/// dx = g·GELU'(x) in one pass. Every element goes through the same <see cref="Vector{T}"/> code (the last, partial vector
/// is computed in a zero-padded register), so a result does not depend on where an element sits in the span or on how a
/// caller splits the work.
/// </summary>
/// <remarks>
/// <para><b>Exact</b>: x·Φ(x) = ½x(1 + erf(x/√2)), derivative Φ(x) + x·φ(x). erf comes from Abramowitz and Stegun 7.1.26,
/// erf(z) = 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−z²) with t = 1/(1 + p·z) for z ≥ 0 (odd symmetry for z &lt; 0), absolute
/// error ≤ 1.5·10⁻⁷ — below float32 resolution for these values (tests hold the result to 10⁻⁶·max(1, |y|) of the float64
/// reference); float64 keeps the series/continued-fraction erf of <see cref="SpecialFunctions.Erf"/>. e^(−z²) = e^(−x²/2)
/// is shared with the normal density φ(x) = e^(−x²/2)/√(2π) of the derivative.</para>
/// <para><b>Tanh</b>: ½x(1 + tanh u) with u = √(2/π)(x + 0.044715x³), computed as x·s with s = ½(1 + tanh u) = σ(2u) =
/// 1/(1 + e^(−2u)) (no cancellation for negative u; e^(−2u) = +∞ gives s = 0, the right limit). The derivative
/// ½(1 + tanh u) + ½x(1 − tanh²u)·u' is s + x·s(1 − s)·2u', with s(1 − s) = e^(−2u)·s² (no cancellation near s = 1).</para>
/// </remarks>
public static class GeluFloat
{
    private const float P = 0.3275911f, A1 = 0.254829592f, A2 = -0.284496736f, A3 = 1.421413741f, A4 = -1.453152027f, A5 = 1.061405429f;
    private const float InvSqrt2 = 0.70710678118654752f, InvSqrt2Pi = 0.3989422804014327f;
    // 2u = x·(C1 + C3·x²) and 2u' = C1 + 3·C3·x², with C1 = 2√(2/π), C3 = 2√(2/π)·0.044715.
    private const float C1 = 1.5957691216057308f, C3 = 1.5957691216057308f * 0.044715f;

    /// <summary>y = GELU(x) (exact), or its derivative when <paramref name="derivative"/>. x and y may be the same span.</summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y, bool derivative)
    {
        if (derivative) Derivative(x, y, tanh: false);
        else Forward(x, y, tanh: false);
    }

    /// <summary>y = GELU(x), exact or (<paramref name="tanh"/>) tanh-approximated. x and y may be the same span.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, bool tanh)
    {
        CheckLength(x.Length, y.Length, "destination");
        if (tanh) Run<TanhForward>(x, default, y);
        else Run<ExactForward>(x, default, y);
    }

    /// <summary>y = GELU'(x), exact or (<paramref name="tanh"/>) tanh-approximated. x and y may be the same span.</summary>
    public static void Derivative(ReadOnlySpan<float> x, Span<float> y, bool tanh)
    {
        CheckLength(x.Length, y.Length, "destination");
        if (tanh) Run<TanhDerivative>(x, default, y);
        else Run<ExactDerivative>(x, default, y);
    }

    /// <summary>
    /// The GELU backward in one pass: dx = g·GELU'(x), exact or (<paramref name="tanh"/>) tanh-approximated.
    /// <paramref name="dx"/> may be the same span as x or g.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> dx, bool tanh)
    {
        CheckLength(x.Length, g.Length, "gradient");
        CheckLength(x.Length, dx.Length, "destination");
        if (tanh) Run<TanhBackward>(x, g, dx);
        else Run<ExactBackward>(x, g, dx);
    }

    private static void CheckLength(int n, int other, string what)
    {
        if (other != n) throw new ArgumentException($"GeluFloat: {what} length {other} differs from source length {n}.");
    }

    /// <summary>One of the six functions, on a vector of x (and of g for the backward).</summary>
    private interface IOp
    {
        static abstract bool UsesGradient { get; }
        static abstract Vector<float> Compute(Vector<float> x, Vector<float> g);
    }

    private static void Run<TOp>(ReadOnlySpan<float> x, ReadOnlySpan<float> g, Span<float> y) where TOp : struct, IOp
    {
        int n = x.Length, w = Vector<float>.Count, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float yr = ref MemoryMarshal.GetReference(y);
        for (; i <= n - w; i += w)
        {
            var xv = Vector.LoadUnsafe(ref xr, (nuint)i);
            var gv = TOp.UsesGradient ? Vector.LoadUnsafe(ref gr, (nuint)i) : default;
            TOp.Compute(xv, gv).StoreUnsafe(ref yr, (nuint)i);
        }
        if (i == n) return;
        // The last partial vector: the same code on a zero-padded copy (x and y may alias, so no overlapping reload).
        int rem = n - i;
        Span<float> xb = stackalloc float[w], gb = stackalloc float[w];
        xb.Clear();
        gb.Clear();
        x.Slice(i, rem).CopyTo(xb);
        if (TOp.UsesGradient) g.Slice(i, rem).CopyTo(gb);
        var yv = TOp.Compute(Vector.Create<float>(xb), Vector.Create<float>(gb));
        yv.CopyTo(xb);
        xb[..rem].CopyTo(y.Slice(i, rem));
    }

    /// <summary>Φ(x) by A&amp;S 7.1.26, and e = e^(−x²/2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> NormalCdf(Vector<float> x, out Vector<float> e)
    {
        var one = Vector<float>.One;
        var z = Vector.Abs(x) * InvSqrt2;                                   // z = |x|/√2
        var t = one / (one + z * P);                                        // t = 1/(1 + p·z)
        e = Vector.Exp(-(z * z));                                           // e^(−z²) = e^(−x²/2)
        var poly = ((((t * A5 + new Vector<float>(A4)) * t + new Vector<float>(A3)) * t + new Vector<float>(A2)) * t + new Vector<float>(A1)) * t;
        var half = poly * e * 0.5f;                                         // ½(1 − erf(z))
        // Φ(x) = ½(1 + sign(x)·erf(z)): 1 − half for x ≥ 0, half for x < 0
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), one - half, half);
    }

    /// <summary>s = σ(2u) = ½(1 + tanh u) = 1/(1 + e) of the tanh approximation, with e = e^(−2u) and x².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> TanhGate(Vector<float> x, out Vector<float> e, out Vector<float> x2)
    {
        x2 = x * x;
        var twoU = x * (new Vector<float>(C1) + x2 * C3);
        e = Vector.Exp(-twoU);
        return Vector<float>.One / (Vector<float>.One + e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> ExactDerivativeOf(Vector<float> x)
    {
        var cdf = NormalCdf(x, out var e);
        return cdf + x * e * InvSqrt2Pi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> TanhDerivativeOf(Vector<float> x)
    {
        var s = TanhGate(x, out var e, out var x2);
        var twoDu = new Vector<float>(C1) + x2 * (3 * C3);
        // s(1 − s) = e·s², without the cancellation of 1 − s for s near 1 (e = +∞ where s = 0: select 0 there, not ∞·0)
        var ss = Vector.ConditionalSelect(Vector.Equals(s, Vector<float>.Zero), Vector<float>.Zero, e * s * s);
        return s + x * ss * twoDu;
    }

    private struct ExactForward : IOp
    {
        public static bool UsesGradient => false;
        public static Vector<float> Compute(Vector<float> x, Vector<float> g) => x * NormalCdf(x, out _);
    }

    private struct ExactDerivative : IOp
    {
        public static bool UsesGradient => false;
        public static Vector<float> Compute(Vector<float> x, Vector<float> g) => ExactDerivativeOf(x);
    }

    private struct ExactBackward : IOp
    {
        public static bool UsesGradient => true;
        public static Vector<float> Compute(Vector<float> x, Vector<float> g) => g * ExactDerivativeOf(x);
    }

    private struct TanhForward : IOp
    {
        public static bool UsesGradient => false;
        public static Vector<float> Compute(Vector<float> x, Vector<float> g) => x * TanhGate(x, out _, out _);
    }

    private struct TanhDerivative : IOp
    {
        public static bool UsesGradient => false;
        public static Vector<float> Compute(Vector<float> x, Vector<float> g) => TanhDerivativeOf(x);
    }

    private struct TanhBackward : IOp
    {
        public static bool UsesGradient => true;
        public static Vector<float> Compute(Vector<float> x, Vector<float> g) => g * TanhDerivativeOf(x);
    }
}
