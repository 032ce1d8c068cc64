using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

// Micro-kernels: C tile (MR×NR) (=|+=) Σ_p a[p]·b[p] over kc packed steps.
//   a: packed A micro-panel, kc × MR (for each p, MR consecutive rows' values)
//   b: packed B micro-panel, kc × NR (for each p, NR consecutive columns' values)
// Accumulators start at zero and are added to C once at the end, so a tile's arithmetic per element is the same
// whether it is written to C directly or to a scratch tile (edges): results never depend on tile position.
public static partial class Gemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel512x16x16(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        Vector512<float> c8 = default, c9 = default, c10 = default, c11 = default;
        Vector512<float> c12 = default, c13 = default, c14 = default, c15 = default;
        for (int p = 0; p < kc; p++)
        {
            var bv = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), bv, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), bv, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), bv, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), bv, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), bv, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), bv, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), bv, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), bv, c7);
            c8 = Vector512.FusedMultiplyAdd(Vector512.Create(a[8]), bv, c8);
            c9 = Vector512.FusedMultiplyAdd(Vector512.Create(a[9]), bv, c9);
            c10 = Vector512.FusedMultiplyAdd(Vector512.Create(a[10]), bv, c10);
            c11 = Vector512.FusedMultiplyAdd(Vector512.Create(a[11]), bv, c11);
            c12 = Vector512.FusedMultiplyAdd(Vector512.Create(a[12]), bv, c12);
            c13 = Vector512.FusedMultiplyAdd(Vector512.Create(a[13]), bv, c13);
            c14 = Vector512.FusedMultiplyAdd(Vector512.Create(a[14]), bv, c14);
            c15 = Vector512.FusedMultiplyAdd(Vector512.Create(a[15]), bv, c15);
            a += 16;
            b += 16;
        }

        Store512(c0, c, overwrite); c += ldc;
        Store512(c1, c, overwrite); c += ldc;
        Store512(c2, c, overwrite); c += ldc;
        Store512(c3, c, overwrite); c += ldc;
        Store512(c4, c, overwrite); c += ldc;
        Store512(c5, c, overwrite); c += ldc;
        Store512(c6, c, overwrite); c += ldc;
        Store512(c7, c, overwrite); c += ldc;
        Store512(c8, c, overwrite); c += ldc;
        Store512(c9, c, overwrite); c += ldc;
        Store512(c10, c, overwrite); c += ldc;
        Store512(c11, c, overwrite); c += ldc;
        Store512(c12, c, overwrite); c += ldc;
        Store512(c13, c, overwrite); c += ldc;
        Store512(c14, c, overwrite); c += ldc;
        Store512(c15, c, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel256x6x16(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(a4, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(a5, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }

        Store256(c00, c, overwrite); Store256(c01, c + 8, overwrite); c += ldc;
        Store256(c10, c, overwrite); Store256(c11, c + 8, overwrite); c += ldc;
        Store256(c20, c, overwrite); Store256(c21, c + 8, overwrite); c += ldc;
        Store256(c30, c, overwrite); Store256(c31, c + 8, overwrite); c += ldc;
        Store256(c40, c, overwrite); Store256(c41, c + 8, overwrite); c += ldc;
        Store256(c50, c, overwrite); Store256(c51, c + 8, overwrite);
    }

    // Portable fallback: MultiplyAddEstimate is a fused multiply-add where the hardware has one (NEON, FMA3)
    // and a multiply then an add elsewhere; either way the same instruction sequence for every tile.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Kernel128x4x8(int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.MultiplyAddEstimate(a0, b0, c00);
            c01 = Vector128.MultiplyAddEstimate(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.MultiplyAddEstimate(a1, b0, c10);
            c11 = Vector128.MultiplyAddEstimate(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.MultiplyAddEstimate(a2, b0, c20);
            c21 = Vector128.MultiplyAddEstimate(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.MultiplyAddEstimate(a3, b0, c30);
            c31 = Vector128.MultiplyAddEstimate(a3, b1, c31);
            a += 4;
            b += 8;
        }

        Store128(c00, c, overwrite); Store128(c01, c + 4, overwrite); c += ldc;
        Store128(c10, c, overwrite); Store128(c11, c + 4, overwrite); c += ldc;
        Store128(c20, c, overwrite); Store128(c21, c + 4, overwrite); c += ldc;
        Store128(c30, c, overwrite); Store128(c31, c + 4, overwrite);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store512(Vector512<float> acc, float* c, bool overwrite) =>
        (overwrite ? acc : Vector512.Load(c) + acc).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store256(Vector256<float> acc, float* c, bool overwrite) =>
        (overwrite ? acc : Vector256.Load(c) + acc).Store(c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store128(Vector128<float> acc, float* c, bool overwrite) =>
        (overwrite ? acc : Vector128.Load(c) + acc).Store(c);
}
