using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>The C# snippets of docs/modules.md, compiled and run (keep the two in step).</summary>
public class DocsSnippetTests
{
    private sealed class Mlp : Module
    {
        private readonly Linear _fc1, _fc2;
        private readonly LayerNorm _norm;
        public Parameter Temperature { get; }

        public Mlp(int inputs, int hidden, int outputs, Generator? g = null)
        {
            _fc1 = RegisterModule("fc1", new Linear(inputs, hidden, generator: g));
            _norm = RegisterModule("norm", new LayerNorm(hidden));
            _fc2 = RegisterModule("fc2", new Linear(hidden, outputs, generator: g));
            Temperature = RegisterParameter("temperature", new Parameter(Tensor.Ones(1)));
            RegisterBuffer("calls", Tensor.Zeros(1));
        }

        public override Tensor Forward(Tensor x) => _fc2.Forward(_norm.Forward(_fc1.Forward(x)).Gelu()) / Temperature;
    }

    [Fact]
    public void FusedMlpSnippetRuns()
    {
        var seed = new Sequential(new Linear(20, 10), new Sigmoid(), new Linear(10, 5), new Sigmoid(), new Linear(5, 1), new Sigmoid());
        Tensor x = Tensor.Randn(800, 20);
        Tensor p = seed.Forward(x);
        Assert.Equal([800, 1], p.ShapeArray);
        Assert.Equal("MlpBackward", p.GradFn!.Name);
        seed.FuseLayers = false;
        Tensor plain = seed.Forward(x);
        Assert.Equal("SigmoidBackward", plain.GradFn!.Name);
        float[] a = p.ToArray(), b = plain.ToArray();
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-6, $"row {i}: {a[i]} fused, {b[i]} layer by layer");

        var w1 = new Parameter(Tensor.Randn(10, 20)); var w2 = new Parameter(Tensor.Randn(1, 10));
        Tensor q = Functional.Mlp(Tensor.Randn(800, 20), [w1, w2], [null, null], [MlpActivation.Tanh, MlpActivation.Identity]);
        Assert.Equal([800, 1], q.ShapeArray);
        Assert.Equal("MlpBackward", q.GradFn!.Name);
    }

    [Fact]
    public void ModulesGuideSnippetsRun()
    {
        var w = new Parameter(Tensor.Randn(3, 2));
        Tensor y = Tensor.Randn(4, 3).MatMul(w);
        y.Sum().Backward();
        Assert.NotNull(w.Grad);
        w.RequiresGrad = false;

        var model = new Mlp(20, 64, 3, new Generator(0));
        Assert.Equal(["temperature", "fc1.weight", "fc1.bias", "norm.weight", "norm.bias", "fc2.weight", "fc2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal([5, 3], model.Forward(Tensor.Randn(5, 20)).ShapeArray);
        Assert.Contains("(norm): LayerNorm((64,), eps=1e-05, elementwise_affine=True)", model.ToString());

        var net = new Sequential(new Linear(784, 256), new BatchNorm1d(256), new ReLU(), new Dropout(0.2), new Linear(256, 10));
        Assert.Equal([32, 10], net.Forward(Tensor.Randn(32, 784)).ShapeArray);
        var blocks = new ModuleList(new Linear(8, 8), new Linear(8, 8));
        Tensor h = Tensor.Randn(2, 8);
        foreach (var block in blocks) h = block.Forward(h).Relu();

        var trained = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 2));
        trained.Forward(Tensor.Randn(16, 4));
        var snapshot = trained.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var copy = new Sequential(new Linear(4, 8), new BatchNorm1d(8), new ReLU(), new Linear(8, 2));
        copy.LoadStateDict(snapshot);
        var sd = trained.StateDict();
        sd.Remove("3.weight"); sd.Remove("3.bias");
        LoadStateDictResult result = copy.LoadStateDict(sd, strict: false);
        Assert.Equal("3.weight, 3.bias", string.Join(", ", result.MissingKeys));

        var layer = new Linear(256, 128);
        Init.KaimingUniform(layer.Weight, mode: "fan_in", nonlinearity: "relu", generator: new Generator(1));
        Init.Zeros(layer.Bias!);
        Init.XavierNormal(layer.Weight, gain: Init.CalculateGain("tanh"));
        Assert.Equal((75, 400), Init.FanInAndFanOut(Tensor.Zeros(16, 3, 5, 5)));

        var x = Tensor.Randn(8, 3, 5);
        var bn = new BatchNorm1d(3);
        bn.Forward(x);
        bn.Eval();
        bn.Forward(x);
        var ln = new LayerNorm(5);
        Assert.Equal([8, 3, 5], ln.Forward(x).ShapeArray);
        var emb = new Embedding(100, 16, paddingIdx: 0);
        Assert.Equal([1, 3, 16], emb.Forward(Tensor.FromArray(new long[] { 5, 0, 7 }, 1, 3)).ShapeArray);
        Assert.Equal([2, 48], new Flatten().Forward(Tensor.Randn(2, 3, 4, 4)).ShapeArray);
        Assert.Equal([2, 10], new Softmax(-1).Forward(Tensor.Randn(2, 10)).ShapeArray);
        Assert.Equal([4], new GELU("tanh").Forward(new LeakyReLU(0.2).Forward(Tensor.Randn(4))).ShapeArray);
    }
}
