using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SharpGrad.NN;
using SharpGrad.Onnx;

namespace SharpGrad.Onnx.Tests;

/// <summary>
/// ONNX export and import against ONNX Runtime: models SharpGrad exports run in ONNX Runtime with SharpGrad's outputs, and
/// graphs SharpGrad imports compute what ONNX Runtime computes.
/// </summary>
public class OnnxRuntimeOracleTests
{
    private const double Tolerance = 1e-4;

    /// <summary>Runs a model in ONNX Runtime on one float input.</summary>
    private static float[] RunOrt(byte[] model, string inputName, Tensor input)
    {
        using var session = new InferenceSession(model);
        var feed = new DenseTensor<float>(input.ToArray<float>(), input.ShapeArray);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, feed)]);
        return results.First().AsTensor<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, double tol = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        Assert.True(worst <= tol, $"max |difference| {worst}");
    }

    private static Sequential Mlp()
    {
        var g = new Generator(1);
        return new Sequential(new Linear(12, 32, generator: g), new ReLU(), new Linear(32, 16, generator: g), new GELU(), new Dropout(0.3),
            new Linear(16, 8, generator: g), new LayerNorm(8), new Tanh(), new Linear(8, 4, generator: g), new Softmax(1));
    }

    private static Sequential Cnn()
    {
        var g = new Generator(2);
        var bn = new BatchNorm2d(6);
        var model = new Sequential(new Conv2d(3, 6, 3, padding: 1, generator: g), bn, new LeakyReLU(0.1), new MaxPool2d(2),
            new Conv2d(6, 8, 3, stride: 2, generator: g), new Sigmoid(), new AvgPool2d(2, stride: 1, padding: 1, countIncludePad: false),
            new Conv2d(8, 4, 3, padding: Padding2d.Same, dilation: 2, generator: g), new Flatten(), new Linear(4 * 3 * 3, 5, generator: g));
        model.Train();
        model.Forward(Tensor.Randn([16, 3, 12, 12], new Generator(3)).MulScalar(2).AddScalar(1)); // running statistics worth exporting
        model.Eval();
        return model;
    }

    [Fact]
    public void AnExportedMlpRunsInOnnxRuntimeWithSharpGradsOutputs()
    {
        var model = Mlp();
        model.Eval();
        var x = Tensor.Randn([5, 12], new Generator(4));
        byte[] onnx = OnnxExport.ToGraph(model, 12).ToBytes();
        AssertClose(model.Forward(x).ToArray<float>(), RunOrt(onnx, "input", x));
    }

    [Fact]
    public void AnExportedCnnRunsInOnnxRuntimeWithSharpGradsOutputs()
    {
        var model = Cnn();
        var x = Tensor.Randn([3, 3, 12, 12], new Generator(5));
        byte[] onnx = OnnxExport.ToGraph(model, 3, 12, 12).ToBytes();
        AssertClose(model.Forward(x).ToArray<float>(), RunOrt(onnx, "input", x));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnExportedGptRunsInOnnxRuntimeWithSharpGradsLogits(bool tiedHead)
    {
        var gpt = new Gpt(new GptOptions(VocabSize: 13, ContextLength: 10, Layers: 2, Heads: 2, Width: 16, TiedHead: tiedHead), new Generator(12));
        gpt.Eval();
        var ids = Tensor.RandInt(0, 13, [3, 7], new Generator(13));
        byte[] onnx = OnnxExport.ToGraph(gpt, 7).ToBytes();
        float[] expected = gpt.Forward(ids).ToArray<float>();
        using var session = new InferenceSession(onnx);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(ids.ToArray<long>(), ids.ShapeArray))]);
        AssertClose(expected, results.First().AsTensor<float>().ToArray());
        // and it reads back as a module with the same logits
        var imported = new OnnxModule(OnnxGraph.Parse(onnx));
        AssertClose(expected, imported.Run(new Dictionary<string, Tensor> { ["input_ids"] = ids }).Values.Single().ToArray<float>());
    }

    [Fact]
    public void AnImportedModelComputesWhatOnnxRuntimeComputesAndTrains()
    {
        var model = Cnn();
        var x = Tensor.Randn([4, 3, 12, 12], new Generator(6));
        byte[] onnx = OnnxExport.ToGraph(model, 3, 12, 12).ToBytes();
        var imported = new OnnxModule(OnnxGraph.Parse(onnx));
        AssertClose(RunOrt(onnx, "input", x), imported.Forward(x).ToArray<float>());
        Assert.Contains(imported.NamedParameters(), p => p.Name == "0_weight");

        // the initializers are parameters: fine-tune the imported network
        imported.Freeze("0_weight", "0_bias");
        var adam = new Optim.Adam(imported.Parameters(), lr: 1e-2);
        var y = Tensor.RandInt(0, 5, [4], new Generator(7));
        double first = 0, last = 0;
        for (int step = 0; step < 20; step++)
        {
            adam.ZeroGrad();
            Tensor loss = Losses.CrossEntropy(imported.Forward(x), y);
            loss.Backward();
            adam.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first - 0.2, $"loss {first} → {last}");
        Assert.Equal(model.StateDict()["0.weight"].ToArray<float>(), imported.StateDict()["0_weight"].ToArray<float>()); // frozen
    }

    /// <summary>A graph of ops SharpGrad does not export, built by hand, run by both.</summary>
    [Fact]
    public void HandBuiltGraphsOfShapeAndIndexOpsAgreeWithOnnxRuntime()
    {
        var g = new OnnxGraph();
        g.Opsets[""] = 13;
        var gen = new Generator(8);
        g.Initializers["w"] = Tensor.Randn([6, 4], gen);
        g.Initializers["c"] = Tensor.Randn([4], gen);
        g.Initializers["table"] = Tensor.Randn([10, 3], gen);
        g.Initializers["idx"] = Tensor.FromArray(new long[] { 3, 0, 9, 3, 1, 2, 5, 7 }).Reshape(4, 2);
        g.Initializers["shape"] = Tensor.FromArray(new long[] { 0, -1 });
        g.Initializers["axes"] = Tensor.FromArray(new long[] { 1 });
        g.Initializers["two"] = Tensor.Scalar(2f);
        g.Inputs.Add(new OnnxValueInfo("x", OnnxGraph.Float, [2, 3, 2]));
        void N(string op, string[] inputs, string output, params OnnxAttribute[] attrs) =>
            g.Nodes.Add(new OnnxNode(op, output, "", inputs, [output], attrs.ToDictionary(a => a.Name)));
        N("Reshape", ["x", "shape"], "r");                                            // (2, 6): 0 copies, -1 infers
        N("Gemm", ["r", "w", "c"], "gemm", new OnnxAttribute { Name = "alpha", Float = 0.5f }, new OnnxAttribute { Name = "beta", Float = 2f });
        N("Pow", ["gemm", "two"], "sq");
        N("Sqrt", ["sq"], "abs");
        N("Erf", ["gemm"], "erf");
        N("Add", ["abs", "erf"], "sum");                                              // (2, 4)
        N("Transpose", ["sum"], "t", new OnnxAttribute { Name = "perm", Ints = [1, 0] }); // (4, 2)
        N("Softmax", ["t"], "sm", new OnnxAttribute { Name = "axis", Int = 0 });
        N("Gather", ["table", "idx"], "emb");                                          // (4, 2, 3)
        N("ReduceMean", ["emb"], "mean", new OnnxAttribute { Name = "axes", Ints = [2] }, new OnnxAttribute { Name = "keepdims", Int = 0 }); // (4, 2)
        N("Shape", ["sm"], "shp");
        N("Reshape", ["mean", "shp"], "m2");                                           // (4, 2) again, from a computed shape
        N("Unsqueeze", ["m2", "axes"], "u");                                           // (4, 1, 2)
        N("Squeeze", ["u", "axes"], "s");                                              // (4, 2)
        N("Concat", ["sm", "s"], "cat", new OnnxAttribute { Name = "axis", Int = 1 }); // (4, 4)
        N("ReduceMean", ["cat"], "out", new OnnxAttribute { Name = "axes", Ints = [1] });
        g.Outputs.Add(new OnnxValueInfo("out", OnnxGraph.Float, null));
        byte[] bytes = g.ToBytes();
        var x = Tensor.Randn([2, 3, 2], new Generator(9));
        var imported = new OnnxModule(OnnxGraph.Parse(bytes));
        AssertClose(RunOrt(bytes, "x", x), imported.Forward(x).ToArray<float>());
    }

    [Fact]
    public void PoolingAndConvolutionWithSameUpperPaddingAgreeWithOnnxRuntime()
    {
        var g = new OnnxGraph();
        g.Opsets[""] = 13;
        g.Initializers["k"] = Tensor.Randn([3, 2, 2, 2], new Generator(10));
        g.Inputs.Add(new OnnxValueInfo("x", OnnxGraph.Float, [1, 2, 7, 7]));
        g.Nodes.Add(new OnnxNode("Conv", "conv", "", ["x", "k"], ["c"], new Dictionary<string, OnnxAttribute>
        {
            ["auto_pad"] = new() { Name = "auto_pad", String = "SAME_UPPER" },
            ["strides"] = new() { Name = "strides", Ints = [2, 2] },
        }));
        g.Nodes.Add(new OnnxNode("MaxPool", "pool", "", ["c"], ["p"], new Dictionary<string, OnnxAttribute>
        {
            ["kernel_shape"] = new() { Name = "kernel_shape", Ints = [2, 2] },
            ["pads"] = new() { Name = "pads", Ints = [0, 0, 1, 1] },                     // asymmetric
        }));
        g.Nodes.Add(new OnnxNode("GlobalAveragePool", "gap", "", ["p"], ["out"], new Dictionary<string, OnnxAttribute>()));
        g.Outputs.Add(new OnnxValueInfo("out", OnnxGraph.Float, null));
        byte[] bytes = g.ToBytes();
        var x = Tensor.Randn([1, 2, 7, 7], new Generator(11));
        AssertClose(RunOrt(bytes, "x", x), new OnnxModule(OnnxGraph.Parse(bytes)).Forward(x).ToArray<float>());
    }

    [Fact]
    public void UnsupportedOpsAreNamedAndDamagedFilesGiveTypedErrors()
    {
        var g = new OnnxGraph();
        g.Inputs.Add(new OnnxValueInfo("x", OnnxGraph.Float, [1]));
        g.Nodes.Add(new OnnxNode("NonMaxSuppression", "nms", "", ["x"], ["y"], new Dictionary<string, OnnxAttribute>()));
        g.Nodes.Add(new OnnxNode("TopK", "topk", "", ["y"], ["z"], new Dictionary<string, OnnxAttribute>()));
        g.Outputs.Add(new OnnxValueInfo("z", OnnxGraph.Float, null));
        var e = Assert.Throws<OnnxFormatException>(() => new OnnxModule(OnnxGraph.Parse(g.ToBytes())));
        Assert.Contains("NonMaxSuppression, TopK", e.Message);

        byte[] original = OnnxExport.ToGraph(Cnn(), 3, 12, 12).ToBytes();
        var rng = new Random(5);
        int rejected = 0, loaded = 0;
        for (int trial = 0; trial < 600; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            switch (rng.Next(3))
            {
                case 0: bytes = bytes.AsSpan(0, rng.Next(bytes.Length)).ToArray(); break;
                case 1: for (int k = rng.Next(1, 5); k > 0; k--) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8)); break;
                default: bytes[rng.Next(bytes.Length)] = 0xFF; bytes[rng.Next(bytes.Length)] = 0xFF; break;
            }
            try
            {
                var module = new OnnxModule(OnnxGraph.Parse(bytes));
                loaded++;
            }
            catch (OnnxFormatException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 200, $"only {rejected} corruptions were rejected");
        Assert.True(loaded > 0);
    }
}
