using SharpGrad.NN;
using SharpGrad.Onnx;

namespace SharpGrad.Tests.Onnx;

/// <summary>
/// <see cref="OnnxModule.Run(IReadOnlyDictionary{string, Tensor}, IEnumerable{string})"/> (inner values out and in) and
/// <see cref="OnnxModule.SplitAt"/> (a base and a top), on a hand-built residual graph with known values.
/// </summary>
public class OnnxPartialRunTests
{
    // x → a = Relu(x·W) → b = a·V → out = Relu(a + b): a residual block, so only "a" and "out"'s input are clean cuts
    private static OnnxGraph Residual()
    {
        var g = new OnnxGraph();
        g.Initializers["W"] = Tensor.FromArray(new float[] { 1, -1, 2, 0.5f }, 2, 2);
        g.Initializers["V"] = Tensor.FromArray(new float[] { 0, 1, -2, 1 }, 2, 2);
        g.Inputs.Add(new OnnxValueInfo("x", OnnxGraph.Float, [null, 2]));
        void N(string op, string[] inputs, string output) => g.Nodes.Add(new OnnxNode(op, output, "", inputs, [output], new Dictionary<string, OnnxAttribute>()));
        N("MatMul", ["x", "W"], "xw");
        N("Relu", ["xw"], "a");
        N("MatMul", ["a", "V"], "b");
        N("Add", ["a", "b"], "sum");
        N("Relu", ["sum"], "out");
        g.Outputs.Add(new OnnxValueInfo("out", OnnxGraph.Float, null));
        return g;
    }

    private static readonly Tensor X = Tensor.FromArray(new float[] { 1, 2, -1, 1 }, 2, 2);

    // by hand: x·W = [[1+4, -1+1], [-1+2, 1+0.5]] = [[5, 0], [1, 1.5]]; a = the same (all ≥ 0)
    // b = a·V = [[0, 5], [-3, 2.5]]; a + b = [[5, 5], [-2, 4]]; out = [[5, 5], [0, 4]]
    [Fact]
    public void InnerValuesComeOutAndTheFullRunIsUnchanged()
    {
        var model = new OnnxModule(Residual());
        Assert.Equal([5f, 5, 0, 4], model.Forward(X).ToArray<float>());
        var values = model.Run(new Dictionary<string, Tensor> { ["x"] = X }, ["a", "b"]);
        Assert.Equal([5f, 0, 1, 1.5f], values["a"].ToArray<float>());
        Assert.Equal([0f, 5, -3, 2.5f], values["b"].ToArray<float>());
        Assert.Equal(2, values.Count);
    }

    [Fact]
    public void AFedInnerValueReplacesWhatMakesIt()
    {
        var model = new OnnxModule(Residual());
        // "a" fed directly: x is not needed, and x·W is not computed; out = Relu(a + a·V)
        Tensor a = Tensor.FromArray(new float[] { 1, 0, 0, 2 }, 2, 2);            // a·V = [[0, 1], [-4, 2]]; a + a·V = [[1, 1], [-4, 4]]
        var values = model.Run(new Dictionary<string, Tensor> { ["a"] = a }, ["out"]);
        Assert.Equal([1f, 1, 0, 4], values["out"].ToArray<float>());
        // gradients flow from the output to the fed value and to V, but not W
        var input = Tensor.FromArray(new float[] { 1, 0, 0, 2 }, 2, 2).RequiresGrad_();
        model.Run(new Dictionary<string, Tensor> { ["a"] = input }, ["out"])["out"].Sum().Backward();
        Assert.NotNull(input.Grad);
        Assert.Null(model.NamedParameters().Single(p => p.Name == "W").Parameter.Grad);
        Assert.NotNull(model.NamedParameters().Single(p => p.Name == "V").Parameter.Grad);
    }

    [Fact]
    public void UnknownAndMissingValuesAreNamed()
    {
        var model = new OnnxModule(Residual());
        var e1 = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, Tensor> { ["x"] = X }, ["nope"]));
        Assert.Contains("\"nope\"", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, Tensor> { ["b"] = X }, ["out"])); // needs a too
        Assert.Contains("\"x\" is missing", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, Tensor> { ["y"] = X }, ["out"]));
        Assert.Contains("no value \"y\"", e3.Message);
    }

    [Fact]
    public void SplitAtGivesABaseAndATopThatComposeToTheModel()
    {
        var model = new OnnxModule(Residual());
        var (bottom, top) = model.SplitAt("a");
        Assert.Equal(["W"], bottom.NamedParameters().Select(p => p.Name));
        Assert.Equal(["V"], top.NamedParameters().Select(p => p.Name));
        Assert.Equal("a", top.FeedInputs.Single().Name);
        Tensor a = bottom.Forward(X);
        Assert.Equal([5f, 0, 1, 1.5f], a.ToArray<float>());
        Assert.Equal([5f, 5, 0, 4], top.Forward(a).ToArray<float>());

        // the halves own copies: training the top leaves the model as it was
        var sgd = new SharpGrad.Optim.SGD(top.Parameters(), lr: 0.1);
        top.Forward(a).Sum().Backward();
        sgd.Step();
        Assert.NotEqual([5f, 5, 0, 4], top.Forward(a).ToArray<float>());
        Assert.Equal([5f, 5, 0, 4], model.Forward(X).ToArray<float>());
    }

    [Fact]
    public void ACutThatASkipConnectionCrossesIsRefused()
    {
        var model = new OnnxModule(Residual());
        var e = Assert.Throws<ArgumentException>(() => model.SplitAt("b"));          // Add also reads "a", made from the input
        Assert.Contains("not a clean cut", e.Message);
        Assert.Contains("\"x\"", e.Message);
        Assert.Throws<ArgumentException>(() => model.SplitAt("x"));                  // an input, not an inner value
        var (_, top) = model.SplitAt("sum");                                          // after the Add: clean
        Assert.Equal([5f, 5, 0, 4], top.Forward(Tensor.FromArray(new float[] { 5, 5, -2, 4 }, 2, 2)).ToArray<float>());
        Assert.Empty(top.NamedParameters());
    }
}
