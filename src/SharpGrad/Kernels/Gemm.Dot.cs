using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

public static partial class Gemm
{
    // The dot-product path: C (m×n) = A·Bᵀ where both operands run along k in memory (A row-major m×k, B stored n×k) and
    // C is narrow — a convolution's weight gradient dY·colᵀ of a layer with few input channels (W3's first layer: 32×9
    // over 676 positions per image). Every C element is a dot product of two contiguous rows; blocks of 4×2 of them are
    // accumulated in eight 8-wide registers, so nothing is packed. Measured on that shape: 20–22 µs through the packed or
    // direct path, whose 16-wide tiles are mostly padding for n = 9.
    internal const int DotMaxNarrowSide = 16, DotMinK = 64, DotMaxOutputs = 1024;

    private static unsafe bool UsesDotPath(in SgemmArgs g) =>
        Vector256.IsHardwareAccelerated && g.ACol == 1 && g.BRow == 1 && g.Bias == null
        && g.K >= DotMinK && Math.Min(g.M, g.N) <= DotMaxNarrowSide && (long)g.M * g.N <= DotMaxOutputs;

    /// <summary>
    /// C = A·Bᵀ (or C += A·Bᵀ) for row-major A (m×k) and B stored n×k, on the calling thread. Each element is summed in
    /// eight lanes over k (p ≡ lane mod 8, ascending), the lanes added in a fixed order, then the k mod 8 tail: a fixed
    /// order, whatever the thread count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SgemmDot(in SgemmArgs g)
    {
        int m = g.M, n = g.N, k = g.K, kv = k & ~7;
        nint lda = g.ARow, ldb = g.BCol, ldc = g.Ldc;
        bool overwrite = !g.Accumulate;
        for (int i0 = 0; i0 < m; i0 += 4)
        {
            int ri = Math.Min(4, m - i0);
            // rows past the end of A repeat its last row of the block: computed, never stored
            float* a0 = g.A + i0 * lda;
            float* a1 = ri > 1 ? a0 + lda : a0, a2 = ri > 2 ? a0 + 2 * lda : a0, a3 = ri > 3 ? a0 + 3 * lda : a0;
            for (int j0 = 0; j0 < n; j0 += 2)
            {
                int rj = Math.Min(2, n - j0);
                float* b0 = g.B + j0 * ldb;
                float* b1 = rj > 1 ? b0 + ldb : b0;
                Vector256<float> s00 = default, s01 = default, s10 = default, s11 = default;
                Vector256<float> s20 = default, s21 = default, s30 = default, s31 = default;
                for (int p = 0; p < kv; p += 8)
                {
                    var vb0 = Vector256.Load(b0 + p);
                    var vb1 = Vector256.Load(b1 + p);
                    var va = Vector256.Load(a0 + p);
                    s00 = Vector256.FusedMultiplyAdd(va, vb0, s00); s01 = Vector256.FusedMultiplyAdd(va, vb1, s01);
                    va = Vector256.Load(a1 + p);
                    s10 = Vector256.FusedMultiplyAdd(va, vb0, s10); s11 = Vector256.FusedMultiplyAdd(va, vb1, s11);
                    va = Vector256.Load(a2 + p);
                    s20 = Vector256.FusedMultiplyAdd(va, vb0, s20); s21 = Vector256.FusedMultiplyAdd(va, vb1, s21);
                    va = Vector256.Load(a3 + p);
                    s30 = Vector256.FusedMultiplyAdd(va, vb0, s30); s31 = Vector256.FusedMultiplyAdd(va, vb1, s31);
                }
                float* c = g.C + i0 * ldc + j0;
                StoreDot(c, overwrite, s00, a0, b0, kv, k);
                if (rj > 1) StoreDot(c + 1, overwrite, s01, a0, b1, kv, k);
                if (ri > 1)
                {
                    StoreDot(c + ldc, overwrite, s10, a1, b0, kv, k);
                    if (rj > 1) StoreDot(c + ldc + 1, overwrite, s11, a1, b1, kv, k);
                }
                if (ri > 2)
                {
                    StoreDot(c + 2 * ldc, overwrite, s20, a2, b0, kv, k);
                    if (rj > 1) StoreDot(c + 2 * ldc + 1, overwrite, s21, a2, b1, kv, k);
                }
                if (ri > 3)
                {
                    StoreDot(c + 3 * ldc, overwrite, s30, a3, b0, kv, k);
                    if (rj > 1) StoreDot(c + 3 * ldc + 1, overwrite, s31, a3, b1, kv, k);
                }
            }
        }
    }

    /// <summary>Adds the lanes, then the tail p = kv … k − 1, into one element of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreDot(float* c, bool overwrite, Vector256<float> lanes, float* a, float* b, int kv, int k)
    {
        float sum = Vector256.Sum(lanes);
        for (int p = kv; p < k; p++) sum = MathF.FusedMultiplyAdd(a[p], b[p], sum);
        *c = overwrite ? sum : *c + sum;
    }
}
