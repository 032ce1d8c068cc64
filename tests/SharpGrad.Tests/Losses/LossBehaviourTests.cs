using SharpGrad.NN;
using L = SharpGrad.NN.Losses;

namespace SharpGrad.Tests.LossFunctions;

public class LossBehaviourTests
{
    private static Tensor Logits(int n, int c, int seed, DType dtype = DType.Float64) =>
        Tensor.Normal([n, c], 0, 2, new Generator((ulong)seed), dtype).RequiresGrad_();

    [Theory]
    [InlineData(DType.Float64, 1e-12)]
    [InlineData(DType.Float32, 1e-5)]
    public void FusedCrossEntropyMatchesTheComposite(DType dtype, double tol)
    {
        // composite: −mean(Gather(LogSoftmax(z), t))
        var z1 = Logits(7, 5, 1, dtype);
        var z2 = z1.Detach().Clone().RequiresGrad_();
        var t = Tensor.FromArray(new long[] { 0, 4, 2, 2, 1, 3, 0 }, 7);
        Tensor fused = L.CrossEntropy(z1, t);
        Tensor composite = z2.LogSoftmax(1).Gather(1, t.Reshape(7, 1)).Mean().Neg();
        Assert.Equal(composite.Item(), fused.Item(), tol);
        Assert.Equal("CrossEntropyLossBackward", fused.GradFnName);
        fused.Backward();
        composite.Backward();
        Data.FixtureSupport.Close(z2.Grad!.ToArray<double>(), z1.Grad!.ToArray<double>(), tol, "dz");
    }

    [Fact]
    public void FusedCrossEntropyWithWeightsIgnoreAndSmoothingMatchesTheComposite()
    {
        var z1 = Logits(6, 4, 2);
        var z2 = z1.Detach().Clone().RequiresGrad_();
        long[] targets = [0, 3, -1, 1, 1, 2];
        var t = Tensor.FromArray(targets, 6);
        var w = Tensor.FromArray(new double[] { 0.5, 2, 1, 3 }, 4);
        const double eps = 0.2;
        Tensor fused = L.CrossEntropy(z1, t, w, ignoreIndex: -1, labelSmoothing: eps);

        // composite: Σᵢ [(1−ε)·w_t·(−logp_t) + ε/C·Σ_c w_c·(−logp_c)] over kept rows / Σ w_t
        Tensor logp = z2.LogSoftmax(1);
        var keep = Tensor.FromArray(targets.Select(v => v == -1 ? 0.0 : 1.0).ToArray(), 6);
        var safe = Tensor.FromArray(targets.Select(v => v == -1 ? 0L : v).ToArray(), 6);
        Tensor wt = w.IndexSelect(0, safe) * keep;
        Tensor nll = (logp.Gather(1, safe.Reshape(6, 1)).Reshape(6) * wt).Neg();
        Tensor smooth = (logp * w).Sum(1).Neg() * keep;
        Tensor composite = (nll * (1 - eps) + smooth * (eps / 4)).Sum() / wt.Sum();
        Assert.Equal(composite.Item(), fused.Item(), 12);
        fused.Backward();
        composite.Backward();
        Data.FixtureSupport.Close(z2.Grad!.ToArray<double>(), z1.Grad!.ToArray<double>(), 1e-12, "dz");
        Assert.True(GradCheck.Check(x => L.CrossEntropy(x[0], t, w, -1, eps), [z1.Detach()]).Passed);
    }

    [Fact]
    public void CrossEntropyIsStableForHugeLogits()
    {
        var z = Tensor.FromArray(new float[] { 1e4f, 0, -1e4f, 50, 100, 0 }, 2, 3).RequiresGrad_();
        var loss = L.CrossEntropy(z, Tensor.FromArray(new long[] { 0, 1 }, 2), reduction: Reduction.None);
        Assert.Equal([0.0, 0.0], loss.ToArray<double>(), new DoubleTolerance(1e-6));
        loss.Sum().Backward();
        Assert.All(z.Grad!.ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void AllRowsIgnoredGivesNaNForTheMeanLikePyTorchAndZeroForTheSum()
    {
        var z = Logits(2, 3, 3);
        var t = Tensor.FromArray(new long[] { -100, -100 }, 2);
        Assert.True(double.IsNaN(L.CrossEntropy(z, t).Item()));
        Assert.Equal(0.0, L.CrossEntropy(z, t, reduction: Reduction.Sum).Item());
    }

    [Fact]
    public void BceWithLogitsMatchesSigmoidThenBceAndStaysFiniteForLargeLogits()
    {
        var x = Tensor.FromArray(new double[] { -3, -0.5, 0, 0.7, 4 }, 5);
        var y = Tensor.FromArray(new double[] { 0, 1, 0.5, 1, 0 }, 5);
        Assert.Equal(L.BinaryCrossEntropy(x.Sigmoid(), y).Item(), L.BinaryCrossEntropyWithLogits(x, y).Item(), 12);
        var big = Tensor.FromArray(new float[] { -1000, 1000 }, 2);
        double v = L.BinaryCrossEntropyWithLogits(big, Tensor.FromArray(new float[] { 1, 0 }, 2), reduction: Reduction.Sum).Item();
        Assert.Equal(2000, v, 3);
    }

    [Fact]
    public void HuberIsDeltaTimesSmoothL1WithBetaDelta()
    {
        var x = Tensor.Normal([4, 3], 0, 3, new Generator(5), DType.Float64);
        var y = Tensor.Normal([4, 3], 0, 1, new Generator(6), DType.Float64);
        Assert.Equal(2.5 * L.SmoothL1Loss(x, y, beta: 2.5).Item(), L.HuberLoss(x, y, delta: 2.5).Item(), 12);
    }

    [Fact]
    public void ShapeMismatchNamesBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => L.CrossEntropy(Tensor.Zeros(4, 3), Tensor.FromArray(new long[] { 0, 1, 2, 0, 1 }, 5)));
        Assert.Contains("[4, 3]", e.Message.Replace("(", "[").Replace(")", "]"));
        Assert.Contains("[5]", e.Message.Replace("(", "[").Replace(")", "]"));
        var e2 = Assert.Throws<ShapeMismatchException>(() => L.L1Loss(Tensor.Zeros(3, 1), Tensor.Zeros(3)));
        Assert.Contains("L1Loss", e2.Message);
        Assert.Throws<ShapeMismatchException>(() => L.CrossEntropy(Tensor.Zeros(4, 3), Tensor.Zeros(4, 4)));
        Assert.Throws<ShapeMismatchException>(() => L.CrossEntropy(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 1 }, 2), Tensor.Ones(4)));
    }

    [Fact]
    public void OutOfRangeTargetNamesTheValueAndTheClassCount()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => L.CrossEntropy(Tensor.Zeros(3, 5), Tensor.FromArray(new long[] { 0, 7, 1 }, 3)));
        Assert.Contains("target 7", e.Message);
        Assert.Contains("5 classes", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => L.NllLoss(Tensor.Zeros(2, 5), Tensor.FromArray(new long[] { -1, 0 }, 2)));
    }

    [Fact]
    public void WrongTargetDTypeGivesAdvice()
    {
        var e = Assert.Throws<DTypeMismatchException>(() => L.NllLoss(Tensor.Zeros(2, 3), Tensor.Zeros(2)));
        Assert.Contains("Int64", e.Message);
        Assert.Contains("To(DType.Int64)", e.Message);
        var e2 = Assert.Throws<DTypeMismatchException>(() => L.BinaryCrossEntropyWithLogits(Tensor.Zeros(2), Tensor.FromArray(new long[] { 0, 1 }, 2)));
        Assert.Contains("floating point", e2.Message);
        Assert.Throws<DTypeMismatchException>(() => L.CrossEntropy(Tensor.FromArray(new long[] { 1, 2 }, 1, 2), Tensor.FromArray(new long[] { 0 }, 1)));
    }

    [Fact]
    public void BceRejectsValuesOutsideZeroOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => L.BinaryCrossEntropy(Tensor.FromArray(new float[] { 0.5f, 1.5f }, 2), Tensor.Zeros(2)));
        Assert.Contains("BCEWithLogitsLoss", e.Message);
    }

    [Fact]
    public void ModulesForwardToTheFunctionsAndKeepTheirSettings()
    {
        var ce = new CrossEntropyLoss(labelSmoothing: 0.1, reduction: Reduction.Sum);
        Assert.Equal(Reduction.Sum, ce.Reduction);
        Assert.Equal(-100, ce.IgnoreIndex);
        Assert.Equal("CrossEntropyLoss(reduction=sum)", ce.ToString());
        var z = Logits(3, 4, 9);
        var t = Tensor.FromArray(new long[] { 1, 0, 3 }, 3);
        Assert.Equal(L.CrossEntropy(z, t, labelSmoothing: 0.1, reduction: Reduction.Sum).Item(), ce.Forward(z, t).Item(), 12);
        Loss[] all = [new MSELoss(), new L1Loss(), new SmoothL1Loss(beta: 0.5), new HuberLoss(delta: 2), new BCEWithLogitsLoss()];
        var x = Tensor.Uniform([2, 3], 0.1, 0.9, new Generator(1), DType.Float64);
        foreach (var loss in all) Assert.True(double.IsFinite(loss.Forward(x, x.MulScalar(0.5)).Item()));
        Assert.Equal(0.0, new BCELoss().Forward(Tensor.FromArray(new double[] { 1, 0 }, 2), Tensor.FromArray(new double[] { 1, 0 }, 2)).Item(), 12);
        Assert.True(double.IsFinite(new NLLLoss().Forward(z.LogSoftmax(1), t).Item()));
    }

    [Fact]
    public void NoGraphIsRecordedUnderNoGrad()
    {
        var z = Logits(3, 4, 4);
        using (Autograd.NoGrad())
        {
            Assert.Null(L.CrossEntropy(z, Tensor.FromArray(new long[] { 0, 1, 2 }, 3)).GradFnName);
            Assert.Null(L.HuberLoss(z, z.Detach()).GradFnName);
        }
    }

    private sealed class DoubleTolerance(double tol) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(double obj) => 0;
    }
}
