using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Kernels;

/// <summary>8×8 float transposes in AVX registers (callers check <see cref="Avx.IsSupported"/>).</summary>
internal static class RegisterTranspose
{
    /// <summary>
    /// Reads eight values from each of eight lines and writes them transposed: step q's eight values (one per line) go
    /// to d[q·<paramref name="ldd"/> .. q·<paramref name="ldd"/> + 7].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Store8x8(float* l0, float* l1, float* l2, float* l3, float* l4, float* l5, float* l6, float* l7, float* d, nint ldd)
    {
        var r0 = Avx.LoadVector256(l0); var r1 = Avx.LoadVector256(l1); var r2 = Avx.LoadVector256(l2); var r3 = Avx.LoadVector256(l3);
        var r4 = Avx.LoadVector256(l4); var r5 = Avx.LoadVector256(l5); var r6 = Avx.LoadVector256(l6); var r7 = Avx.LoadVector256(l7);
        // pairs interleaved, then quads, then the 128-bit halves swapped into place
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1); var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5); var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE); var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE); var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ldd, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ldd, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ldd, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ldd, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ldd, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ldd, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Four values from each of eight lines (ldSrc apart) written transposed: column q's eight to d[q·ldd ..].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store8x4(float* s, nint ldSrc, float* d, nint ldd)
    {
        for (int half = 0; half < 2; half++, s += 4 * ldSrc, d += 4)
        {
            var r0 = Sse.LoadVector128(s); var r1 = Sse.LoadVector128(s + ldSrc);
            var r2 = Sse.LoadVector128(s + 2 * ldSrc); var r3 = Sse.LoadVector128(s + 3 * ldSrc);
            var t0 = Sse.UnpackLow(r0, r1); var t1 = Sse.UnpackHigh(r0, r1); var t2 = Sse.UnpackLow(r2, r3); var t3 = Sse.UnpackHigh(r2, r3);
            Sse.Store(d, Sse.MoveLowToHigh(t0, t2));
            Sse.Store(d + ldd, Sse.MoveHighToLow(t2, t0));
            Sse.Store(d + 2 * ldd, Sse.MoveLowToHigh(t1, t3));
            Sse.Store(d + 3 * ldd, Sse.MoveHighToLow(t3, t1));
        }
    }

    /// <summary>
    /// Transposes a (rows × cols) block: dst[c·ldDst + r] = src[r·ldSrc + c], eight by eight in registers where AVX allows,
    /// element by element at the edges.
    /// </summary>
    public static unsafe void Block(float* src, nint ldSrc, float* dst, nint ldDst, int rows, int cols)
    {
        int r = 0;
        if (Avx.IsSupported)
        {
            for (; r + 8 <= rows; r += 8)
            {
                float* s = src + r * ldSrc;
                int c = 0;
                for (; c + 8 <= cols; c += 8)
                    Store8x8(s + c, s + ldSrc + c, s + 2 * ldSrc + c, s + 3 * ldSrc + c, s + 4 * ldSrc + c, s + 5 * ldSrc + c, s + 6 * ldSrc + c, s + 7 * ldSrc + c,
                        dst + c * ldDst + r, ldDst);
                for (; c + 4 <= cols; c += 4)
                    Store8x4(s + c, ldSrc, dst + c * ldDst + r, ldDst);
                for (; c < cols; c++)
                {
                    float* d = dst + c * ldDst + r;
                    for (int k = 0; k < 8; k++) d[k] = s[k * ldSrc + c];
                }
            }
        }
        for (; r < rows; r++)
        {
            float* s = src + r * ldSrc;
            for (int c = 0; c < cols; c++) dst[c * ldDst + r] = s[c];
        }
    }
}
