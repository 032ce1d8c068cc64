using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// σ(x) = 1 / (1 + e^(−x)) over float spans, with e^t computed in float throughout (the library exp widens to double):
/// t = n·ln 2 + r with |r| ≤ ½ln 2, e^r from the degree-6 minimax polynomial of Cephes' <c>expf</c>, 2^n from the exponent
/// bits. The relative error is a few ulp; t is clamped to ±87.3, so σ stays in [1.2e−38, 1]. 512-bit vectors where the
/// hardware has them: on Zen 4 they halve the instruction count of this front-end-bound loop (12,800 values: 8.2–9.9 µs with
/// 256-bit vectors, 4.2–4.9 µs with 512-bit ones).
/// </summary>
internal static class VectorSigmoid
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f; // ln 2 split so that n·Ln2Hi is exact
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    private const float Clamp = 87.3f;

    /// <summary>σ(x) on eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));

    /// <summary>σ(x) on sixteen lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));

    /// <summary>e^t on eight lanes (t clamped to ±87.3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> t)
    {
        t = Vector256.Min(Vector256.Max(t, Vector256.Create(-Clamp)), Vector256.Create(Clamp));
        Vector256<int> ni = Vector256.ConvertToInt32Native(t * Vector256.Create(Log2E)); // rounds to nearest
        Vector256<float> n = Vector256.ConvertToSingle(ni);
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Hi), t);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Lo), r);
        Vector256<float> p = Vector256.FusedMultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(P5));
        Vector256<float> er = Vector256.FusedMultiplyAdd(p * r, r, r) + Vector256<float>.One; // e^r = 1 + r + r²·p(r)
        return er * Vector256.ShiftLeft(ni + Vector256.Create(127), 23).AsSingle();
    }

    /// <summary>e^t on sixteen lanes (t clamped to ±87.3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Exp(Vector512<float> t)
    {
        t = Vector512.Min(Vector512.Max(t, Vector512.Create(-Clamp)), Vector512.Create(Clamp));
        Vector512<int> ni = Vector512.ConvertToInt32Native(t * Vector512.Create(Log2E));
        Vector512<float> n = Vector512.ConvertToSingle(ni);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Hi), t);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Lo), r);
        Vector512<float> p = Vector512.FusedMultiplyAdd(Vector512.Create(P0), r, Vector512.Create(P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(P5));
        Vector512<float> er = Vector512.FusedMultiplyAdd(p * r, r, r) + Vector512<float>.One;
        return er * Vector512.ShiftLeft(ni + Vector512.Create(127), 23).AsSingle();
    }

    /// <summary>y = σ(x) over spans of equal length (x and y may be the same span).</summary>
    public static void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length < x.Length) throw new ArgumentException("Internal error: VectorSigmoid output shorter than its input.");
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= x.Length; i += 16)
                Sigmoid(Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i + 8 <= x.Length; i += 8)
            Sigmoid(Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        if (i < x.Length)
        {
            Span<float> tail = stackalloc float[8];
            tail.Clear();
            x[i..].CopyTo(tail);
            Sigmoid(Vector256.LoadUnsafe(ref tail[0])).StoreUnsafe(ref tail[0]);
            tail[..(x.Length - i)].CopyTo(y[i..]);
        }
    }
}
