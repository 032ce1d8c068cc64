using SharpGrad.Kernels;
using SharpGrad.NN;

namespace SharpGrad.Tests.Kernels;

/// <summary>
/// The fused LayerNorm (<see cref="LayerNormKernel"/> behind <see cref="Functional.LayerNorm"/>) against the composed
/// reference <see cref="Functional.LayerNormReference"/>: output, dx, dweight and dbias, with and without weight and bias,
/// one- and multi-dim normalized shapes, float64 and float32; and bit-identical results for any thread count.
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class LayerNormKernelTests
{
    public static TheoryData<int, int, bool, bool> Cases()
    {
        var data = new TheoryData<int, int, bool, bool>();
        foreach (int d in new[] { 1, 7, 33, 129, 1000 })
            foreach (int rows in new[] { 1, 5, 70 })
                foreach (bool w in new[] { false, true })
                    foreach (bool b in new[] { false, true })
                        data.Add(d, rows, w, b);
        return data;
    }

    /// <summary>y, dx, dweight, dbias of a LayerNorm function for a fixed upstream gradient.</summary>
    private static (double[] Y, double[] Dx, double[]? Dw, double[]? Db, string? Node) Run(
        Func<Tensor, Tensor?, Tensor?, Tensor> layerNorm, Tensor x0, Tensor? w0, Tensor? b0, Tensor upstream)
    {
        Tensor x = x0.Detach().RequiresGrad_();
        Tensor? w = w0?.Detach().RequiresGrad_(), b = b0?.Detach().RequiresGrad_();
        Tensor y = layerNorm(x, w, b);
        (y * upstream).Sum().Backward();
        return (y.To(DType.Float64).ToArray<double>(), x.Grad!.To(DType.Float64).ToArray<double>(),
            w?.Grad!.To(DType.Float64).ToArray<double>(), b?.Grad!.To(DType.Float64).ToArray<double>(), y.GradFnName);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale, $"{what}[{i}]: {actual[i]} vs {expected[i]} (scale {scale})");
    }

    private static void Compare(int[] shape, int[] normalizedShape, bool withWeight, bool withBias, DType dtype, double tolerance, int seed)
    {
        var g = new Generator((ulong)seed);
        Tensor x = Tensor.Randn(shape, g, dtype).MulScalar(2).AddScalar(0.5);
        Tensor? w = withWeight ? Tensor.Randn(normalizedShape, g, dtype) : null;
        Tensor? b = withBias ? Tensor.Randn(normalizedShape, g, dtype) : null;
        Tensor upstream = Tensor.Randn(shape, g, dtype);
        var fused = Run((xi, wi, bi) => Functional.LayerNorm(xi, normalizedShape, wi, bi), x, w, b, upstream);
        var reference = Run((xi, wi, bi) => Functional.LayerNormReference(xi, normalizedShape, wi, bi), x, w, b, upstream);
        Assert.Equal("LayerNormBackward", fused.Node);
        AssertClose(reference.Y, fused.Y, tolerance, "y");
        AssertClose(reference.Dx, fused.Dx, tolerance, "dx");
        if (withWeight) AssertClose(reference.Dw!, fused.Dw!, tolerance, "dweight");
        if (withBias) AssertClose(reference.Db!, fused.Db!, tolerance, "dbias");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesComposedReferenceFloat64(int d, int rows, bool withWeight, bool withBias) =>
        Compare([rows, d], [d], withWeight, withBias, DType.Float64, 1e-10, d * 31 + rows);

    [Theory]
    [MemberData(nameof(Cases))]
    public void FusedMatchesComposedReferenceFloat32(int d, int rows, bool withWeight, bool withBias) =>
        // the two float32 computations round differently; sums over 70 rows of 1000-wide rows need the looser bound
        Compare([rows, d], [d], withWeight, withBias, DType.Float32, 2e-4, d * 17 + rows);

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 4 }, true)]
    [InlineData(new[] { 2, 3, 4 }, new[] { 2, 3, 4 }, false)]
    [InlineData(new[] { 4, 3, 11, 3 }, new[] { 11, 3 }, true)]
    [InlineData(new[] { 6, 33 }, new[] { 33 }, true)]
    public void MultiDimNormalizedShapeMatchesReference(int[] shape, int[] normalizedShape, bool affine)
    {
        Compare(shape, normalizedShape, affine, affine, DType.Float64, 1e-10, shape.Sum());
        Compare(shape, normalizedShape, affine, affine, DType.Float32, 1e-4, shape.Sum() + 1);
    }

    [Fact]
    public void NonContiguousInputIsMadeContiguous()
    {
        var g = new Generator(5);
        Tensor x = Tensor.Randn([7, 9], g, DType.Float64), w = Tensor.Randn([7], g, DType.Float64), b = Tensor.Randn([7], g, DType.Float64);
        Tensor upstream = Tensor.Randn([9, 7], g, DType.Float64);
        var fused = Run((xi, wi, bi) => Functional.LayerNorm(xi.Transpose(0, 1), [7], wi, bi), x, w, b, upstream);
        var reference = Run((xi, wi, bi) => Functional.LayerNormReference(xi.Transpose(0, 1), [7], wi, bi), x, w, b, upstream);
        AssertClose(reference.Y, fused.Y, 1e-12, "y");
        AssertClose(reference.Dx, fused.Dx, 1e-12, "dx");
        AssertClose(reference.Dw!, fused.Dw!, 1e-12, "dweight");
        AssertClose(reference.Db!, fused.Db!, 1e-12, "dbias");
    }

    [Fact]
    public void OnlyTheParametersNeedGradients()
    {
        var g = new Generator(6);
        Tensor x = Tensor.Randn([4, 5], g, DType.Float64);
        Tensor w = Tensor.Randn([5], g, DType.Float64).RequiresGrad_(), b = Tensor.Randn([5], g, DType.Float64).RequiresGrad_();
        Functional.LayerNorm(x, [5], w, b).Pow(2).Sum().Backward();
        Tensor w2 = w.Detach().RequiresGrad_(), b2 = b.Detach().RequiresGrad_();
        Functional.LayerNormReference(x, [5], w2, b2).Pow(2).Sum().Backward();
        AssertClose(w2.Grad!.ToArray<double>(), w.Grad!.ToArray<double>(), 1e-12, "dweight");
        AssertClose(b2.Grad!.ToArray<double>(), b.Grad!.ToArray<double>(), 1e-12, "dbias");
        Assert.Null(x.Grad);
    }

    [Fact]
    public void MixedPrecisionComputesInFloat64()
    {
        var g = new Generator(7);
        Tensor x = Tensor.Randn([3, 8], g), w = Tensor.Randn([8], g, DType.Float64);
        Tensor y = Functional.LayerNorm(x, [8], w);
        Assert.Equal(DType.Float64, y.DType);
        AssertClose(Functional.LayerNormReference(x.To(DType.Float64), [8], w).ToArray<double>(), y.ToArray<double>(), 1e-12, "y");
    }

    [Fact]
    public void ConstantRowsNormaliseToTheBias()
    {
        // σ² = 0: x̂ = 0 and rstd = 1/√ε, so y = b; dx = rstd·(g·w − mean(g·w)) is large but sums to 0 over each row
        // (shifting a row leaves the output unchanged), as in the composed form.
        Tensor x = Tensor.Full([2, 4], 3.5, DType.Float64);
        Tensor w = Tensor.FromArray(new double[] { 0.5, -1, 2, 1 }, 4), b = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 4);
        Tensor upstream = Tensor.Randn([2, 4], new Generator(1), DType.Float64);
        var fused = Run((xi, wi, bi) => Functional.LayerNorm(xi, [4], wi, bi), x, w, b, upstream);
        var reference = Run((xi, wi, bi) => Functional.LayerNormReference(xi, [4], wi, bi), x, w, b, upstream);
        Assert.Equal(new double[] { 1, 2, 3, 4, 1, 2, 3, 4 }, fused.Y);
        AssertClose(reference.Dx, fused.Dx, 1e-12, "dx");
        AssertClose(reference.Dw!, fused.Dw!, 1e-12, "dweight");
        Assert.True(Math.Abs(fused.Dx.Take(4).Sum()) < 1e-9 && Math.Abs(fused.Dx.Skip(4).Sum()) < 1e-9);
    }

    [Theory]
    [InlineData(300, 256)]   // several chunks, parallel
    [InlineData(70, 1000)]
    [InlineData(5000, 7)]    // many short rows
    public void ResultsAreBitIdenticalForAnyThreadCount(int rows, int d)
    {
        var g = new Generator(9);
        float[] x = Tensor.Randn([rows, d], g).ToArray(), w = Tensor.Randn([d], g).ToArray(), b = Tensor.Randn([d], g).ToArray();
        float[] dy = Tensor.Randn([rows, d], g).ToArray();
        (float[] Y, float[] Mean, float[] Rstd, float[] Dx, float[] Dw, float[] Db) RunKernel()
        {
            float[] y = new float[x.Length], mean = new float[rows], rstd = new float[rows];
            LayerNormKernel.Forward<float>(x, w, b, d, 1e-5f, y, mean, rstd);
            float[] dx = new float[x.Length], dw = new float[d], db = new float[d];
            LayerNormKernel.Backward<float>(x, w, mean, rstd, dy, d, dx, dw, db);
            return (y, mean, rstd, dx, dw, db);
        }
        var one = KernelThreadCount.With(1, RunKernel);
        var all = KernelThreadCount.With(Environment.ProcessorCount, RunKernel);
        Assert.Equal(one.Y, all.Y);
        Assert.Equal(one.Mean, all.Mean);
        Assert.Equal(one.Rstd, all.Rstd);
        Assert.Equal(one.Dx, all.Dx);
        Assert.Equal(one.Dw, all.Dw);
        Assert.Equal(one.Db, all.Db);
    }

    [Fact]
    public void KernelRejectsLengthsThatDoNotFitTheRows()
    {
        float[] x = new float[10], y = new float[10], stats = new float[2];
        Assert.Throws<ArgumentException>(() => LayerNormKernel.Forward<float>(x, default, default, 3, 1e-5f, y, new float[3], new float[3]));
        Assert.Throws<ArgumentException>(() => LayerNormKernel.Forward<float>(x, new float[4], default, 5, 1e-5f, y, stats, stats));
        Assert.Throws<ArgumentException>(() => LayerNormKernel.Forward<float>(x, default, default, 0, 1e-5f, y, stats, stats));
    }

    [Fact]
    public void EveryLayerNormCaseOfTheGradCheckTableRunsTheFusedKernel()
    {
        var cases = GradCheckSuite.Cases().Where(c => c.Op == "LayerNorm").ToList();
        Assert.True(cases.Count >= 5);
        foreach (var c in cases)
        {
            Tensor[] inputs = c.Inputs.Select(t => t.Detach().RequiresGrad_()).ToArray();
            Assert.Equal("LayerNormBackward", c.Function(inputs).GradFnName);
        }
    }
}
