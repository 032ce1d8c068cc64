using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

/// <summary>The dot-product path (narrow A·Bᵀ over a long k: convolution weight gradients of thin layers) against the reference.</summary>
public class GemmDotTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 32, 9, 676 },  // W3's first convolution: dY (32 × 26·26) · colᵀ
        { 9, 32, 676 },
        { 1, 1, 64 },
        { 5, 3, 67 },    // ragged 4×2 blocks and a k tail
        { 16, 64, 100 },
        { 7, 16, 129 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public unsafe void Dot_path_matches_the_reference_and_is_chosen_by_Auto(int m, int n, int k)
    {
        var rng = new Random(HashCode.Combine(m, n, k));
        foreach (bool accumulate in new[] { false, true })
        {
            int lda = k + 3, ldb = k + 1, ldc = n + 2;
            float[] a = Enumerable.Range(0, (m - 1) * lda + k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] b = Enumerable.Range(0, (n - 1) * ldb + k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] c0 = Enumerable.Range(0, m * ldc).Select(_ => (float)rng.NextDouble()).ToArray();
            float[] dot = (float[])c0.Clone(), auto = (float[])c0.Clone(), reference = (float[])c0.Clone();
            fixed (float* pa = a, pb = b, pc = dot)
                Gemm.SgemmCore(false, true, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, Gemm.DefaultMicroKernel, 2, SgemmPath.Dot);
            Gemm.Sgemm(false, true, m, n, k, a, lda, b, ldb, auto, ldc, accumulate);
            GemmReference.Sgemm(false, true, m, n, k, a, lda, b, ldb, reference, ldc, accumulate);
            // Auto takes this path for these shapes (where 256-bit vectors are hardware-accelerated; otherwise never)
            if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated) Assert.Equal(dot, auto);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < ldc; j++)
                {
                    int at = i * ldc + j;
                    if (j >= n) Assert.Equal(c0[at], dot[at]); // padding untouched
                    else Assert.True(Math.Abs(reference[at] - dot[at]) <= 1e-4f * (1 + Math.Abs(reference[at])), $"({i}, {j}): {reference[at]} vs {dot[at]}");
                }
        }
    }
}
