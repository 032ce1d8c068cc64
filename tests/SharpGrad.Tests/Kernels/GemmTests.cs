using System.Runtime.Intrinsics;
using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

// Tests here change KernelThreads.Count, a process-wide setting: keep them out of parallel runs.
[CollectionDefinition(nameof(KernelGlobalsCollection), DisableParallelization = true)]
public class KernelGlobalsCollection;

[Collection(nameof(KernelGlobalsCollection))]
public class GemmTests
{
    private static readonly bool[] Bools = [false, true];

    public static TheoryData<int, int, int> Sizes => new()
    {
        { 1, 1, 1 },
        { 7, 33, 1 },
        { 1, 129, 7 },
        { 33, 1, 129 },
        { 129, 7, 33 },
        { 7, 7, 1000 },
        { 33, 129, 7 },
        { 129, 33, 129 },
        { 1000, 7, 33 },
        { 7, 1000, 33 },
        { 33, 33, 1000 },
        { 129, 129, 129 },
        { 200, 150, 600 }, // k over the 512 block depth; several tiles both ways
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SgemmMatchesReference(int m, int n, int k)
    {
        foreach (bool transA in Bools)
            foreach (bool transB in Bools)
                foreach (bool accumulate in Bools)
                    CheckSgemm(transA, transB, m, n, k, accumulate, pad: 0, kernel: null, SgemmPath.Auto);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SgemmMatchesReferenceWithPaddedLeadingDimensions(int m, int n, int k)
    {
        foreach (bool transA in Bools)
            foreach (bool transB in Bools)
                CheckSgemm(transA, transB, m, n, k, accumulate: true, pad: 5, kernel: null, SgemmPath.Auto);
    }

    // (MicroKernel, SgemmPath) as names: the enums are internal and cannot appear in a public test signature.
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string> { { nameof(MicroKernel.Vector128x4x8), nameof(SgemmPath.Packed) } };
        if (Vector256.IsHardwareAccelerated)
            data.Add(nameof(MicroKernel.Vector256x6x16), nameof(SgemmPath.Packed));
        if (Vector512.IsHardwareAccelerated)
            data.Add(nameof(MicroKernel.Vector512x16x16), nameof(SgemmPath.Packed));
        data.Add(Gemm.DefaultMicroKernel.ToString(), nameof(SgemmPath.Direct));
        return data;
    }

    // Every micro-kernel this machine can run, and both paths, whatever sizes Auto would pick them for.
    [Theory]
    [MemberData(nameof(Kernels))]
    public void EachKernelAndPathMatchesReference(string kernelName, string pathName)
    {
        var kernel = Enum.Parse<MicroKernel>(kernelName);
        var path = Enum.Parse<SgemmPath>(pathName);
        (int M, int N, int K)[] sizes = [(1, 1, 1), (7, 33, 129), (33, 7, 600), (129, 129, 33), (5, 300, 17)];
        foreach (var (m, n, k) in sizes)
            foreach (bool transA in Bools)
                foreach (bool transB in Bools)
                    foreach (bool accumulate in Bools)
                        CheckSgemm(transA, transB, m, n, k, accumulate, pad: 3, kernel, path);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void DgemmMatchesReference(int m, int n, int k)
    {
        foreach (bool transA in Bools)
            foreach (bool transB in Bools)
                foreach (bool accumulate in Bools)
                    CheckDgemm(transA, transB, m, n, k, accumulate, pad: accumulate ? 2 : 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KZeroClearsOrKeepsC(bool accumulate)
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Sgemm(false, false, 2, 3, 0, [], 1, [], 3, c, 3, accumulate);
        Assert.Equal(accumulate ? [1f, 2, 3, 4, 5, 6] : new float[6], c);

        double[] cd = [1, 2, 3, 4, 5, 6];
        Gemm.Dgemm(true, true, 2, 3, 0, [], 2, [], 1, cd, 3, accumulate);
        Assert.Equal(accumulate ? [1.0, 2, 3, 4, 5, 6] : new double[6], cd);
    }

    [Fact]
    public void KZeroLeavesPaddingUntouched()
    {
        float[] c = [1, 2, 9, 4, 5, 9];
        Gemm.Sgemm(false, false, 2, 2, 0, [], 1, [], 2, c, 3);
        Assert.Equal([0f, 0, 9, 0, 0, 9], c);
    }

    [Fact]
    public void EmptyOutputIsANoOp()
    {
        Gemm.Sgemm(false, false, 0, 5, 3, [], 3, new float[15], 5, [], 5);
        Gemm.Sgemm(false, false, 4, 0, 3, new float[12], 3, [], 1, [], 1);
        Gemm.Dgemm(false, false, 0, 0, 0, [], 1, [], 1, [], 1);
    }

    [Fact]
    public void PaddingColumnsOfCAreNotWritten()
    {
        const int m = 37, n = 21, k = 600, ldc = 25;
        var rng = new Random(3);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
        var c = new float[(m - 1) * ldc + n];
        Array.Fill(c, float.NaN);
        Gemm.Sgemm(false, false, m, n, k, a, k, b, n, c, ldc);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc && i * ldc + j < c.Length; j++)
                Assert.Equal(j >= n, float.IsNaN(c[i * ldc + j]));
        }
    }

    [Fact]
    public void ThreadCountDoesNotChangeResults()
    {
        int saved = KernelThreads.Count;
        try
        {
            var rng = new Random(11);
            (bool TransA, bool TransB, int M, int N, int K)[] cases =
            [
                (false, false, 300, 250, 1100), // split over rows, three k blocks
                (true, true, 90, 700, 530),     // split over columns
                (false, true, 257, 129, 513),
                (true, false, 513, 17, 300),
                (false, false, 800, 10, 20),    // direct path, split over rows
                (true, true, 22, 10, 800),
                (false, true, 999, 40, 25),
            ];
            foreach (var (transA, transB, m, n, k) in cases)
            {
                float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
                int lda = transA ? m : k, ldb = transB ? k : n;
                var reference = new float[m * n];
                KernelThreads.Count = 1;
                Gemm.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, reference, n);

                // Through the public setting (when the machine has two cores) and through the internal driver with
                // more parts than threads, including an odd split that is not aligned to how two threads would split.
                if (Environment.ProcessorCount >= 2)
                {
                    KernelThreads.Count = 2;
                    var c2 = new float[m * n];
                    Gemm.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, c2, n);
                    Assert.Equal(reference, c2);
                }
                foreach (int threads in new[] { 3, 5 })
                {
                    var c3 = new float[m * n];
                    unsafe
                    {
                        fixed (float* pa = a, pb = b, pc = c3)
                            Gemm.SgemmCore(transA, transB, m, n, k, pa, lda, pb, ldb, pc, n, false,
                                Gemm.DefaultMicroKernel, threads, SgemmPath.Auto);
                    }
                    Assert.Equal(reference, c3);
                }
            }
        }
        finally
        {
            KernelThreads.Count = saved;
        }
    }

    [Fact]
    public void ConcurrentCallersGetCorrectResults()
    {
        const int m = 150, n = 140, k = 130;
        var rng = new Random(5);
        float[] a = RandomArray(rng, m * k), b = RandomArray(rng, k * n);
        var expected = new float[m * n];
        Gemm.Sgemm(false, false, m, n, k, a, k, b, n, expected, n);
        Parallel.For(0, 8, _ =>
        {
            var c = new float[m * n];
            for (int r = 0; r < 5; r++)
            {
                Gemm.Sgemm(false, false, m, n, k, a, k, b, n, c, n);
                Assert.Equal(expected, c);
            }
        });
    }

    [Fact]
    public void KernelThreadsCountRejectsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreads.Count = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreads.Count = Environment.ProcessorCount + 1);
        Assert.InRange(KernelThreads.Count, 1, Environment.ProcessorCount);
    }

    [Fact]
    public void ArgumentErrorsNameTheParameter()
    {
        var a = new float[6];
        var b = new float[6];
        var c = new float[4];
        AssertParam("m", () => Gemm.Sgemm(false, false, -1, 2, 3, a, 3, b, 2, c, 2));
        AssertParam("n", () => Gemm.Sgemm(false, false, 2, -1, 3, a, 3, b, 2, c, 2));
        AssertParam("k", () => Gemm.Sgemm(false, false, 2, 2, -3, a, 3, b, 2, c, 2));
        AssertParam("lda", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 2, b, 2, c, 2));
        AssertParam("lda", () => Gemm.Sgemm(true, false, 2, 2, 3, a, 1, b, 2, c, 2));
        AssertParam("ldb", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 3, b, 1, c, 2));
        AssertParam("ldb", () => Gemm.Sgemm(false, true, 2, 2, 3, a, 3, b, 2, c, 2));
        AssertParam("ldc", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 3, b, 2, c, 1));
        AssertParam("a", () => Gemm.Sgemm(false, false, 2, 2, 3, a.AsSpan(0, 5), 3, b, 2, c, 2));
        AssertParam("a", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 4, b, 2, c, 2));
        AssertParam("b", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 3, b.AsSpan(0, 5), 2, c, 2));
        AssertParam("c", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 3, b, 2, c.AsSpan(0, 3), 2));
        AssertParam("c", () => Gemm.Sgemm(false, false, 2, 2, 3, a, 3, b, 2, c, 3));
        AssertParam("a", () => Gemm.Dgemm(false, false, 2, 2, 3, new double[5], 3, new double[6], 2, new double[4], 2));
        AssertParam("ldc", () => Gemm.Dgemm(false, false, 2, 2, 3, new double[6], 3, new double[6], 2, new double[4], 1));

        var e = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(false, false, 2, 2, 3, a.AsSpan(0, 5), 3, b, 2, c, 2));
        Assert.Contains("5", e.Message);
        Assert.Contains("6", e.Message);
    }

    private delegate void GemmCall();

    private static void AssertParam(string name, GemmCall call)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => call());
        Assert.Equal(name, e.ParamName);
    }

    private static void CheckSgemm(bool transA, bool transB, int m, int n, int k, bool accumulate, int pad,
        MicroKernel? kernel, SgemmPath path)
    {
        var rng = new Random(HashCode.Combine(m, n, k, transA, transB, accumulate));
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        float[] a = RandomArray(rng, (transA ? k : m) * lda);
        float[] b = RandomArray(rng, (transB ? n : k) * ldb);
        float[] c = RandomArray(rng, m * ldc);
        float[] expected = (float[])c.Clone();
        GemmReference.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);

        if (kernel is { } kind)
        {
            unsafe
            {
                fixed (float* pa = a, pb = b, pc = c)
                    Gemm.SgemmCore(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, kind, KernelThreads.Count, path);
            }
        }
        else
        {
            Gemm.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        }

        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < ldc; j++)
            {
                int at = i * ldc + j;
                if (j >= n)
                {
                    Assert.Equal(expected[at], c[at]); // padding untouched
                    continue;
                }
                // float32 rounding grows with the number of terms: bound by k·ε·Σ|terms| (+ |C| when accumulating).
                double magnitude = accumulate ? Math.Abs(expected[at]) + 1 : 1;
                for (int p = 0; p < k; p++)
                    magnitude += Math.Abs((double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]));
                double tolerance = (k + 2) * 1.2e-7 * magnitude;
                Assert.True(Math.Abs(c[at] - expected[at]) <= tolerance,
                    $"C[{i},{j}] = {c[at]}, expected {expected[at]} ± {tolerance} (m={m} n={n} k={k} transA={transA} transB={transB} accumulate={accumulate} kernel={kernel} path={path})");
            }
        }
    }

    private static void CheckDgemm(bool transA, bool transB, int m, int n, int k, bool accumulate, int pad)
    {
        var rng = new Random(HashCode.Combine(m, n, k, transA, transB, accumulate, 64));
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        double[] a = RandomDoubles(rng, (transA ? k : m) * lda);
        double[] b = RandomDoubles(rng, (transB ? n : k) * ldb);
        double[] c = RandomDoubles(rng, m * ldc);
        double[] expected = (double[])c.Clone();
        GemmReference.Dgemm(transA, transB, m, n, k, a, lda, b, ldb, expected, ldc, accumulate);
        Gemm.Dgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
        for (int i = 0; i < c.Length; i++)
        {
            if (i % ldc >= n)
                Assert.Equal(expected[i], c[i]);
            else
                Assert.True(Math.Abs(c[i] - expected[i]) <= (k + 2) * 2.3e-16 * (k + Math.Abs(expected[i]) + 1),
                    $"C[{i / ldc},{i % ldc}] = {c[i]}, expected {expected[i]} (m={m} n={n} k={k} transA={transA} transB={transB})");
        }
    }

    private static float[] RandomArray(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }

    private static double[] RandomDoubles(Random rng, int length)
    {
        var values = new double[length];
        for (int i = 0; i < length; i++)
            values[i] = rng.NextDouble() * 2 - 1;
        return values;
    }
}
