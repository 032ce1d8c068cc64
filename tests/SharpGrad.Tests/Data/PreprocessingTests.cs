using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public class PreprocessingTests
{
    // Columns: mean (2, 20, 5), population variance (8/3, 200/3, 0).
    private static readonly Tensor Train = Tensor.FromArray(new float[] { 0, 10, 5, 2, 20, 5, 4, 30, 5 }, 3, 3);

    [Fact]
    public void StandardScalerUsesPopulationStdAndLeavesConstantColumnsUnscaled()
    {
        var scaler = new StandardScaler();
        Tensor z = scaler.FitTransform(Train);
        Assert.Equal([2.0, 20.0, 5.0], scaler.Mean.ToArray<double>());
        FixtureSupport.Close([8.0 / 3, 200.0 / 3, 0], scaler.Variance.ToArray<double>());
        FixtureSupport.Close([Math.Sqrt(8.0 / 3), Math.Sqrt(200.0 / 3), 1], scaler.Scale.ToArray<double>());
        double s = Math.Sqrt(1.5); // 2 / sqrt(8/3)
        FixtureSupport.Close([-s, -s, 0, 0, 0, 0, s, s, 0], z.ToArray<double>(), 1e-6);
        Assert.Equal(DType.Float32, z.DType);

        // sklearn: StandardScaler().fit(X).transform([[1, 40, 7]]) = [-0.6124, 2.4495, 2]
        FixtureSupport.Close([-0.6123724356957945, 2.449489742783178, 2], scaler.Transform(Tensor.FromArray(new float[] { 1, 40, 7 }, 1, 3)).ToArray<double>(), 1e-6);
        FixtureSupport.Close(Train.ToArray<double>(), scaler.InverseTransform(z).ToArray<double>(), 1e-6);
    }

    [Fact]
    public void StandardScalerKeepsFloat64AndAcceptsOneSample()
    {
        var scaler = new StandardScaler().Fit(Train.To(DType.Float64));
        Tensor one = scaler.Transform(Tensor.FromArray(new double[] { 2, 20, 5 }));
        Assert.Equal(DType.Float64, one.DType);
        Assert.Equal([0.0, 0, 0], one.ToArray<double>());
    }

    [Fact]
    public void ScalersExplainMisuse()
    {
        var scaler = new StandardScaler();
        var e = Assert.Throws<InvalidOperationException>(() => scaler.Transform(Train));
        Assert.Contains("not fitted", e.Message);
        Assert.Throws<InvalidOperationException>(() => scaler.Mean);
        scaler.Fit(Train);
        var m = Assert.Throws<ShapeMismatchException>(() => scaler.Transform(Tensor.Zeros(2, 4)));
        Assert.Contains("fitted on 3 feature(s)", m.Message);
        Assert.Throws<ShapeMismatchException>(() => scaler.Fit(Tensor.Zeros(3)));
        Assert.Throws<ShapeMismatchException>(() => scaler.Fit(Tensor.Zeros(0, 3)));
        Assert.Throws<ArgumentException>(() => new MinMaxScaler((1, 1)));
    }

    [Fact]
    public void MinMaxScalerMapsToTheRange()
    {
        var scaler = new MinMaxScaler((-1, 1));
        Tensor y = scaler.FitTransform(Train);
        Assert.Equal([0.0, 10, 5], scaler.DataMin.ToArray<double>());
        Assert.Equal([4.0, 30, 5], scaler.DataMax.ToArray<double>());
        FixtureSupport.Close([-1, -1, -1, 0, 0, -1, 1, 1, -1], y.ToArray<double>(), 1e-6);
        FixtureSupport.Close([1.0, 3], new MinMaxScaler().Fit(Train).Transform(Tensor.FromArray(new float[] { 4, 70, 5 }, 1, 3)).ToArray<double>()[..2], 1e-6);
        FixtureSupport.Close(Train.ToArray<double>(), scaler.InverseTransform(y).ToArray<double>(), 1e-6);
    }

    [Fact]
    public void OneHotEncodesAndChecksRange()
    {
        Tensor h = Preprocessing.OneHot(Tensor.FromArray(new long[] { 2, 0, 1 }), 4);
        Assert.Equal([3, 4], h.ShapeArray);
        Assert.Equal(DType.Float32, h.DType);
        Assert.Equal([0f, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0], h.ToArray());
        Assert.Equal([2, 3], Preprocessing.OneHot(Tensor.FromArray(new long[] { 2, 0 })).ShapeArray);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessing.OneHot(Tensor.FromArray(new long[] { 0, 4 }), 4));
        Assert.Contains("label 4 at position 1 is outside [0, 4)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessing.OneHot(Tensor.FromArray(new long[] { -1 }), 4));
        Assert.Throws<DTypeMismatchException>(() => Preprocessing.OneHot(Tensor.Zeros(3), 4));
    }

    [Fact]
    public void TensorDatasetSplitMatchesTheIndexSplitAndStratifies()
    {
        int n = 40;
        var y = Enumerable.Range(0, n).Select(i => (long)(i % 4 == 0 ? 1 : 0)).ToArray(); // 10 of class 1, 30 of class 0
        var x = Enumerable.Range(0, n).Select(i => (float)i).ToArray();
        var data = new TensorDataset(Tensor.FromArray(x, n, 1), Tensor.FromArray(y));

        (TensorDataset tr, TensorDataset te) = TrainTestSplit.Split(data, 0.25, randomState: 0);
        (int[] train, int[] test) = TrainTestSplit.Indices(n, 0.25, 0);
        Assert.Equal(train.Select(i => (float)i), tr.Inputs.ToArray());
        Assert.Equal(test.Select(i => (float)i), te.Inputs.ToArray());

        (tr, te) = TrainTestSplit.Split(data, 0.25, randomState: 0, stratify: true);
        Assert.Equal(30, tr.Count);
        Assert.Equal(10, te.Count);
        Assert.InRange(te.Targets.ToArray<long>().Count(v => v == 1), 2, 3); // 10 · 0.25 = 2.5, rounded by _approximate_mode
        Assert.Throws<ArgumentException>(() => TrainTestSplit.Split(new TensorDataset(Tensor.Zeros(4, 1), Tensor.Zeros(4)), 0.5, 0, stratify: true));
    }
}
