using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests.NN;

public class LinearAndSgdTests
{
    [Fact]
    public void LinearComputesXWTransposePlusBiasWithHandComputedValues()
    {
        var layer = new Linear(2, 3);
        using (Autograd.NoGrad())
        {
            layer.Weight.CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 3, 2));
            layer.Bias!.CopyFrom(Tensor.FromArray(new float[] { 0.5f, -1, 0 }));
        }
        var x = Tensor.FromArray(new float[] { 1, -1, 2, 0.5f }, 2, 2);
        var y = layer.Forward(x);
        // row 1: [1·1+2·(−1)+0.5, 3·1+4·(−1)−1, 5·1+6·(−1)] = [−0.5, −2, −1]; row 2: [2+1+0.5, 6+2−1, 10+3] = [3.5, 7, 13]
        Assert.Equal([-0.5f, -2f, -1f, 3.5f, 7f, 13f], y.ToArray());
        y.Sum().Backward();
        Assert.Equal([3f, -0.5f, 3f, -0.5f, 3f, -0.5f], layer.Weight.Grad!.ToArray()); // Σ rows of x
        Assert.Equal([2f, 2f, 2f], layer.Bias!.Grad!.ToArray());
    }

    [Fact]
    public void LinearInitIsUniformWithinOneOverSqrtFanIn()
    {
        var layer = new Linear(100, 50, generator: new Generator(1));
        float bound = 1 / MathF.Sqrt(100);
        Assert.All(layer.Weight.ToArray(), w => Assert.InRange(w, -bound, bound));
        Assert.InRange(layer.Weight.Abs().Max().Item(), 0.9 * bound, bound);
        Assert.Equal(100 * 50 + 50, layer.ParameterCount());
    }

    [Fact]
    public void SequentialNamesParametersLikePyTorch()
    {
        var model = new Sequential(new Linear(4, 3), new Sigmoid(), new Linear(3, 1));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Contains("(0): Linear(in_features=4, out_features=3, bias=True)", model.ToString());
        model.Eval();
        Assert.False(model[0].Training);
    }

    [Fact]
    public void SgdMomentumFollowsTorchUpdateRule()
    {
        // f(w) = ½w² ⇒ grad = w. With lr 0.1, momentum 0.9: b1 = w0 = 1, w1 = 0.9; b2 = 0.9·1 + 0.9 = 1.8, w2 = 0.9 − 0.18 = 0.72
        var w = Tensor.FromArray(new float[] { 1 }).RequiresGrad_();
        var opt = new SGD([w], lr: 0.1, momentum: 0.9);
        for (int i = 0; i < 2; i++)
        {
            opt.ZeroGrad();
            (w * w * 0.5).Sum().Backward();
            opt.Step();
        }
        Assert.Equal(0.72f, w.ToArray()[0], 5);
    }

    [Fact]
    public void SgdNesterovAndWeightDecay()
    {
        // grad = w + λw with λ = 0.1 ⇒ g0 = 1.1; b1 = 1.1; nesterov g = 1.1 + 0.9·1.1 = 2.09; w1 = 1 − 0.1·2.09 = 0.791
        var w = Tensor.FromArray(new float[] { 1 }).RequiresGrad_();
        var opt = new SGD([w], lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true);
        (w * w * 0.5).Sum().Backward();
        opt.Step();
        Assert.Equal(0.791f, w.ToArray()[0], 5);
    }

    [Fact]
    public void MseLossHandValuesAndShapeCheck()
    {
        var loss = Losses.MseLoss(Tensor.FromArray(new float[] { 1, 2, 3 }), Tensor.FromArray(new float[] { 0, 2, 5 }));
        Assert.Equal(5.0 / 3, loss.Item(), 5);
        Assert.Equal(5.0, Losses.MseLoss(Tensor.FromArray(new float[] { 1, 2, 3 }), Tensor.FromArray(new float[] { 0, 2, 5 }), Reduction.Sum).Item(), 5);
        Assert.Throws<ShapeMismatchException>(() => Losses.MseLoss(Tensor.Zeros(3, 1), Tensor.Zeros(3)));
    }
}

public class FusedAgainstCompositeTests
{
    [Theory]
    [InlineData(Reduction.Mean)]
    [InlineData(Reduction.Sum)]
    public void FusedMseMatchesTheComposite(Reduction reduction)
    {
        var g = new Generator(3);
        var x = Tensor.Randn([7, 3], g, DType.Float64).RequiresGrad_();
        var y = Tensor.Randn([7, 3], g, DType.Float64).RequiresGrad_();
        var fused = Losses.MseLoss(x, y, reduction);
        fused.Backward();
        var (gx, gy) = (x.Grad!.ToArray<double>(), y.Grad!.ToArray<double>());
        x.ZeroGrad();
        y.ZeroGrad();
        var d = x - y;
        var composite = reduction == Reduction.Mean ? (d * d).Mean() : (d * d).Sum();
        composite.Backward();
        Assert.Equal(composite.Item(), fused.Item(), 12);
        Assert.Equal(x.Grad!.ToArray<double>(), gx, new ToleranceComparer(1e-12));
        Assert.Equal(y.Grad!.ToArray<double>(), gy, new ToleranceComparer(1e-12));
        Assert.True(GradCheck.Check(t => Losses.MseLoss(t[0], t[1], reduction), [x, y]).Passed);
    }

    [Fact]
    public void SigmoidAndTanhBackwardKernelsMatchTheirComposites()
    {
        var x = Tensor.Randn([129], new Generator(4), DType.Float64).MulScalar(3).RequiresGrad_();
        var w = Tensor.Randn([129], new Generator(5), DType.Float64);
        (x.Sigmoid() * w).Sum().Backward();
        var s = x.Detach().Sigmoid();
        Assert.Equal((w * s * (1 - s)).ToArray<double>(), x.Grad!.ToArray<double>(), new ToleranceComparer(1e-14));
        x.ZeroGrad();
        (x.Tanh() * w).Sum().Backward();
        var t = x.Detach().Tanh();
        Assert.Equal((w * (1 - t * t)).ToArray<double>(), x.Grad!.ToArray<double>(), new ToleranceComparer(1e-14));
    }

    [Theory]
    [InlineData(1, 256, 1024)]
    [InlineData(3, 1024, 256)]
    [InlineData(2, 7, 5)]
    public void FewRowLinearMatchesTheReferenceForAnyThreadCount(int rows, int inFeatures, int outFeatures)
    {
        // 1–4 rows take the dot-product path (generation); it must agree with a plain loop and not depend on the threads
        var gen = new Generator(4);
        Tensor x = Tensor.Randn([rows, inFeatures], gen), w = Tensor.Randn([outFeatures, inFeatures], gen), b = Tensor.Randn([outFeatures], gen);
        float[] xs = x.ToArray(), ws = w.ToArray(), bs = b.ToArray();
        int saved = SharpGrad.Kernels.KernelThreads.Count;
        try
        {
            SharpGrad.Kernels.KernelThreads.Count = 1;
            float[] one = Tensor.Linear(x, w, b).ToArray();
            SharpGrad.Kernels.KernelThreads.Count = Environment.ProcessorCount;
            float[] all = Tensor.Linear(x, w, b).ToArray();
            Assert.Equal(one, all);
            for (int r = 0; r < rows; r++)
                for (int o = 0; o < outFeatures; o++)
                {
                    double expected = bs[o];
                    for (int i = 0; i < inFeatures; i++) expected += (double)xs[r * inFeatures + i] * ws[o * inFeatures + i];
                    Assert.True(Math.Abs(expected - all[r * outFeatures + o]) <= 1e-3 * Math.Max(1, Math.Abs(expected)), $"({r}, {o}): {expected} vs {all[r * outFeatures + o]}");
                }
        }
        finally
        {
            SharpGrad.Kernels.KernelThreads.Count = saved;
        }
    }
}

internal sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
{
    public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance * Math.Max(1, Math.Abs(a));
    public int GetHashCode(double v) => 0;
}
