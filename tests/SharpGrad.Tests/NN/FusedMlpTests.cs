using SharpGrad.NN;
using SharpGrad.Tests.Kernels;

namespace SharpGrad.Tests.NN;

/// <summary>The fused narrow-MLP kernel (<see cref="Functional.Mlp"/>) against the composed Linear + activation ops.</summary>
[Collection(nameof(KernelGlobalsCollection))]
public class FusedMlpTests
{
    private sealed record Net(Tensor[] Weights, Tensor?[] Biases, MlpActivation[] Activations);

    private static Net MakeNet(int[] widths, MlpActivation[] activations, bool bias, Generator gen)
    {
        int layers = widths.Length - 1;
        var w = new Tensor[layers];
        var b = new Tensor?[layers];
        for (int l = 0; l < layers; l++)
        {
            w[l] = Tensor.Uniform([widths[l + 1], widths[l]], -0.8, 0.8, gen).RequiresGrad_();
            b[l] = bias ? Tensor.Uniform([widths[l + 1]], -0.5, 0.5, gen).RequiresGrad_() : null;
        }
        return new Net(w, b, activations);
    }

    private static Net Copy(Net net) => new(
        net.Weights.Select(w => w.Detach().Clone().RequiresGrad_()).ToArray(),
        net.Biases.Select(b => b?.Detach().Clone().RequiresGrad_()).ToArray(),
        net.Activations);

    private static void AssertClose(float[] expected, float[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]}, got {actual[i]}");
    }

    public static TheoryData<int[], int, MlpActivation, bool> Shapes => new()
    {
        { new[] { 20, 10, 5, 1 }, 800, MlpActivation.Sigmoid, true },   // W1's network
        { new[] { 2, 2, 1 }, 4, MlpActivation.Sigmoid, true },          // XOR
        { new[] { 3, 7, 9, 2 }, 17, MlpActivation.Tanh, true },         // tails of every unrolled loop
        { new[] { 13, 64, 6 }, 1, MlpActivation.Relu, false },          // one sample, the widest layer
        { new[] { 5, 4 }, 33, MlpActivation.Identity, true },           // a single layer
        { new[] { 8, 12, 3 }, 2500, MlpActivation.Sigmoid, true },      // three chunks
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheComposedLayersForwardAndBackward(int[] widths, int n, MlpActivation activation, bool bias)
    {
        var gen = new Generator(3);
        var acts = Enumerable.Repeat(activation, widths.Length - 1).ToArray();
        acts[^1] = activation == MlpActivation.Relu ? MlpActivation.Identity : activation; // mix in an identity last layer
        Net fused = MakeNet(widths, acts, bias, gen), composed = Copy(fused);
        Tensor data = Tensor.Randn([n, widths[0]], gen);
        Tensor upstream = Tensor.Randn([n, widths[^1]], gen);

        Tensor x1 = data.Clone().RequiresGrad_();
        Tensor y1 = Functional.Mlp(x1, fused.Weights, fused.Biases, acts);
        Assert.Equal("MlpBackward", y1.GradFn!.Name);
        (y1 * upstream).Sum().Backward();

        Tensor x2 = data.Clone().RequiresGrad_();
        Tensor y2 = Functional.MlpComposed(x2, composed.Weights, composed.Biases, acts);
        (y2 * upstream).Sum().Backward();

        Assert.Equal(y2.Shape, y1.Shape);
        AssertClose(y2.ToArray(), y1.ToArray(), 1e-5);
        AssertClose(x2.Grad!.ToArray(), x1.Grad!.ToArray(), 1e-4);
        for (int l = 0; l < widths.Length - 1; l++)
        {
            AssertClose(composed.Weights[l].Grad!.ToArray(), fused.Weights[l].Grad!.ToArray(), 1e-4);
            if (bias) AssertClose(composed.Biases[l]!.Grad!.ToArray(), fused.Biases[l]!.Grad!.ToArray(), 1e-4);
        }
    }

    [Fact]
    public void GradientsMatchCentralDifferences()
    {
        // float32 all the way (the fused kernel has no float64 path): a step of 1e-2 keeps rounding error near 1e-5
        var gen = new Generator(8);
        int[] widths = [3, 4, 2];
        MlpActivation[] acts = [MlpActivation.Tanh, MlpActivation.Sigmoid];
        Net net = MakeNet(widths, acts, bias: true, gen);
        Tensor x = Tensor.Randn([5, 3], gen).RequiresGrad_();
        Tensor projection = Tensor.Uniform([5, 2], 0.5, 1.5, gen);
        double Objective()
        {
            using var _ = Autograd.NoGrad();
            return Functional.Mlp(x, net.Weights, net.Biases, acts).Mul(projection).Sum().Item();
        }
        Functional.Mlp(x, net.Weights, net.Biases, acts).Mul(projection).Sum().Backward();

        Tensor[] leaves = [x, .. net.Weights, .. net.Biases.Select(b => b!)];
        const float h = 1e-2f;
        foreach (Tensor leaf in leaves)
        {
            float[] analytic = leaf.Grad!.ToArray();
            float[] data = (float[])leaf.Storage.Data;
            for (int i = 0; i < leaf.Numel; i++)
            {
                float saved = data[leaf.Offset + i];
                data[leaf.Offset + i] = saved + h;
                double plus = Objective();
                data[leaf.Offset + i] = saved - h;
                double minus = Objective();
                data[leaf.Offset + i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-3 + 2e-3 * Math.Abs(numeric), $"element {i} of a {Shape.Format(leaf.Shape)} leaf: numeric {numeric}, analytic {analytic[i]}");
            }
        }
    }

    [Fact]
    public void HandComputedTwoTwoOneSigmoidNetwork()
    {
        // h = σ([1, 2]·W1ᵀ + b1), y = σ(h·W2ᵀ + b2) with W1 = [[0.5, −1], [1, 1]], b1 = [0, −1], W2 = [[2, −1]], b2 = [0.5]
        Tensor x = Tensor.FromArray(new float[] { 1, 2 }, 1, 2);
        Tensor w1 = Tensor.FromArray(new float[] { 0.5f, -1, 1, 1 }, 2, 2), b1 = Tensor.FromArray(new float[] { 0, -1 }, 2);
        Tensor w2 = Tensor.FromArray(new float[] { 2, -1 }, 1, 2), b2 = Tensor.FromArray(new float[] { 0.5f }, 1);
        float y = Functional.Mlp(x, [w1, w2], [b1, b2], [MlpActivation.Sigmoid, MlpActivation.Sigmoid]).ToArray()[0];
        static double S(double v) => 1 / (1 + Math.Exp(-v));
        double h0 = S(0.5 - 2), h1 = S(1 + 2 - 1);
        Assert.Equal(S(2 * h0 - h1 + 0.5), y, 6);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var gen = new Generator(4);
        int[] widths = [32, 48, 16, 4];
        MlpActivation[] acts = [MlpActivation.Relu, MlpActivation.Tanh, MlpActivation.Identity];
        Net net = MakeNet(widths, acts, bias: true, gen);
        Tensor data = Tensor.Randn([9000, 32], gen); // nine chunks, enough work to go parallel
        Tensor upstream = Tensor.Randn([9000, 4], gen);
        (float[] Y, float[] Dx, float[] Dw) Run(int threads) => KernelThreadCount.With(threads, () =>
        {
            Net copy = Copy(net);
            Tensor x = data.Clone().RequiresGrad_();
            Tensor y = Functional.Mlp(x, copy.Weights, copy.Biases, acts);
            (y * upstream).Sum().Backward();
            return (y.ToArray(), x.Grad!.ToArray(), copy.Weights[0].Grad!.ToArray());
        });
        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Y, two.Y);
        Assert.Equal(one.Dx, two.Dx);
        Assert.Equal(one.Dw, two.Dw);
    }

    [Fact]
    public void FrozenLayersGetNoGradientAndALeadingBatchShapeIsKept()
    {
        var gen = new Generator(2);
        Net net = MakeNet([6, 5, 3], [MlpActivation.Relu, MlpActivation.Identity], bias: true, gen);
        net.Weights[0].RequiresGrad = false;
        net.Biases[0]!.RequiresGrad = false;
        Tensor x = Tensor.Randn([2, 4, 6], gen);
        Tensor y = Functional.Mlp(x, net.Weights, net.Biases, net.Activations);
        Assert.Equal(new[] { 2, 4, 3 }, y.Shape.ToArray());
        y.Sum().Backward();
        Assert.Null(net.Weights[0].Grad);
        Assert.Null(net.Biases[0]!.Grad);
        Assert.Null(x.Grad);
        Assert.NotNull(net.Weights[1].Grad);
        AssertClose(Functional.MlpComposed(x, net.Weights, net.Biases, net.Activations).ToArray(), y.ToArray(), 1e-5);
    }

    [Fact]
    public void WideOrDoubleNetworksRunAsSeparateOps()
    {
        var gen = new Generator(1);
        Net wide = MakeNet([4, 65, 2], [MlpActivation.Relu, MlpActivation.Identity], bias: true, gen);
        Tensor y = Functional.Mlp(Tensor.Randn([3, 4], gen), wide.Weights, wide.Biases, wide.Activations);
        Assert.NotEqual("MlpBackward", y.GradFn!.Name);
        Net narrow = MakeNet([4, 3], [MlpActivation.Sigmoid], bias: false, gen);
        Tensor d = Functional.Mlp(Tensor.Randn([3, 4], gen, DType.Float64), narrow.Weights, narrow.Biases, narrow.Activations);
        Assert.Equal(DType.Float64, d.DType);
        Assert.NotEqual("MlpBackward", d.GradFn!.Name);
    }

    [Fact]
    public void WidthsThatDoNotChainNameBothShapes()
    {
        Tensor w1 = Tensor.Zeros(5, 4), w2 = Tensor.Zeros(2, 6);
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.Mlp(Tensor.Zeros(3, 4), [w1, w2], [null, null], [MlpActivation.Relu, MlpActivation.Identity]));
        Assert.Contains("[5, 4]", e.Message);
        Assert.Contains("[2, 6]", e.Message);
        var input = Assert.Throws<ShapeMismatchException>(() => Functional.Mlp(Tensor.Zeros(3, 7), [w1], [null], [MlpActivation.Relu]));
        Assert.Contains("[3, 7]", input.Message);
        Assert.Throws<ArgumentException>(() => Functional.Mlp(Tensor.Zeros(3, 4), [w1], [], [MlpActivation.Relu]));
    }

    [Fact]
    public void SequentialOfNarrowLayersRunsFusedWithTheSameResults()
    {
        var gen = new Generator(6);
        var model = new Sequential(new Linear(20, 10, generator: gen), new Sigmoid(), new Linear(10, 5, generator: gen), new Tanh(), new Linear(5, 1, generator: gen));
        Tensor x = Tensor.Randn([50, 20], gen);
        Tensor fused = model.Forward(x);
        Assert.Equal("MlpBackward", fused.GradFn!.Name);
        fused.Sum().Backward();
        float[] fusedGrad = ((Linear)model[0]).Weight.Grad!.ToArray();

        model.ZeroGrad();
        model.FuseLayers = false;
        Tensor plain = model.Forward(x);
        Assert.NotEqual("MlpBackward", plain.GradFn!.Name);
        plain.Sum().Backward();
        AssertClose(plain.ToArray(), fused.ToArray(), 1e-5);
        AssertClose(((Linear)model[0]).Weight.Grad!.ToArray(), fusedGrad, 1e-4);

        // anything but Linear + activation keeps the layers separate
        var withDropout = new Sequential(new Linear(4, 3, generator: gen), new Dropout(0.5), new Linear(3, 1, generator: gen));
        Assert.NotEqual("MlpBackward", withDropout.Forward(Tensor.Randn([2, 4], gen)).GradFn!.Name);
    }

    [Fact]
    public void BackwardAfterTheStepScopeEndedIsAClearError()
    {
        var gen = new Generator(9);
        Net net = MakeNet([4, 3, 1], [MlpActivation.Sigmoid, MlpActivation.Sigmoid], bias: true, gen);
        Tensor y;
        using (TensorScope.Begin())
            y = Functional.Mlp(Tensor.Randn([6, 4], gen), net.Weights, net.Biases, net.Activations).Sum();
        Assert.Throws<TensorReleasedException>(() => y.Backward());
    }
}

/// <summary>Sequential's ReLU + max-pooling reorder: pooling first, then ReLU, with the same bits.</summary>
public class ReluPoolReorderTests
{
    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void PoolingBeforeReluGivesTheSameValuesAndGradients(int kernel, bool ceil)
    {
        var gen = new Generator(12);
        var model = new Sequential(new Conv2d(2, 4, 3, generator: gen), new ReLU(), new MaxPool2d(kernel, ceilMode: ceil), new Flatten(), new Linear(4 * (ceil ? 3 : 4) * (ceil ? 3 : 4), 3, generator: gen));
        // integer-valued input: ties between equal maxima and windows that are all ≤ 0 both occur
        var rng = new Random(5);
        Tensor x = Tensor.FromArray(Enumerable.Range(0, 600).Select(_ => (float)rng.Next(-3, 4)).ToArray(), 3, 2, 10, 10);
        Tensor upstream = Tensor.Randn([3, 3], gen);

        (float[] Y, float[] Dx, float[] Dw) Run(bool rewrite)
        {
            model.FuseLayers = rewrite;
            model.ZeroGrad();
            Tensor xi = x.Clone().RequiresGrad_();
            Tensor y = model.Forward(xi);
            (y * upstream).Sum().Backward();
            return (y.ToArray(), xi.Grad!.ToArray(), ((Conv2d)model[0]).Weight.Grad!.ToArray());
        }
        var reordered = Run(true);
        var plain = Run(false);
        Assert.Equal(plain.Y, reordered.Y);
        Assert.Equal(plain.Dx, reordered.Dx);
        Assert.Equal(plain.Dw, reordered.Dw);
    }
}
