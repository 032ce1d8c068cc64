using SharpGrad.History;
using SharpGrad.NN;

namespace SharpGrad.Tests.Tracing;

public class TraceTextbookTests
{
    [Fact]
    public void XorDeltasEqualAutogradGradients()
    {
        var model = BackpropDemo.BuildNetwork(seed: 3);
        var x = Tensor.FromArray(new float[] { 1, 0 }, 1, 2);
        var t = Tensor.FromArray(new float[] { 1 }, 1, 1);
        TextbookDeltas view = BackpropTextbook.Compute(model, x, t);

        Assert.True(view.Matches, view.ToString());
        Assert.Equal(2, view.Layers.Count);
        // δ⁽²⁾ = 2(a − t)·a(1 − a) for one output and the mean error
        var output = view.Layers[1];
        double a = output.A[0, 0];
        Assert.Equal(2 * (a - 1) * a * (1 - a), output.Delta[0, 0], 1e-12);
        // δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ a⁽¹⁾(1 − a⁽¹⁾)
        var hidden = view.Layers[0];
        for (int j = 0; j < 2; j++)
            Assert.Equal(output.Weight[0, j] * output.Delta[0, 0] * hidden.A[0, j] * (1 - hidden.A[0, j]), hidden.Delta[0, j], 1e-12);
        // and autograd agrees, parameter by parameter
        var lin1 = (Linear)model[0];
        foreach (var p in model.Parameters()) p.Grad = null;
        new MSELoss().Forward(model.Forward(x), t).Backward();
        var gw = lin1.Weight.Grad!.ToArray<double>();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++)
                Assert.Equal(gw[i * 2 + j], hidden.GradWeight[i, j], 1e-6);
        Assert.Equal(lin1.Bias!.Grad!.ToArray<double>(), hidden.GradBias, (p, q) => Math.Abs(p - q) < 1e-6);
        foreach (var p in model.Parameters()) p.Grad = null;
    }

    [Fact]
    public void DeeperBatchedMlpWithSummedErrorMatchesAutograd()
    {
        var g = new Generator(11);
        var model = new Sequential(new Linear(3, 4, generator: g), new Tanh(), new Linear(4, 3, generator: g), new ReLU(), new Linear(3, 2, generator: g));
        var x = Tensor.Randn([5, 3], g);
        var t = Tensor.Randn([5, 2], g);
        TextbookDeltas view = BackpropTextbook.Compute(model, x, t, Reduction.Sum);

        Assert.True(view.Matches, view.ToString());
        Assert.Equal(["tanh", "relu", "identity"], view.Layers.Select(l => l.Activation));
        Assert.Equal(Losses.MseLoss(model.Forward(x), t, Reduction.Sum).Item(), view.Loss, 1e-4);
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad)); // restored
        Assert.Contains("summed over the examples", view.ToString());
    }

    [Fact]
    public void UnsupportedModelsAreRefused()
    {
        var model = new Sequential(new Linear(2, 2), new Dropout(0.1), new Linear(2, 1));
        Assert.Throws<ArgumentException>(() => BackpropTextbook.Compute(model, Tensor.Ones(1, 2), Tensor.Ones(1, 1)));
        Assert.Throws<ArgumentException>(() => BackpropTextbook.Compute(new Sequential(new Linear(2, 1)), Tensor.Ones(1, 3), Tensor.Ones(1, 1)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DemoPassesItsChecks(bool trace)
    {
        var output = new StringWriter();
        int rc = BackpropDemo.Run(output, trace, seed: 0);
        string text = output.ToString();
        Assert.True(rc == 0, text);
        Assert.DoesNotContain("✗ ", text.Replace("✓/✗", ""));
        Assert.Contains("δ⁽²⁾ = 2/N·(a⁽²⁾ − t) ⊙ f′(z⁽²⁾)", text);
        Assert.Contains("δ⁽¹⁾ = (W⁽²⁾ᵀ δ⁽²⁾) ⊙ f′(z⁽¹⁾)", text);
        Assert.Contains("OK:", text);
        Assert.Equal(trace, text.Contains("step 1: MseLossBackward"));
        Assert.Equal(trace, text.Contains("rule  y = σ(x): dx = g·y(1 − y)"));
    }

    [Fact]
    public void DemoIsReproducibleForASeedAndDiffersAcrossSeeds()
    {
        string Run(ulong seed)
        {
            var w = new StringWriter();
            BackpropDemo.Run(w, trace: true, seed);
            return w.ToString();
        }
        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
    }
}
