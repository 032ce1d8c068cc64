using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

/// <summary>Each vectorized kernel against a plain scalar loop, on awkward sizes.</summary>
public class ElementwiseKernelTests
{
    public static readonly int[] Sizes = [1, 7, 33, 129, 1000];

    private static float[] Data(int n, int seed, float lo = -3, float hi = 3)
    {
        var g = new Generator((ulong)seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(lo + (hi - lo) * g.NextDouble());
        return a;
    }

    public static TheoryData<UnaryKind, int> UnaryCases()
    {
        var d = new TheoryData<UnaryKind, int>();
        foreach (UnaryKind k in Enum.GetValues<UnaryKind>())
            foreach (int n in Sizes) d.Add(k, n);
        return d;
    }

    [Theory]
    [MemberData(nameof(UnaryCases))]
    public void UnaryMatchesScalarReference(UnaryKind kind, int n)
    {
        bool positiveOnly = kind is UnaryKind.Log or UnaryKind.Sqrt or UnaryKind.PowScalar;
        var x = Data(n, 11, positiveOnly ? 0.1f : -3, 3);
        var y = new float[n];
        const float p = 0.7f, q = 1.9f;
        Unary.Apply<float>(kind, x, y, p, q);
        for (int i = 0; i < n; i++)
        {
            float expected = Unary.Scalar(kind, x[i], p, q);
            Assert.True(Math.Abs(expected - y[i]) <= 2e-6f * Math.Max(1, Math.Abs(expected)), $"{kind} n={n} i={i}: {y[i]} vs {expected} (x={x[i]})");
        }
    }

    [Fact]
    public void UnaryDoublesAgreeWithMathLibrary()
    {
        double[] x = [-2.5, -0.3, 0, 0.4, 3.2];
        var y = new double[x.Length];
        Unary.Apply<double>(UnaryKind.Tanh, x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Math.Tanh(x[i]), y[i], 14);
        Unary.Apply<double>(UnaryKind.Sigmoid, x, y);
        for (int i = 0; i < x.Length; i++) Assert.Equal(1 / (1 + Math.Exp(-x[i])), y[i], 14);
    }

    [Fact]
    public void ErfMatchesKnownValues()
    {
        // Reference values of erf to 16 digits.
        (double x, double erf)[] table = [(0, 0), (0.1, 0.1124629160182849), (0.5, 0.5204998778130465), (1, 0.8427007929497149),
            (2, 0.9953222650189527), (2.5, 0.9995930479825550), (3, 0.9999779095030014), (-1.5, -0.9661051464753108), (4, 0.9999999845827421)];
        foreach (var (x, erf) in table) Assert.Equal(erf, SpecialFunctions.Erf(x), 14);
    }

    public static TheoryData<int> SizeCases()
    {
        var d = new TheoryData<int>();
        foreach (int n in Sizes) d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void BroadcastBinaryMatchesNaiveIndexing(int n)
    {
        // shapes: a (n, 3, 1) with a transposed-looking stride pattern, b (4) broadcast, out (n, 3, 4)
        var a = Data(n * 3, 1);
        var b = Data(4, 2);
        int[] shape = [n, 3, 4];
        int[] sa = [3, 1, 0], sb = [0, 0, 1];
        var dst = new float[n * 12];
        Broadcast.Binary<float, MulOp<float>>(a, 0, sa, b, 0, sb, shape, dst);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(a[i * 3 + j] * b[k], dst[(i * 3 + j) * 4 + k]);

        // strided (non-unit, non-zero) inner strides and a scalar-span case
        var c = Data(2 * n, 3);
        var d = Data(n, 4);
        var dst2 = new float[n];
        Broadcast.Binary<float, SubOp<float>>(c, 1, [2], d, 0, [1], [n], dst2);
        for (int i = 0; i < n; i++) Assert.Equal(c[1 + 2 * i] - d[i], dst2[i]);
        Broadcast.Binary<float, DivOp<float>>(c, 0, [0], d, 0, [1], [n], dst2);
        for (int i = 0; i < n; i++) Assert.Equal(c[0] / d[i], dst2[i]);
        Broadcast.Binary<float, PowOp<float>>(d, 0, [1], c, 0, [0], [n], dst2);
        for (int i = 0; i < n; i++) Assert.Equal(MathF.Pow(d[i], c[0]), dst2[i]);
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void ReduceAxisMatchesNaiveLoops(int n)
    {
        foreach (var (outer, inner) in new[] { (1, 1), (3, 1), (2, 5), (1, 33) })
        {
            var x = Data(outer * n * inner, 5);
            foreach (ReduceKind kind in Enum.GetValues<ReduceKind>())
            {
                var y = new float[outer * inner];
                Reduce.Axis<float>(kind, x, outer, n, inner, y);
                for (int o = 0; o < outer; o++)
                    for (int i = 0; i < inner; i++)
                    {
                        double acc = kind == ReduceKind.Sum ? 0 : x[o * n * inner + i];
                        for (int r = 0; r < n; r++)
                        {
                            float v = x[(o * n + r) * inner + i];
                            acc = kind switch { ReduceKind.Sum => acc + v, ReduceKind.Max => Math.Max(acc, v), _ => Math.Min(acc, v) };
                        }
                        Assert.True(Math.Abs(acc - y[o * inner + i]) <= 1e-5 * Math.Max(1, n), $"{kind} n={n} outer={outer} inner={inner}");
                    }
            }
            var arg = new long[outer * inner];
            Reduce.ArgAxis<float>(true, x, outer, n, inner, arg);
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                {
                    int best = 0;
                    for (int r = 1; r < n; r++)
                        if (x[(o * n + r) * inner + i] > x[(o * n + best) * inner + i]) best = r;
                    Assert.Equal(best, arg[o * inner + i]);
                }
        }
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void SoftmaxRowsMatchNaiveDoubleComputation(int n)
    {
        var x = Data(3 * n, 9, -20, 20);
        x[0] = float.NegativeInfinity;
        foreach (bool log in new[] { false, true })
        {
            var y = new float[x.Length];
            Softmax.Rows<float>(x, y, n, log);
            for (int r = 0; r < 3; r++)
            {
                double max = double.NegativeInfinity;
                for (int j = 0; j < n; j++) max = Math.Max(max, x[r * n + j]);
                double sum = 0;
                for (int j = 0; j < n; j++) sum += Math.Exp(x[r * n + j] - max);
                for (int j = 0; j < n; j++)
                {
                    double v = x[r * n + j] - max;
                    double expected = double.IsNegativeInfinity(max) ? (log ? double.NegativeInfinity : 0) : log ? v - Math.Log(sum) : Math.Exp(v) / sum;
                    if (double.IsNegativeInfinity(expected)) Assert.True(float.IsNegativeInfinity(y[r * n + j]));
                    else Assert.True(Math.Abs(expected - y[r * n + j]) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"log={log} n={n} r={r} j={j}: {y[r * n + j]} vs {expected}");
                }
            }
        }
    }

    [Fact]
    public void SoftmaxOfAFullyMaskedRowIsZeroAndLogSoftmaxIsMinusInfinity()
    {
        float[] x = [float.NegativeInfinity, float.NegativeInfinity];
        var y = new float[2];
        Softmax.Rows<float>(x, y, 2, log: false);
        Assert.Equal([0f, 0f], y);
        Softmax.Rows<float>(x, y, 2, log: true);
        Assert.All(y, v => Assert.True(float.IsNegativeInfinity(v)));
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void StridedCopyMatchesNaiveIndexing(int n)
    {
        // a (n, 4) matrix read transposed as (4, n), plus an expanded (stride 0) view
        var src = Data(n * 4 + 3, 6);
        var dst = new float[4 * n];
        StridedCopy.Copy(src, 3, [4, n], [1, 4], dst);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < n; j++) Assert.Equal(src[3 + j * 4 + i], dst[i * n + j]);
        StridedCopy.Copy(src, 0, [2, n], [0, 1], dst.AsSpan(0, 2 * n));
        for (int j = 0; j < n; j++) Assert.Equal(src[j], dst[n + j]);
    }
}

public class GeluFloatKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    public void VectorisedGeluMatchesTheDoublePrecisionReference(int n)
    {
        var g = new Generator(8);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(g.NextDouble() * 16 - 8);
        var y = new float[n];
        foreach (bool derivative in new[] { false, true })
        {
            SharpGrad.Kernels.GeluFloat.Apply(x, y, derivative);
            for (int i = 0; i < n; i++)
            {
                double expected = SharpGrad.Kernels.Unary.Scalar(derivative ? SharpGrad.Kernels.UnaryKind.GeluExactDerivative : SharpGrad.Kernels.UnaryKind.GeluExact, (double)x[i], 0.0, 0.0);
                Assert.True(Math.Abs(expected - y[i]) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"derivative={derivative} x={x[i]}: {y[i]} vs {expected}");
            }
        }
    }
}
