using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

/// <summary>
/// The vectorised float32 GELU (<see cref="GeluFloat"/>) and the threaded kernel (<see cref="GeluKernel"/>) against the
/// float64 scalar definitions of <see cref="Unary.Scalar{T}"/>: value, derivative and the fused backward g·GELU'(x), exact
/// and tanh-approximated, at awkward sizes (partial last vectors), in place, and for any thread count.
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class GeluKernelTests
{
    public static TheoryData<int, bool> Cases()
    {
        var data = new TheoryData<int, bool>();
        foreach (int n in new[] { 1, 7, 33, 129, 1000, 100_003 })
            foreach (bool tanh in new[] { false, true })
                data.Add(n, tanh);
        return data;
    }

    private static float[] Data(int n, int seed, double lo = -8, double hi = 8)
    {
        var g = new Generator((ulong)seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(lo + (hi - lo) * g.NextDouble());
        return a;
    }

    private static double Reference(bool tanh, bool derivative, double x) =>
        Unary.Scalar(derivative
            ? tanh ? UnaryKind.GeluTanhDerivative : UnaryKind.GeluExactDerivative
            : tanh ? UnaryKind.GeluTanh : UnaryKind.GeluExact, x, 0.0, 0.0);

    private static void AssertNear(double expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{what}: {actual} vs {expected}");

    [Theory]
    [MemberData(nameof(Cases))]
    public void FloatForwardDerivativeAndBackwardMatchTheFloat64Reference(int n, bool tanh)
    {
        float[] x = Data(n, n), g = Data(n, n + 1, -2, 2);
        float[] y = new float[n], dy = new float[n], dx = new float[n];
        GeluFloat.Forward(x, y, tanh);
        GeluFloat.Derivative(x, dy, tanh);
        GeluFloat.Backward(x, g, dx, tanh);
        for (int i = 0; i < n; i++)
        {
            AssertNear(Reference(tanh, false, x[i]), y[i], $"y x={x[i]}");
            double d = Reference(tanh, true, x[i]);
            AssertNear(d, dy[i], $"GELU' x={x[i]}");
            AssertNear(g[i] * d, dx[i], $"dx x={x[i]} g={g[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThreadedKernelMatchesTheSpanKernelFloat32(int n, bool tanh)
    {
        float[] x = Data(n, 2 * n), g = Data(n, 2 * n + 1, -2, 2);
        float[] y = new float[n], dx = new float[n], yRef = new float[n], dxRef = new float[n];
        GeluKernel.Forward<float>(x, y, tanh);
        GeluKernel.Backward<float>(x, g, dx, tanh);
        GeluFloat.Forward(x, yRef, tanh);
        GeluFloat.Backward(x, g, dxRef, tanh);
        Assert.Equal(yRef, y);
        Assert.Equal(dxRef, dx);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(129, false)]
    [InlineData(40_001, false)]
    [InlineData(129, true)]
    [InlineData(40_001, true)]
    public void Float64KernelIsTheScalarDefinition(int n, bool tanh)
    {
        var gen = new Generator(3);
        double[] x = new double[n], g = new double[n];
        for (int i = 0; i < n; i++) { x[i] = gen.NextDouble() * 12 - 6; g[i] = gen.NextDouble() * 2 - 1; }
        double[] y = new double[n], dx = new double[n];
        GeluKernel.Forward<double>(x, y, tanh);
        GeluKernel.Backward<double>(x, g, dx, tanh);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(Reference(tanh, false, x[i]), y[i]);
            Assert.Equal(g[i] * Reference(tanh, true, x[i]), dx[i]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void InPlaceGivesTheSameBits(bool tanh)
    {
        foreach (int n in new[] { 1, 7, 33, 129, 1000 })
        {
            float[] x = Data(n, 5), g = Data(n, 6, -2, 2);
            float[] y = new float[n], dx = new float[n];
            GeluFloat.Forward(x, y, tanh);
            GeluFloat.Backward(x, g, dx, tanh);
            float[] inPlace = (float[])x.Clone(), gInPlace = (float[])g.Clone();
            GeluFloat.Forward(inPlace, inPlace, tanh);
            GeluFloat.Backward(x, gInPlace, gInPlace, tanh);
            Assert.Equal(y, inPlace);
            Assert.Equal(dx, gInPlace);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SpecialValues(bool tanh)
    {
        float[] x = [0f, -0f, 30f, -30f, 100f, -100f, float.PositiveInfinity, float.NaN];
        float[] y = new float[x.Length], d = new float[x.Length];
        GeluFloat.Forward(x, y, tanh);
        GeluFloat.Derivative(x, d, tanh);
        Assert.Equal(0f, y[0]);
        Assert.Equal(0.5f, d[0], 6);
        Assert.Equal(30f, y[2]);
        Assert.Equal(0f, y[3]);
        Assert.Equal(100f, y[4]);
        Assert.Equal(0f, y[5]);
        Assert.Equal(1f, d[2]);
        Assert.Equal(0f, d[3]);
        Assert.Equal(1f, d[4]);
        Assert.Equal(0f, d[5]);
        Assert.Equal(float.PositiveInfinity, y[6]);
        Assert.True(float.IsNaN(y[7]) && float.IsNaN(d[7]));
    }

    [Fact]
    public void ResultsAreBitIdenticalForAnyThreadCount()
    {
        const int n = 300_001;
        float[] x = Data(n, 1), g = Data(n, 2, -2, 2);
        int saved = KernelThreads.Count;
        try
        {
            foreach (bool tanh in new[] { false, true })
            {
                float[] y1 = new float[n], dx1 = new float[n], y2 = new float[n], dx2 = new float[n];
                KernelThreads.Count = 1;
                GeluKernel.Forward<float>(x, y1, tanh);
                GeluKernel.Backward<float>(x, g, dx1, tanh);
                KernelThreads.Count = Environment.ProcessorCount;
                GeluKernel.Forward<float>(x, y2, tanh);
                GeluKernel.Backward<float>(x, g, dx2, tanh);
                Assert.Equal(y1, y2);
                Assert.Equal(dx1, dx2);
            }
        }
        finally { KernelThreads.Count = saved; }
    }

    [Theory]
    [InlineData("none")]
    [InlineData("tanh")]
    public void TensorGeluBackwardIsGradientTimesDerivative(string approximate)
    {
        var gen = new Generator(4);
        Tensor x = Tensor.Uniform([3, 50, 7], -5, 5, gen).RequiresGrad_();
        Tensor upstream = Tensor.Randn([3, 50, 7], gen);
        Tensor y = x.Transpose(0, 2).Gelu(approximate); // non-contiguous input
        Assert.Equal("GeluBackward", y.GradFnName);
        (y * upstream.Transpose(0, 2)).Sum().Backward();
        float[] xs = x.Detach().ToArray(), gs = upstream.ToArray(), dx = x.Grad!.ToArray();
        for (int i = 0; i < xs.Length; i++)
            AssertNear(gs[i] * Reference(approximate == "tanh", true, xs[i]), dx[i], $"dx x={xs[i]}");
    }
}
