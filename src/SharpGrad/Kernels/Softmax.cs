using System.Numerics;
using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>Numerically stable softmax and log-softmax over contiguous rows.</summary>
public static class Softmax
{
    /// <summary>
    /// For each row of length <paramref name="n"/>: y = exp(x − m) / Σ exp(x − m) with m = max(x) (or, when <paramref name="log"/>,
    /// y = x − m − ln Σ exp(x − m)). Entries equal to −inf get probability 0. A row that is entirely −inf has no defined
    /// distribution: softmax writes zeros for it (so fully masked attention rows contribute nothing) and log-softmax writes −inf.
    /// </summary>
    public static void Rows<T>(ReadOnlySpan<T> x, Span<T> y, int n, bool log) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (n == 0) return;
        for (int o = 0; o < x.Length; o += n)
        {
            ReadOnlySpan<T> row = x.Slice(o, n);
            Span<T> dst = y.Slice(o, n);
            T max = TensorPrimitives.Max(row);
            if (T.IsNegativeInfinity(max))
            {
                dst.Fill(log ? T.NegativeInfinity : T.Zero);
                continue;
            }
            TensorPrimitives.Subtract(row, max, dst);      // x − m ≤ 0, so exp cannot overflow
            if (log)
            {
                // log-sum-exp without writing the exps: Σ exp(x − m), then subtract its log
                T sum = T.Zero;
                foreach (T v in dst) sum += T.Exp(v);
                TensorPrimitives.Subtract(dst, T.Log(sum), dst);
            }
            else
            {
                TensorPrimitives.Exp(dst, dst);
                T sum = TensorPrimitives.Sum(dst);
                TensorPrimitives.Divide(dst, sum, dst);
            }
        }
    }
}
