using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>Which reduction <see cref="Reduce"/> performs.</summary>
public enum ReduceKind
{
    /// <summary>Σ</summary>
    Sum,
    /// <summary>max</summary>
    Max,
    /// <summary>min</summary>
    Min,
}

/// <summary>
/// Reductions over the middle axis of a dense block viewed as (outer, n, inner). With inner = 1 each row is reduced by
/// <see cref="TensorPrimitives"/>; otherwise whole inner rows are combined elementwise, in order r = 0..n−1, so the
/// summation order is fixed and independent of threading.
/// </summary>
public static class Reduce
{
    private const int SmallInner = 32;

    /// <summary>y[o, i] = reduce over r of x[o, r, i]. <paramref name="y"/> has outer·inner elements. n must be ≥ 1 for Max/Min.</summary>
    public static void Axis<T>(ReduceKind kind, ReadOnlySpan<T> x, int outer, int n, int inner, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.Length != outer * n * inner || y.Length != outer * inner)
            throw new ArgumentException($"Reduce.Axis: sizes do not match (x {x.Length}, y {y.Length}, outer {outer}, n {n}, inner {inner}).");
        if (n == 0)
        {
            if (kind != ReduceKind.Sum) throw new ArgumentException("Reduce.Axis: cannot take the max or min of an empty dimension.");
            y.Clear();
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            ReadOnlySpan<T> block = x.Slice(o * n * inner, n * inner);
            if (inner == 1)
            {
                y[o] = kind switch
                {
                    ReduceKind.Sum => TensorPrimitives.Sum(block),
                    ReduceKind.Max => TensorPrimitives.Max(block),
                    _ => TensorPrimitives.Min(block),
                };
                continue;
            }
            Span<T> dst = y.Slice(o * inner, inner);
            block.Slice(0, inner).CopyTo(dst);
            if (inner < SmallInner)
            {
                // Short rows (e.g. a bias gradient over 10 features): per-row TensorPrimitives calls cost more than the
                // adds, so loop directly. Same order (r ascending), so the same result as the vector path.
                if (kind == ReduceKind.Sum) SumRowsSmall(block, n, dst);
                else MinMaxRowsSmall(kind == ReduceKind.Max, block, n, dst);
                continue;
            }
            for (int r = 1; r < n; r++)
            {
                ReadOnlySpan<T> row = block.Slice(r * inner, inner);
                switch (kind)
                {
                    case ReduceKind.Sum: TensorPrimitives.Add(dst, row, dst); break;
                    case ReduceKind.Max: TensorPrimitives.Max(dst, row, dst); break;
                    default: TensorPrimitives.Min(dst, row, dst); break;
                }
            }
        }
    }

    private static void SumRowsSmall<T>(ReadOnlySpan<T> block, int n, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = dst.Length;
        if (typeof(T) == typeof(float) && System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated && inner <= 32 && n > 2)
        {
            SumRowsSmallFloat(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(block), n,
                System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(dst));
            return;
        }
        for (int r = 1, at = inner; r < n; r++, at += inner)
            for (int i = 0; i < inner; i++) dst[i] += block[at + i];
    }

    /// <summary>
    /// The same column sums (row order, one add per row and column) with the running sums in up to four 8-wide registers:
    /// each row is read as whole vectors, whose lanes past the row's end (the next row's values) land in lanes that are
    /// discarded. The last row, whose vectors could run past the block, is added by the scalar loop.
    /// </summary>
    private static unsafe void SumRowsSmallFloat(ReadOnlySpan<float> block, int n, Span<float> dst)
    {
        int inner = dst.Length;
        Span<float> acc = stackalloc float[32];
        dst.CopyTo(acc); // row 0, already in dst
        fixed (float* pb = block)
        fixed (float* pa = acc)
        {
            var a0 = System.Runtime.Intrinsics.Vector256.Load(pa);
            var a1 = System.Runtime.Intrinsics.Vector256.Load(pa + 8);
            var a2 = System.Runtime.Intrinsics.Vector256.Load(pa + 16);
            var a3 = System.Runtime.Intrinsics.Vector256.Load(pa + 24);
            int vectors = (inner + 7) / 8;
            // Rows whose vector reads stay inside the block; later rows are added one value at a time below.
            int vectorRows = Math.Min(n, (block.Length - vectors * 8) / inner + 1);
            float* row = pb + inner;
            for (int r = 1; r < vectorRows; r++, row += inner)
            {
                a0 += System.Runtime.Intrinsics.Vector256.Load(row);
                if (vectors > 1) a1 += System.Runtime.Intrinsics.Vector256.Load(row + 8);
                if (vectors > 2) a2 += System.Runtime.Intrinsics.Vector256.Load(row + 16);
                if (vectors > 3) a3 += System.Runtime.Intrinsics.Vector256.Load(row + 24);
            }
            a0.Store(pa);
            a1.Store(pa + 8);
            a2.Store(pa + 16);
            a3.Store(pa + 24);
        }
        acc.Slice(0, inner).CopyTo(dst);
        int firstScalarRow = Math.Max(1, Math.Min(n, (block.Length - ((inner + 7) / 8) * 8) / inner + 1));
        for (int r = firstScalarRow, at = r * inner; r < n; r++, at += inner)
            for (int i = 0; i < inner; i++) dst[i] += block[at + i];
    }

    private static void MinMaxRowsSmall<T>(bool max, ReadOnlySpan<T> block, int n, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int inner = dst.Length;
        for (int r = 1, at = inner; r < n; r++, at += inner)
            for (int i = 0; i < inner; i++) dst[i] = max ? T.Max(dst[i], block[at + i]) : T.Min(dst[i], block[at + i]);
    }

    /// <summary>Index of the first maximum (or minimum) along the middle axis of (outer, n, inner). NaN counts as the maximum, as in PyTorch.</summary>
    public static void ArgAxis<T>(bool max, ReadOnlySpan<T> x, int outer, int n, int inner, Span<long> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) throw new ArgumentException("ArgMax/ArgMin of an empty dimension.");
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int baseIndex = o * n * inner + i;
                T best = x[baseIndex];
                long bestR = 0;
                for (int r = 1; r < n && !T.IsNaN(best); r++)
                {
                    T v = x[baseIndex + r * inner];
                    if (T.IsNaN(v) || (max ? v > best : v < best))
                    {
                        best = v;
                        bestR = r;
                    }
                }
                y[o * inner + i] = bestR;
            }
    }
}
