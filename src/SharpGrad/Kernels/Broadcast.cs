using System.Numerics;

namespace SharpGrad.Kernels;

/// <summary>
/// Drives a binary op over two strided operands already expanded to the output shape (broadcast dims have stride 0),
/// writing a dense output. Adjacent dims are merged where the layout allows, then the innermost run is handed to the op's
/// span form: span⊕span when both inner strides are 1, span⊕scalar when one is 0.
/// </summary>
public static class Broadcast
{
    /// <summary>d = op(a, b) elementwise over <paramref name="shape"/>.</summary>
    public static void Binary<T, TOp>(
        T[] a, int aOffset, ReadOnlySpan<int> aStrides,
        T[] b, int bOffset, ReadOnlySpan<int> bStrides,
        ReadOnlySpan<int> shape, Span<T> d)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TOp : IBinaryOp<T>
    {
        if (d.Length == 0) return;
        // Coalesce dims: dims i-1 and i merge when, for both operands, stride[i-1] == stride[i] * shape[i].
        Span<int> cs = stackalloc int[Math.Max(shape.Length, 1)];
        Span<int> ca = stackalloc int[cs.Length];
        Span<int> cb = stackalloc int[cs.Length];
        int rank = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            if (rank > 0 && ca[rank - 1] == aStrides[i] * shape[i] && cb[rank - 1] == bStrides[i] * shape[i])
            {
                cs[rank - 1] *= shape[i];
                ca[rank - 1] = aStrides[i];
                cb[rank - 1] = bStrides[i];
                continue;
            }
            cs[rank] = shape[i];
            ca[rank] = aStrides[i];
            cb[rank] = bStrides[i];
            rank++;
        }
        if (rank == 0)
        {
            d[0] = TOp.Apply(a[aOffset], b[bOffset]);
            return;
        }
        int inner = cs[rank - 1], sa = ca[rank - 1], sb = cb[rank - 1];
        Span<int> index = stackalloc int[rank];
        int ia = aOffset, ib = bOffset;
        for (int o = 0; o < d.Length; o += inner)
        {
            Span<T> dst = d.Slice(o, inner);
            if (!TOp.Vectorized)
                for (int j = 0, pa = ia, pb = ib; j < inner; j++, pa += sa, pb += sb) dst[j] = TOp.Apply(a[pa], b[pb]);
            else if (sa == 1 && sb == 1) TOp.Spans(a.AsSpan(ia, inner), b.AsSpan(ib, inner), dst);
            else if (sa == 1 && sb == 0) TOp.SpanScalar(a.AsSpan(ia, inner), b[ib], dst);
            else if (sa == 0 && sb == 1) TOp.ScalarSpan(a[ia], b.AsSpan(ib, inner), dst);
            else
                for (int j = 0, pa = ia, pb = ib; j < inner; j++, pa += sa, pb += sb) dst[j] = TOp.Apply(a[pa], b[pb]);
            for (int k = rank - 2; k >= 0; k--)
            {
                ia += ca[k];
                ib += cb[k];
                if (++index[k] < cs[k]) break;
                ia -= ca[k] * cs[k];
                ib -= cb[k] * cs[k];
                index[k] = 0;
            }
        }
    }
}
