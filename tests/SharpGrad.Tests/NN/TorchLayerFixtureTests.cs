using System.Text.Json;
using SharpGrad.NN;
using SharpGrad.Tests.Data;

namespace SharpGrad.Tests.NN;

/// <summary>
/// Layers against PyTorch on golden values from <c>tools/make_layer_fixtures.py</c> (<c>Fixtures/torch_layers.json</c>):
/// BatchNorm1d over two training steps and then in eval mode (outputs, gradients, running statistics), LayerNorm, Embedding
/// with padding_idx, GELU, Softmax, LeakyReLU, and the printed form of each layer. All float32; tolerance 2e-5 relative.
/// </summary>
public class TorchLayerFixtureTests
{
    private const double Tol = 2e-5;
    private static readonly Lazy<JsonElement> Fixture = new(() => FixtureSupport.Load("torch_layers.json"));
    private static JsonElement Root => Fixture.Value;

    private static Tensor Load(JsonElement e) => FixtureSupport.Float32Tensor(e);

    private static void Match(JsonElement expected, Tensor actual, string what) => FixtureSupport.MatchTensor(expected, actual, Tol, what);

    [Fact]
    public void BatchNorm1dTrainThenEval()
    {
        foreach (var c in Root.GetProperty("batchnorm1d").EnumerateArray())
            FixtureSupport.CheckBatchNormCase(c, new BatchNorm1d(c.GetProperty("num_features").GetInt32(), momentum: c.GetProperty("momentum").GetDouble()), Tol);
    }

    [Fact]
    public void LayerNormForwardAndGradients()
    {
        foreach (var c in Root.GetProperty("layernorm").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            var ln = new LayerNorm(c.GetProperty("normalized_shape").Ints());
            using (Autograd.NoGrad())
            {
                ln.Weight!.CopyFrom(Load(c.GetProperty("weight")));
                ln.Bias!.CopyFrom(Load(c.GetProperty("bias")));
            }
            var x = Load(c.GetProperty("x")).RequiresGrad_();
            var y = ln.Forward(x);
            Match(c.GetProperty("y"), y, name + " y");
            (y * Load(c.GetProperty("w"))).Sum().Backward();
            Match(c.GetProperty("grad_x"), x.Grad!, name + " grad_x");
            Match(c.GetProperty("grad_weight"), ln.Weight!.Grad!, name + " grad_weight");
            Match(c.GetProperty("grad_bias"), ln.Bias!.Grad!, name + " grad_bias");
        }
    }

    [Fact]
    public void EmbeddingWithPaddingIdx()
    {
        var c = Root.GetProperty("embedding");
        var weight = Load(c.GetProperty("weight"));
        var emb = new Embedding(weight.Shape[0], weight.Shape[1], paddingIdx: c.GetProperty("padding_idx").GetInt32());
        using (Autograd.NoGrad()) emb.Weight.CopyFrom(weight);
        var ids = Tensor.FromArray(c.GetProperty("ids").GetProperty("values").Longs(), c.GetProperty("ids").GetProperty("shape").Ints());
        var y = emb.Forward(ids);
        Match(c.GetProperty("y"), y, "embedding y");
        (y * Load(c.GetProperty("w"))).Sum().Backward();
        Match(c.GetProperty("grad_weight"), emb.Weight.Grad!, "embedding grad_weight");
    }

    [Fact]
    public void Activations()
    {
        foreach (var c in Root.GetProperty("activations").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            Module m = name switch
            {
                "gelu_none" => new GELU(),
                "gelu_tanh" => new GELU("tanh"),
                "softmax_dim1" => new Softmax(1),
                "softmax_dim0" => new Softmax(0),
                "leaky_relu_0.2" => new LeakyReLU(0.2),
                _ => throw new InvalidOperationException("unknown case " + name),
            };
            var x = Load(c.GetProperty("x")).RequiresGrad_();
            var y = m.Forward(x);
            Match(c.GetProperty("y"), y, name + " y");
            (y * Load(c.GetProperty("w"))).Sum().Backward();
            Match(c.GetProperty("grad_x"), x.Grad!, name + " grad_x");
        }
    }

    [Fact]
    public void PrintedFormsMatchPyTorch()
    {
        var expected = Root.GetProperty("repr");
        var modules = new Dictionary<string, Module>
        {
            ["linear"] = new Linear(4, 3),
            ["linear_nobias"] = new Linear(4, 3, bias: false),
            ["relu"] = new ReLU(),
            ["leaky_relu"] = new LeakyReLU(),
            ["sigmoid"] = new Sigmoid(),
            ["tanh"] = new Tanh(),
            ["gelu"] = new GELU(),
            ["gelu_tanh"] = new GELU("tanh"),
            ["softmax"] = new Softmax(1),
            ["dropout"] = new Dropout(),
            ["dropout_0.1"] = new Dropout(0.1),
            ["batchnorm1d"] = new BatchNorm1d(3),
            ["batchnorm1d_options"] = new BatchNorm1d(3, eps: 1e-3, momentum: null, affine: false, trackRunningStats: false),
            ["layernorm"] = new LayerNorm(5),
            ["layernorm_2d"] = new LayerNorm([3, 4], elementwiseAffine: false),
            ["embedding"] = new Embedding(10, 3),
            ["embedding_padding"] = new Embedding(10, 3, paddingIdx: 0),
            ["flatten"] = new Flatten(),
            ["sequential"] = new Sequential(new Linear(4, 3), new ReLU(), new Sequential(new Linear(3, 2), new Dropout(0.1))),
        };
        foreach (var property in expected.EnumerateObject())
            Assert.Equal(property.Value.GetString(), modules[property.Name].ToString());
    }
}
