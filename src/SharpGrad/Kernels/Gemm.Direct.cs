using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

// The direct float32 path for small products and narrow C (see the thresholds in Gemm.Packed.cs).
public static partial class Gemm
{
    /// <summary>
    /// Copies op(B) (k × n) into a zero-padded, row-major k × nPad scratch of the calling thread (undoing transB),
    /// nPad a multiple of two vectors, for <see cref="SgemmDirect"/>.
    /// </summary>
    private static unsafe float* PackDirectB(in SgemmArgs g, out int nPad)
    {
        int n = g.N, k = g.K;
        nPad = RoundUp(n, 2 * Vector<float>.Count);
        float* bp = PackBuffers.ForCurrentThread().B((long)k * nPad);
        for (int p = 0; p < k; p++)
        {
            float* d = bp + (nint)p * nPad;
            float* s = g.B + p * g.BRow;
            int j = 0;
            if (g.BCol == 1)
            {
                Unsafe.CopyBlockUnaligned(d, s, (uint)n * sizeof(float));
                j = n;
            }
            for (; j < n; j++)
                d[j] = s[j * g.BCol];
            for (; j < nPad; j++)
                d[j] = 0;
        }
        return bp;
    }

    /// <summary>
    /// Rows i0..i1 of C for small or narrow products: A is read in place (no packing), B from this thread's
    /// <see cref="PackDirectB"/> scratch, and each block of 4 rows × 2 vectors of C is accumulated in registers over
    /// all of k (ascending p, fused multiply-adds), then added to C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SgemmDirect(in SgemmArgs g, int i0, int i1)
    {
        float* bp = PackDirectB(in g, out int nPad);
        int w = Vector<float>.Count;
        int chunk = 2 * w;
        int m = i1, n = g.N, k = g.K;
        nint aRow = g.ARow, aCol = g.ACol, ldc = g.Ldc;
        bool overwrite = !g.Accumulate;
        if (g.Bias != null)
        {
            FillRows(g.C + i0 * g.Ldc, g.Ldc, i1 - i0, g.Bias, g.N); // this part's rows start from the bias
            overwrite = false;
        }
        float* scratch = stackalloc float[4 * 64];
        int i = i0;
        for (; i + 4 <= m; i += 4)
        {
            float* a0 = g.A + i * aRow;
            float* a1 = a0 + aRow, a2 = a1 + aRow, a3 = a2 + aRow;
            for (int jb = 0; jb < n; jb += chunk)
            {
                Vector<float> c00 = default, c01 = default, c10 = default, c11 = default;
                Vector<float> c20 = default, c21 = default, c30 = default, c31 = default;
                float* bj = bp + jb;
                nint pa = 0;
                for (int p = 0; p < k; p++, pa += aCol, bj += nPad)
                {
                    var b0 = Vector.Load(bj);
                    var b1 = Vector.Load(bj + w);
                    var x0 = new Vector<float>(a0[pa]);
                    c00 = Vector.MultiplyAddEstimate(x0, b0, c00);
                    c01 = Vector.MultiplyAddEstimate(x0, b1, c01);
                    var x1 = new Vector<float>(a1[pa]);
                    c10 = Vector.MultiplyAddEstimate(x1, b0, c10);
                    c11 = Vector.MultiplyAddEstimate(x1, b1, c11);
                    var x2 = new Vector<float>(a2[pa]);
                    c20 = Vector.MultiplyAddEstimate(x2, b0, c20);
                    c21 = Vector.MultiplyAddEstimate(x2, b1, c21);
                    var x3 = new Vector<float>(a3[pa]);
                    c30 = Vector.MultiplyAddEstimate(x3, b0, c30);
                    c31 = Vector.MultiplyAddEstimate(x3, b1, c31);
                }

                float* cb = g.C + i * ldc + jb;
                int valid = Math.Min(chunk, n - jb);
                if (valid == chunk)
                {
                    StoreDirect(c00, c01, cb, w, overwrite); cb += ldc;
                    StoreDirect(c10, c11, cb, w, overwrite); cb += ldc;
                    StoreDirect(c20, c21, cb, w, overwrite); cb += ldc;
                    StoreDirect(c30, c31, cb, w, overwrite);
                }
                else if (w == 8)
                {
                    StorePartial8(c00, c01, cb, valid, overwrite); cb += ldc;
                    StorePartial8(c10, c11, cb, valid, overwrite); cb += ldc;
                    StorePartial8(c20, c21, cb, valid, overwrite); cb += ldc;
                    StorePartial8(c30, c31, cb, valid, overwrite);
                }
                else
                {
                    c00.Store(scratch); c01.Store(scratch + w);
                    c10.Store(scratch + chunk); c11.Store(scratch + chunk + w);
                    c20.Store(scratch + 2 * chunk); c21.Store(scratch + 2 * chunk + w);
                    c30.Store(scratch + 3 * chunk); c31.Store(scratch + 3 * chunk + w);
                    for (int r = 0; r < 4; r++)
                        AddPartial(scratch + r * chunk, cb + r * ldc, valid, overwrite);
                }
            }
        }

        for (; i < m; i++)
        {
            float* a0 = g.A + i * aRow;
            for (int jb = 0; jb < n; jb += chunk)
            {
                Vector<float> c00 = default, c01 = default;
                float* bj = bp + jb;
                nint pa = 0;
                for (int p = 0; p < k; p++, pa += aCol, bj += nPad)
                {
                    var x0 = new Vector<float>(a0[pa]);
                    c00 = Vector.MultiplyAddEstimate(x0, Vector.Load(bj), c00);
                    c01 = Vector.MultiplyAddEstimate(x0, Vector.Load(bj + w), c01);
                }

                float* cb = g.C + i * ldc + jb;
                int valid = Math.Min(chunk, n - jb);
                if (valid == chunk)
                {
                    StoreDirect(c00, c01, cb, w, overwrite);
                }
                else if (w == 8)
                {
                    StorePartial8(c00, c01, cb, valid, overwrite);
                }
                else
                {
                    c00.Store(scratch); c01.Store(scratch + w);
                    AddPartial(scratch, cb, valid, overwrite);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreDirect(Vector<float> lo, Vector<float> hi, float* c, int w, bool overwrite)
    {
        if (overwrite)
        {
            lo.Store(c);
            hi.Store(c + w);
        }
        else
        {
            (Vector.Load(c) + lo).Store(c);
            (Vector.Load(c + w) + hi).Store(c + w);
        }
    }

    // The last, partial column chunk of a direct-path row (valid < 16 columns, 8-lane vectors): written with full,
    // half, quarter and single-lane stores so nothing past the row end is touched. (AVX vmaskmovps would do it in
    // one instruction but is slow on AMD; a round trip through scratch memory cost a third of the 800×10×20 time.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StorePartial8(Vector<float> lo, Vector<float> hi, float* c, int valid, bool overwrite)
    {
        var v = lo.AsVector256();
        if (valid >= 8)
        {
            (overwrite ? v : Vector256.Load(c) + v).Store(c);
            v = hi.AsVector256();
            c += 8;
            valid -= 8;
        }

        var x = v.GetLower();
        if (valid >= 4)
        {
            (overwrite ? x : Vector128.Load(c) + x).Store(c);
            x = v.GetUpper();
            c += 4;
            valid -= 4;
        }
        if (valid >= 2)
        {
            var sum = overwrite ? x : Vector128.CreateScalar(*(double*)c).AsSingle() + x;
            *(double*)c = sum.AsDouble().ToScalar();
            x = Vector128.Shuffle(x, Vector128.Create(2, 3, 0, 1));
            c += 2;
            valid -= 2;
        }
        if (valid == 1)
            *c = overwrite ? x.ToScalar() : *c + x.ToScalar();
    }

    private static unsafe void AddPartial(float* src, float* dst, int count, bool overwrite)
    {
        for (int j = 0; j < count; j++)
            dst[j] = overwrite ? src[j] : dst[j] + src[j];
    }
}
