using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

/// <summary>Products with a prepacked B give exactly the bits of the packed path that packs B at every call.</summary>
public class GemmPrepackedTests
{
    [Theory]
    [InlineData(false, false, 32, 1024, 256, false)] // the LSTM recurrence: h · W_hhᵀ is (B, H) × (H, 4H)
    [InlineData(false, true, 32, 1024, 256, true)]
    [InlineData(false, false, 32, 256, 1024, false)] // its backward: dgates · W_hh
    [InlineData(true, true, 7, 33, 1000, true)]      // k over the 512 block depth: several k blocks
    [InlineData(false, true, 129, 17, 5, false)]     // ragged panels, rows split across threads
    [InlineData(false, false, 3, 0, 4, false)]
    [InlineData(false, false, 3, 5, 0, true)]
    public void Prepacked_B_matches_the_packed_path_bit_for_bit(bool transA, bool transB, int m, int n, int k, bool accumulate)
    {
        var rng = new Random(HashCode.Combine(m, n, k, transA, transB));
        int lda = transA ? m : k, ldb = transB ? k : n;
        float[] a = Enumerable.Range(0, Math.Max(1, (transA ? k : m) * lda)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] b = Enumerable.Range(0, Math.Max(1, (transB ? n : k) * ldb)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] c0 = Enumerable.Range(0, Math.Max(1, m * n)).Select(_ => (float)rng.NextDouble()).ToArray();
        float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
        unsafe
        {
            fixed (float* pa = a, pb = b, pc = expected)
                Gemm.SgemmCore(transA, transB, m, n, k, pa, Math.Max(lda, 1), pb, Math.Max(ldb, 1), pc, Math.Max(n, 1), accumulate,
                    Gemm.DefaultMicroKernel, KernelThreads.Count, SgemmPath.Packed);
        }
        PackedMatrix packed = Gemm.PackB(transB, k, n, b, Math.Max(ldb, 1));
        Gemm.SgemmPrepacked(transA, m, a, Math.Max(lda, 1), packed, actual, Math.Max(n, 1), accumulate);
        Assert.Equal(expected, actual);
        // reused for a second product with another A
        float[] a2 = a.Select(v => v * 0.5f).ToArray();
        float[] expected2 = (float[])c0.Clone(), actual2 = (float[])c0.Clone();
        unsafe
        {
            fixed (float* pa = a2, pb = b, pc = expected2)
                Gemm.SgemmCore(transA, transB, m, n, k, pa, Math.Max(lda, 1), pb, Math.Max(ldb, 1), pc, Math.Max(n, 1), accumulate,
                    Gemm.DefaultMicroKernel, KernelThreads.Count, SgemmPath.Packed);
        }
        Gemm.SgemmPrepacked(transA, m, a2, Math.Max(lda, 1), packed, actual2, Math.Max(n, 1), accumulate);
        Assert.Equal(expected2, actual2);
    }

    [Theory]
    [InlineData(false, false, 64, 121, 288, false)] // W3's second convolution, forward: W · columns of one image
    [InlineData(false, false, 64, 121, 288, true)]  // … on top of the bias already in C
    [InlineData(true, false, 288, 121, 64, false)]  // its input gradient: Wᵀ · dY of one image
    [InlineData(true, true, 33, 7, 1000, true)]     // k over the 512 block depth, ragged row panels
    [InlineData(false, true, 200, 40, 9, false)]    // rows over one Mc block (192)
    [InlineData(false, false, 3, 0, 4, false)]
    [InlineData(false, false, 3, 5, 0, true)]
    public void Prepacked_A_matches_the_packed_path_bit_for_bit(bool transA, bool transB, int m, int n, int k, bool accumulate)
    {
        var rng = new Random(HashCode.Combine(m, n, k, transA, transB, 1));
        int lda = transA ? m : k, ldb = transB ? k : n;
        float[] a = Enumerable.Range(0, Math.Max(1, (transA ? k : m) * lda)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        float[] c0 = Enumerable.Range(0, Math.Max(1, m * n)).Select(_ => (float)rng.NextDouble()).ToArray();
        // packed into the middle of a larger buffer, then used for two products with different B
        float[] buffer = new float[Gemm.PackedAFloats(m, k) + 10];
        PackedMatrix packed = Gemm.PackA(transA, m, k, a, Math.Max(lda, 1), buffer, 7);
        for (int round = 0; round < 2; round++)
        {
            float[] b = Enumerable.Range(0, Math.Max(1, (transB ? n : k) * ldb)).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            float[] expected = (float[])c0.Clone(), actual = (float[])c0.Clone();
            unsafe
            {
                fixed (float* pa = a, pb = b, pc = expected)
                    Gemm.SgemmCore(transA, transB, m, n, k, pa, Math.Max(lda, 1), pb, Math.Max(ldb, 1), pc, Math.Max(n, 1), accumulate,
                        Gemm.DefaultMicroKernel, KernelThreads.Count, SgemmPath.Packed);
            }
            Gemm.SgemmPrepackedA(packed, transB, n, b, Math.Max(ldb, 1), actual, Math.Max(n, 1), accumulate, threads: round + 1);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Pack_A_rejects_a_buffer_that_is_too_short()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.PackA(false, 16, 8, new float[128], 8, new float[100], 0));
        Assert.Contains("128 are needed", e.Message);
    }
}
