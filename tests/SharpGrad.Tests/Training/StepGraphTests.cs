using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Tests.Kernels;
using SharpGrad.Training;

namespace SharpGrad.Tests.Training;

/// <summary>
/// Captured and replayed training steps (<see cref="StepGraph"/>, <see cref="GraphedStep"/>, <see cref="Trainer.CaptureSteps"/>)
/// against the same steps run eagerly: every loss and every parameter bit for bit, the eager fallback, and what a replay allocates.
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class StepGraphTests
{
    /// <summary>A model, its optimizer, static inputs and the step that trains on them.</summary>
    private sealed record Setup(Module Model, Optimizer Optimizer, Tensor X, Tensor Y, Func<Tensor[]> Step);

    /// <summary>The usual step: zero the gradients in place, forward and loss (<paramref name="loss"/>), backward, update.</summary>
    private static Setup Standard(Module model, Optimizer optimizer, Tensor x, Tensor y, Func<Tensor, Tensor, Tensor> loss) =>
        new(model, optimizer, x, y, () =>
        {
            optimizer.ZeroGrad(setToNone: false);
            Tensor output = model.Forward(x);
            Tensor l = loss(output, y);
            l.Backward();
            optimizer.Step();
            return [l, output];
        });

    /// <summary>
    /// Trains a fresh <paramref name="make"/>() eagerly and another through a <see cref="GraphedStep"/> on the same batches;
    /// asserts the same losses and parameters, bit for bit, and returns the graphed step and the losses.
    /// </summary>
    private static (GraphedStep Step, List<float> Losses) AssertGraphedEqualsEager(Func<Setup> make, int steps, int classes, bool tokens = false,
        List<(Tensor X, Tensor Y)>? batches = null)
    {
        Setup eager = make(), graphed = make();
        batches ??= Batches(eager, steps, classes, tokens);
        var expected = Train(eager, batches, eager.Step);
        var step = new GraphedStep(graphed.Model, graphed.Optimizer, graphed.Step);
        var actual = Train(graphed, batches, step.Run);
        Assert.Equal(expected, actual);
        AssertSameParameters(eager.Model, graphed.Model);
        return (step, expected);
    }

    private static Setup Mlp(Func<Tensor, Tensor, Tensor>? loss = null, double dropout = 0)
    {
        var gen = new Generator(7);
        // wide enough that Sequential does not fuse it (the fused narrow MLP has its own test below)
        Module model = dropout > 0
            ? new Sequential(new Linear(20, 80, generator: gen), new ReLU(), new Dropout(dropout, new Generator(3)), new Linear(80, 5, generator: gen))
            : new Sequential(new Linear(20, 80, generator: gen), new ReLU(), new Linear(80, 5, generator: gen));
        return Standard(model, new Adam(model.Parameters(), lr: 1e-2), Tensor.Zeros([12, 20]), Tensor.Zeros([12], DType.Int64),
            loss ?? ((o, t) => Losses.CrossEntropy(o, t)));
    }

    private static Setup TinyGpt()
    {
        var options = new GptOptions(VocabSize: 11, ContextLength: 8, Layers: 2, Heads: 2, Width: 16);
        var model = new Gpt(options, new Generator(5));
        return Standard(model, new AdamW(model.Parameters(), lr: 3e-3), Tensor.Zeros([3, 8], DType.Int64), Tensor.Zeros([3, 8], DType.Int64),
            (logits, y) => Losses.CrossEntropy(logits.View(24, 11), y.View(24)));
    }

    private static List<(Tensor X, Tensor Y)> Batches(Setup s, int count, int classes, bool tokens)
    {
        var gen = new Generator(11);
        var batches = new List<(Tensor, Tensor)>();
        for (int i = 0; i < count; i++)
        {
            Tensor x = tokens ? Tensor.RandInt(0, classes, s.X.ShapeArray, gen) : Tensor.Randn(s.X.ShapeArray, gen);
            batches.Add((x, Tensor.RandInt(0, classes, s.Y.ShapeArray, gen)));
        }
        return batches;
    }

    /// <summary>Runs the batches through <paramref name="run"/> (each inside a pooling scope, as a training loop does) and returns the losses.</summary>
    private static List<float> Train(Setup s, List<(Tensor X, Tensor Y)> batches, Func<Tensor[]> run)
    {
        var losses = new List<float>();
        foreach (var (x, y) in batches)
        {
            using var scope = TensorScope.Begin();
            s.X.CopyFrom(x);
            s.Y.CopyFrom(y);
            losses.Add(run()[0].ToArray<float>()[0]);
        }
        return losses;
    }

    private static void AssertSameParameters(Module expected, Module actual)
    {
        var e = expected.NamedParameters().ToList();
        var a = actual.NamedParameters().ToList();
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
            Assert.True(e[i].Parameter.ToArray<float>().AsSpan().SequenceEqual(a[i].Parameter.ToArray<float>()), $"parameter {e[i].Name} differs");
    }

    [Fact]
    public void ReplayedMlpStepsEqualEagerStepsBitForBit()
    {
        var (step, losses) = AssertGraphedEqualsEager(() => Mlp(), steps: 8, classes: 5);

        Assert.True(step.IsReplaying, step.FallbackReason);
        Assert.Null(step.FallbackReason);
        Assert.InRange(step.LaunchCount, 10, 200);
        Assert.True(losses[^1] < losses[0], "the model should learn");
    }

    [Fact]
    public void ReplayRereadsTargetsWeightsAndIgnoredRowsOfTheCrossEntropy()
    {
        // the normaliser Σ w[tᵢ] over non-ignored rows changes with the targets: a replay must recompute it
        Tensor weight = Tensor.FromArray([1f, 2f, 0.5f, 1.5f, 3f], 5);
        Func<Tensor, Tensor, Tensor> loss = (o, t) => Losses.CrossEntropy(o, t, weight, ignoreIndex: 3, labelSmoothing: 0.1);
        var (step, _) = AssertGraphedEqualsEager(() => Mlp(loss), steps: 7, classes: 5);

        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void ReplayedTransformerStepsEqualEagerStepsBitForBit()
    {
        // embeddings, LayerNorm, causal attention, GELU, residual adds, AdamW
        var (step, _) = AssertGraphedEqualsEager(() => TinyGpt(), steps: 6, classes: 11, tokens: true);

        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void ReplayedFusedNarrowMlpStepsEqualEagerSteps()
    {
        // Sequential runs these narrow layers as one fused kernel; the loss is the fused MSE
        static Setup Narrow()
        {
            var gen = new Generator(9);
            var model = new Sequential(new Linear(6, 8, generator: gen), new Sigmoid(), new Linear(8, 1, generator: gen), new Sigmoid());
            return Standard(model, new SGD(model.Parameters(), lr: 0.5), Tensor.Zeros([10, 6]), Tensor.Zeros([10, 1]), (o, t) => Losses.MseLoss(o, t));
        }
        var gen = new Generator(2);
        var batches = Enumerable.Range(0, 6).Select(_ => (Tensor.Randn([10, 6], gen), Tensor.Rand([10, 1], gen))).ToList();
        var (step, _) = AssertGraphedEqualsEager(Narrow, steps: 6, classes: 0, batches: batches);

        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void ReplayedConvolutionStepsEqualEagerSteps()
    {
        // conv (saved im2col columns), ReLU, max pooling (saved argmax indices), flatten, linear
        static Setup Cnn()
        {
            var gen = new Generator(13);
            var model = new Sequential(new Conv2d(1, 4, 3, generator: gen), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 3, generator: gen));
            return Standard(model, new Adam(model.Parameters(), lr: 1e-2), Tensor.Zeros([5, 1, 8, 8]), Tensor.Zeros([5], DType.Int64),
                (o, t) => Losses.CrossEntropy(o, t));
        }
        var (step, _) = AssertGraphedEqualsEager(() => Cnn(), steps: 6, classes: 3);

        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void ReplayedLstmLanguageModelStepsEqualEagerSteps()
    {
        static Setup Lstm()
        {
            var model = new RecurrentLanguageModel(new RecurrentLanguageModelOptions(VocabSize: 9, EmbeddingDim: 6, HiddenSize: 10), new Generator(17));
            return Standard(model, new Adam(model.Parameters(), lr: 1e-2), Tensor.Zeros([3, 7], DType.Int64), Tensor.Zeros([3, 7], DType.Int64),
                (logits, y) => Losses.CrossEntropy(logits.Reshape(21, 9), y.Reshape(21)));
        }
        var (step, _) = AssertGraphedEqualsEager(() => Lstm(), steps: 6, classes: 9, tokens: true);

        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void AReplayAllocatesAlmostNothing()
    {
        Setup s = Mlp();
        var batches = Batches(s, 4, 5, tokens: false);
        var step = new GraphedStep(s.Model, s.Optimizer, s.Step);
        Train(s, batches, step.Run); // warm-up, capture, check, one replay
        Assert.True(step.IsReplaying, step.FallbackReason);
        s.X.CopyFrom(batches[0].X);
        s.Y.CopyFrom(batches[0].Y);
        step.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) step.Run();
        long perStep = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        Assert.True(perStep < 256, $"a replayed step allocated {perStep} bytes");
    }

    [Fact]
    public void StepGraphReplaysWithTheNewValuesOfItsStaticInputs()
    {
        var gen = new Generator(4);
        Tensor w = Tensor.Randn([3, 4], gen), b = Tensor.Randn([4], gen);
        Tensor x = Tensor.Zeros([2, 3]);
        Tensor Compute() => x.MatMul(w).Add(b).Relu().Sum(1);

        x.CopyFrom(Tensor.Randn([2, 3], gen));
        var graph = StepGraph.Capture(() => [Compute()]);
        Assert.Equal(Compute().ToArray<float>(), graph.Outputs[0].ToArray<float>());

        x.CopyFrom(Tensor.Randn([2, 3], gen));
        graph.Replay();
        Assert.Equal(Compute().ToArray<float>(), graph.Outputs[0].ToArray<float>());
    }

    [Fact]
    public void RandomSamplingCannotBeCaptured()
    {
        var e = Assert.Throws<NotSupportedException>(() => StepGraph.Capture(() => [Tensor.Randn(3)]));
        Assert.Contains("random sampling", e.Message);
        // the failed capture left this thread able to run and capture again
        Assert.Single(StepGraph.Capture(() => [Tensor.Ones(2).MulScalar(2)]).Outputs);
    }

    [Fact]
    public void DropoutRunsEagerlyWithTheReasonAndTheSameResults()
    {
        var (step, _) = AssertGraphedEqualsEager(() => Mlp(dropout: 0.3), steps: 5, classes: 5);

        Assert.False(step.IsReplaying);
        Assert.Contains("dropout", step.FallbackReason);
    }

    [Fact]
    public void AnUnrecordedHostComputationIsCaughtByTheCheck()
    {
        // the scale is read from the input on the host: a replay would keep the captured value, and the check notices
        static Tensor HostScaled(Tensor o, Tensor t)
        {
            float scale = 1 + Math.Abs(t.ToArray<long>()[0]);
            return Losses.CrossEntropy(o.MulScalar(scale), t);
        }
        var (step, _) = AssertGraphedEqualsEager(() => Mlp(HostScaled), steps: 6, classes: 5);

        Assert.False(step.IsReplaying);
        Assert.Contains("did not repeat the eager step", step.FallbackReason);
    }

    [Fact]
    public void ResettingGradientsToNoneBetweenStepsLeadsToANewCapture()
    {
        Setup eager = Mlp(), graphed = Mlp();
        var batches = Batches(eager, 9, 5, tokens: false);
        var step = new GraphedStep(graphed.Model, graphed.Optimizer, graphed.Step);
        var expected = new List<float>();
        var actual = new List<float>();
        for (int i = 0; i < batches.Count; i++)
        {
            if (i == 5)
            {
                eager.Optimizer.ZeroGrad(setToNone: true);
                graphed.Optimizer.ZeroGrad(setToNone: true); // new gradient tensors: the captured graph writes the old ones
            }
            expected.AddRange(Train(eager, [batches[i]], eager.Step));
            actual.AddRange(Train(graphed, [batches[i]], step.Run));
        }
        Assert.Equal(expected, actual);
        AssertSameParameters(eager.Model, graphed.Model);
        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void AStepThatSetsGradientsToNullIsReplayedToo()
    {
        // PyTorch's default zero_grad(set_to_none=True) inside the step: the capture records the fresh gradients' writes
        static Setup WithZeroGradToNone()
        {
            Setup s = Mlp();
            return s with
            {
                Step = () =>
                {
                    s.Optimizer.ZeroGrad();
                    Tensor output = s.Model.Forward(s.X);
                    Tensor l = Losses.CrossEntropy(output, s.Y);
                    l.Backward();
                    s.Optimizer.Step();
                    return [l, output];
                },
            };
        }
        var (step, _) = AssertGraphedEqualsEager(() => WithZeroGradToNone(), steps: 7, classes: 5);

        Assert.True(step.IsReplaying, step.FallbackReason);
    }

    [Fact]
    public void TrainerWithCapturedStepsMatchesEagerTraining()
    {
        // 50 samples in batches of 16: shapes 16 and 2 (the short last batch gets its own graph)
        var gen = new Generator(21);
        var data = new TensorDataset(Tensor.Randn([50, 20], gen), Tensor.RandInt(0, 5, [50], gen));
        SharpGrad.Training.History Fit(bool capture, out Trainer trainer, out Module model)
        {
            model = Mlp().Model;
            trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-2), new CrossEntropyLoss(), new Metrics.Accuracy()) { CaptureSteps = capture };
            return trainer.Fit(data, epochs: 6, batchSize: 16, seed: 3);
        }
        var eagerHistory = Fit(false, out _, out var eagerModel);
        var capturedHistory = Fit(true, out var trainer, out var capturedModel);

        Assert.Null(trainer.CaptureFallbackReason);
        Assert.Equal(eagerHistory["loss"], capturedHistory["loss"]);
        Assert.Equal(eagerHistory["accuracy"], capturedHistory["accuracy"]);
        AssertSameParameters(eagerModel, capturedModel);
    }
}
