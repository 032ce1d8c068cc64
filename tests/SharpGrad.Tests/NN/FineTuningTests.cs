using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Tests.NN;

/// <summary>Freezing by name pattern, frozen BatchNorm, parameter groups, head replacement, gradual unfreezing and LoRA.</summary>
public class FineTuningTests : TempDirectoryTest
{
    private static Sequential Net(ulong seed = 1)
    {
        var g = new Generator(seed);
        var backbone = new Sequential(new Linear(6, 16, generator: g), new BatchNorm1d(16), new ReLU(), new Linear(16, 16, generator: g), new ReLU());
        return new Sequential(backbone, new Linear(16, 3, generator: g));
    }

    [Fact]
    public void FreezeAndUnfreezeByPatternSetTrainableClearGradientsAndMarkModules()
    {
        var net = Net();
        Losses.CrossEntropy(net.Forward(Tensor.Randn([8, 6], new Generator(2))), Tensor.RandInt(0, 3, [8], new Generator(3))).Backward();
        net.Freeze("0");                                             // the backbone (module "0")
        Assert.All(net.NamedParameters().Where(p => p.Name.StartsWith("0.")), p => { Assert.False(p.Parameter.RequiresGrad); Assert.Null(p.Parameter.Grad); });
        Assert.All(net.NamedParameters().Where(p => p.Name.StartsWith("1.")), p => { Assert.True(p.Parameter.RequiresGrad); Assert.NotNull(p.Parameter.Grad); });
        Assert.True(((Sequential)net[0]).IsFrozen);
        Assert.True(((Sequential)net[0])[1].IsFrozen);               // the BatchNorm inside
        Assert.False(net[1].IsFrozen);
        Assert.Equal(16 * 3 + 3, net.ParameterCount(trainableOnly: true));

        net.Unfreeze("*.bias");
        Assert.True(net.NamedParameters().Single(p => p.Name == "0.0.bias").Parameter.RequiresGrad);
        Assert.False(net.NamedParameters().Single(p => p.Name == "0.0.weight").Parameter.RequiresGrad);
        Assert.False(((Sequential)net[0]).IsFrozen);                 // partly trainable now

        net.Freeze();
        Assert.Equal(0, net.ParameterCount(trainableOnly: true));
        Assert.Contains("no parameter name matches \"head\"", Assert.Throws<ArgumentException>(() => net.Unfreeze("head")).Message);
        var summary = SharpGrad.Training.ModelSummary.Of(net, [6]);
        Assert.Equal(0, summary.TrainableParameters);
    }

    [Fact]
    public void AFrozenBatchNormUsesItsRunningStatisticsInTrainingMode()
    {
        var bn = new BatchNorm1d(4);
        var x = Tensor.Randn([16, 4], new Generator(5)).MulScalar(3).AddScalar(2);
        bn.Train();
        bn.Forward(x);                                               // moves the running statistics
        Tensor mean = bn.RunningMean!.Clone(), var_ = bn.RunningVar!.Clone();
        bn.Freeze();
        Tensor frozen = bn.Forward(x);
        Assert.Equal(mean.ToArray<float>(), bn.RunningMean!.ToArray<float>());  // not updated
        bn.Eval();
        Assert.Equal(bn.Forward(x).ToArray<float>(), frozen.ToArray<float>());  // the evaluation-mode result
        bn.Train();
        bn.Unfreeze();
        Tensor batch = bn.Forward(x);
        Assert.NotEqual(frozen.ToArray<float>(), batch.ToArray<float>());        // batch statistics again
        Assert.NotEqual(var_.ToArray<float>(), bn.RunningVar!.ToArray<float>());
    }

    [Fact]
    public void ParameterGroupsGiveDiscriminativeLearningRates()
    {
        var net = Net();
        var groups = net.ParameterGroups(("0", 1e-4), ("1.weight", 1e-2));
        Assert.Equal(3, groups.Count);                               // backbone, head weight, the rest (head bias)
        Assert.Equal(1e-4, groups[0].LearningRate);
        Assert.Equal(1e-2, groups[1].LearningRate);
        var adam = new AdamW(groups, lr: 1e-3);
        Assert.Equal(1e-3, adam.ParamGroups[2].LearningRate);
        Assert.Equal([16 * 3], adam.ParamGroups[1].Params.Select(p => p.Numel));
        Assert.Throws<ArgumentException>(() => net.ParameterGroups(("nothing", 1)));
    }

    [Fact]
    public void ReplacingTheHeadOfASequentialUsesTheNewLayer()
    {
        var net = Net();
        var head = new Linear(16, 5, generator: new Generator(9));
        net.ReplaceChild("1", head);
        Assert.Same(head, net[1]);
        Assert.Equal([4, 5], net.Forward(Tensor.Randn([4, 6], new Generator(1))).ShapeArray);
        Assert.Equal([5, 16], net.StateDict()["1.weight"].ShapeArray);
        net.ReplaceChild("0.3", new Linear(16, 16));                 // a dotted path
        Assert.Throws<ArgumentException>(() => net.ReplaceChild("7", head));
        var gpt = new Gpt(new GptOptions(VocabSize: 5, ContextLength: 4, Layers: 1, Heads: 1, Width: 4), new Generator(1));
        Assert.Throws<NotSupportedException>(() => gpt.ReplaceChild("lm_head", new Linear(4, 5, bias: false)));
    }

    [Fact]
    public void GradualUnfreezingUnfreezesOneStagePerEpochs()
    {
        var net = Net();
        net.Freeze("0");
        Tensor firstWeight = net.NamedParameters().Single(p => p.Name == "0.0.weight").Parameter.Detach().Clone();
        Tensor deepWeight = net.NamedParameters().Single(p => p.Name == "0.3.weight").Parameter.Detach().Clone();
        var g = new Generator(4);
        var data = new SharpGrad.Data.TensorDataset(Tensor.Randn([64, 6], g), Tensor.RandInt(0, 3, [64], g));
        var trainer = new Trainer(net, new Adam(net.Parameters(), lr: 1e-2), new CrossEntropyLoss());
        var unfreeze = new GradualUnfreezing(2, ["0.3"], ["0"]);
        trainer.Fit(data, epochs: 2, batchSize: 16, callbacks: [unfreeze]);
        Assert.Equal(1, unfreeze.StagesUnfrozen);
        Assert.NotEqual(deepWeight.ToArray<float>(), net.NamedParameters().Single(p => p.Name == "0.3.weight").Parameter.ToArray<float>());
        Assert.Equal(firstWeight.ToArray<float>(), net.NamedParameters().Single(p => p.Name == "0.0.weight").Parameter.ToArray<float>());
        trainer.Fit(data, epochs: 3, batchSize: 16, callbacks: [unfreeze], initialEpoch: 2);
        Assert.Equal(2, unfreeze.StagesUnfrozen);
        Assert.NotEqual(firstWeight.ToArray<float>(), net.NamedParameters().Single(p => p.Name == "0.0.weight").Parameter.ToArray<float>());
    }

    private static Gpt SmallGpt(ulong seed) => new(new GptOptions(VocabSize: 11, ContextLength: 8, Layers: 2, Heads: 2, Width: 32), new Generator(seed));

    [Fact]
    public void LoRAStartsAsTheBaseModelTrainsOnlyItsAdaptersAndMergesIntoTheWeights()
    {
        var gpt = SmallGpt(1);
        var tokens = Tensor.RandInt(0, 11, [4, 8], new Generator(2));
        float[] before = gpt.Forward(tokens).ToArray<float>();
        var adapted = LoRA.Apply(gpt, rank: 4, alpha: 8, targets: ["*.c_attn", "attn.c_proj"], generator: new Generator(3));
        Assert.Equal(4, adapted.Count);                              // qkv and proj of both blocks
        Assert.All(adapted, name => Assert.Matches(@"\.attn\.(c_attn|c_proj)$", name));
        Assert.Equal(before, gpt.Forward(tokens).ToArray<float>());  // B = 0: the same model
        Assert.Contains(gpt.StateDict().Keys, k => k.EndsWith(".attn.c_attn.lora_A.weight"));
        var trainable = gpt.NamedParameters().Where(p => p.Parameter.RequiresGrad).Select(p => p.Name).ToList();
        Assert.All(trainable, n => Assert.Contains(".lora_", n));

        var baseWeights = gpt.NamedParameters().Where(p => !p.Name.Contains(".lora_")).ToDictionary(p => p.Name, p => p.Parameter.ToArray<float>());
        var opt = new AdamW(gpt.Parameters(), lr: 1e-2);
        var targets = Tensor.RandInt(0, 11, [4, 8], new Generator(4));
        double first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            opt.ZeroGrad();
            Tensor loss = Losses.CrossEntropy(gpt.Forward(tokens).Reshape(-1, 11), targets.Reshape(-1));
            loss.Backward();
            opt.Step();
            if (step == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first - 0.3, $"loss {first} → {last}");
        foreach (var (name, p) in gpt.NamedParameters().Where(p => !p.Name.Contains(".lora_")))
            Assert.Equal(baseWeights[name], p.ToArray<float>());     // the base model is untouched

        gpt.Eval();
        float[] adaptedOut = gpt.Forward(tokens).ToArray<float>();
        LoRA.Merge(gpt);
        Assert.All(LoRA.Adapters(gpt), a => Assert.True(a.Adapter.Merged));
        AssertClose(adaptedOut, gpt.Forward(tokens).ToArray<float>(), 1e-4);
        LoRA.Unmerge(gpt);
        foreach (var (name, p) in gpt.NamedParameters().Where(p => !p.Name.Contains(".lora_")))
            AssertClose(baseWeights[name], p.ToArray<float>(), 1e-5);
        AssertClose(adaptedOut, gpt.Forward(tokens).ToArray<float>(), 1e-5);
    }

    [Fact]
    public void LoRAAdaptersSaveAndLoadAloneAndTrainUnderTwoPercentOfTheParameters()
    {
        var gpt = SmallGpt(1);
        LoRA.Apply(gpt, rank: 4, targets: ["c_attn"], generator: new Generator(3));
        using (Autograd.NoGrad())
            foreach (var (_, a) in LoRA.Adapters(gpt)) a.B.Weight.CopyFrom(Tensor.Randn(a.B.Weight.ShapeArray, new Generator(8)));
        var tokens = Tensor.RandInt(0, 11, [2, 8], new Generator(2));
        float[] expected = gpt.Forward(tokens).ToArray<float>();
        string path = Path.Combine(Dir, "adapters.safetensors");
        LoRA.SaveAdapters(gpt, path);
        var (saved, metadata) = SharpGrad.IO.SafeTensors.Load(path);
        Assert.Equal(4, saved.Count);                                // A and B of two layers, nothing else
        Assert.Equal("4", metadata["r"]);

        var fresh = SmallGpt(1);                                     // the same base weights
        LoRA.Apply(fresh, rank: 4, targets: ["c_attn"], generator: new Generator(99));
        LoRA.LoadAdapters(fresh, path);
        Assert.Equal(expected, fresh.Forward(tokens).ToArray<float>());
        var other = SmallGpt(1);
        LoRA.Apply(other, rank: 2, targets: ["c_attn"]);
        Assert.Throws<StateDictException>(() => LoRA.LoadAdapters(other, path));

        var w5 = new Gpt(GptOptions.W5, new Generator(0));
        long total = w5.ParameterCount();
        LoRA.Apply(w5, rank: 8, targets: ["c_attn", "attn.c_proj"]);
        double fraction = (double)w5.ParameterCount(trainableOnly: true) / total;
        Assert.InRange(fraction, 0.001, 0.02);
    }

    [Fact]
    public void TheSnippetsOfDocsFineTuningRun()
    {
        var g = new Generator(1);
        var backbone = new Sequential(new Linear(6, 16, generator: g), new BatchNorm1d(16), new ReLU(), new Linear(16, 16, generator: g), new ReLU());
        var model = new Sequential(backbone, new Linear(16, 3, generator: g));
        model.Freeze("0");
        model.Unfreeze("0.3");
        model.Unfreeze("*.bias");
        Assert.Equal(16 * 16 + 16 + 16 + 16 + 16 * 3 + 3, model.ParameterCount(trainableOnly: true)); // 0.3, the biases of 0.0 and the BatchNorm, the head
        Assert.Contains("Non-trainable params", model.Summary(6).ToString());
        var adam = new AdamW(model.ParameterGroups(("0", 1e-4), ("1", 1e-3)), lr: 1e-3);
        Assert.Equal(2, adam.ParamGroups.Count);
        model.ReplaceChild("1", new Linear(16, 5, generator: g));
        Assert.Equal([5, 16], model.StateDict()["1.weight"].ShapeArray);

        var gpt = new Gpt(GptOptions.W5, new Generator(0));
        var adapted = LoRA.Apply(gpt, rank: 8, alpha: 16, dropout: 0.05, targets: ["c_attn", "attn.c_proj"]);
        Assert.Equal(8, adapted.Count);
        Assert.Equal(49_152, gpt.ParameterCount(trainableOnly: true));
        Assert.Equal(3_274_752, gpt.ParameterCount());
        string path = Path.Combine(Dir, "adapters.safetensors");
        LoRA.SaveAdapters(gpt, path);
        LoRA.Merge(gpt);
        Assert.True(File.Exists(path));
    }

    private static void AssertClose(float[] expected, float[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }
}
