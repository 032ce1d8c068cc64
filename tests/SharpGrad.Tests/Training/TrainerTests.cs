using SharpGrad.Data;
using SharpGrad.IO;
using SharpGrad.Metrics;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Tests.Training;

public class TrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-trainer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Two Gaussian blobs per class in 4-D, 3 classes: easy but not trivial.</summary>
    private static TensorDataset Blobs(int n, ulong seed)
    {
        var g = new Generator(seed);
        var labels = Tensor.RandInt(0, 3, [n], g);
        var centers = Tensor.FromArray(new float[] { 2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 2, 0 }, 3, 4);
        var x = centers.IndexSelect(0, labels) + Tensor.Randn([n, 4], g).MulScalar(0.7);
        return new TensorDataset(x, labels);
    }

    private static Sequential Model(ulong seed) => new(new Linear(4, 16, generator: new Generator(seed)), new ReLU(), new Linear(16, 3, generator: new Generator(seed + 1)));

    [Fact]
    public void CompileFitEvaluatePredictLikeKeras()
    {
        var model = Model(1);
        model.Compile(new Adam(model.Parameters(), lr: 0.02), new CrossEntropyLoss(), new Accuracy());
        var history = model.Fit(Blobs(600, 2), epochs: 8, batchSize: 32, validationSplit: 0.2, seed: 3);
        Assert.Equal(Enumerable.Range(1, 8), history.Epochs);
        foreach (var key in new[] { "loss", "accuracy", "val_loss", "val_accuracy", "lr" }) Assert.True(history.Contains(key), key);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Assert.True(history["val_accuracy"][^1] > 0.85, $"val accuracy {history["val_accuracy"][^1]}");
        var eval = model.Evaluate(Blobs(300, 9));
        Assert.True(eval["accuracy"] > 0.85);
        Assert.Equal([300, 3], model.Predict(Blobs(300, 9).Inputs, batchSize: 64).ShapeArray);
        Assert.Contains("epoch,loss,accuracy,val_loss,val_accuracy,lr", history.ToCsv());
    }

    [Fact]
    public void FitIsReproducibleWithTheSameSeed()
    {
        double Run()
        {
            var model = Model(5);
            var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 0.1, momentum: 0.9), new CrossEntropyLoss());
            return trainer.Fit(Blobs(200, 6), epochs: 3, batchSize: 16, seed: 11)["loss"][^1];
        }
        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void UncompiledModelGivesAClearError()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Model(1).Fit(Blobs(10, 1)));
        Assert.Contains("Compile", e.Message);
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceAndRestoresTheBestWeights()
    {
        var model = Model(2);
        // lr so high that validation loss gets worse after the first epochs
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 3.0), new CrossEntropyLoss(), new Accuracy());
        var stop = new EarlyStopping("val_loss", patience: 1, restoreBestWeights: true);
        var val = Blobs(200, 8);
        var history = trainer.Fit(Blobs(400, 7), epochs: 30, batchSize: 16, validationData: val, callbacks: [stop], seed: 1);
        Assert.True(stop.StoppedEpoch > 0 && stop.StoppedEpoch < 30, $"stopped at {stop.StoppedEpoch}");
        Assert.Equal(stop.BestEpoch + 1, stop.StoppedEpoch); // patience 1: stop at the first epoch without improvement after it
        Assert.Equal(history.Epochs.Count, stop.StoppedEpoch);
        double best = history["val_loss"].Min();
        Assert.Equal(best, trainer.Evaluate(val)["loss"], 5);
        Assert.Contains("EarlyStopping", trainer.StopReason);
    }

    [Fact]
    public void EarlyStoppingPatienceCountsEpochsWithoutImprovementLikeKeras()
    {
        var model = Model(2);
        var stop = new EarlyStopping("val_loss", patience: 2);
        new Trainer(model, new SGD(model.Parameters(), lr: 0), new CrossEntropyLoss())   // lr 0: val_loss never changes
            .Fit(Blobs(64, 1), epochs: 10, batchSize: 32, validationData: Blobs(32, 2), callbacks: [stop]);
        Assert.Equal(1, stop.BestEpoch);
        Assert.Equal(3, stop.StoppedEpoch);
    }

    [Fact]
    public void MonitoringCallbacksSurviveAStopInTheMiddleOfAnEpoch()
    {
        var model = Model(2);
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: double.NaN), new CrossEntropyLoss());
        var history = trainer.Fit(Blobs(64, 1), epochs: 3, batchSize: 16, validationData: Blobs(32, 2),
            callbacks: [new TerminateOnNaN(), new EarlyStopping("val_loss"), new ModelCheckpoint(Path.Combine(_dir, "c.safetensors"), saveBestOnly: true),
                new ReduceLROnPlateauCallback(new ReduceLROnPlateau())]);
        Assert.Single(history.Epochs);
        Assert.StartsWith("TerminateOnNaN", trainer.StopReason);
    }

    [Fact]
    public void CheckpointPathsTakeKerasEpochFormats()
    {
        var model = Model(3);
        new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new CrossEntropyLoss())
            .Fit(Blobs(32, 1), epochs: 2, batchSize: 32, callbacks: [new ModelCheckpoint(Path.Combine(_dir, "w-{epoch:02d}.safetensors"))]);
        Assert.True(File.Exists(Path.Combine(_dir, "w-01.safetensors")));
        Assert.True(File.Exists(Path.Combine(_dir, "w-02.safetensors")));
    }

    [Fact]
    public void ValidationSplitFollowsKerasAndRepeatedFitContinuesTheShuffle()
    {
        var recorder = new Recorder(Model(4));
        var trainer = new Trainer(recorder, new SGD(recorder.Parameters(), lr: 0.1), new CrossEntropyLoss());
        trainer.Fit(Blobs(10, 1), epochs: 1, batchSize: 100, validationSplit: 0.25, shuffle: false);
        // Keras trains on the first ⌊10 · 0.75⌋ = 7 rows and validates on the other 3
        Assert.Equal([(true, 7), (false, 3)], recorder.Calls);

        recorder.Calls.Clear();
        var data = Blobs(64, 2);
        trainer.Fit(data, epochs: 1, batchSize: 64, seed: 5);
        trainer.Fit(data, epochs: 1, batchSize: 64, seed: 5);
        Assert.NotEqual(recorder.FirstRows[0], recorder.FirstRows[1]); // second call: the next epoch's order, not a repeat
        Assert.Equal(3, trainer.EpochsCompleted);
    }

    /// <summary>Wraps a model and records (training?, batch rows) of every call, and the first input row of training calls.</summary>
    private sealed class Recorder : Module
    {
        private readonly Module _inner;
        public List<(bool, int)> Calls { get; } = [];
        public List<float> FirstRows { get; } = [];

        public Recorder(Module inner) => _inner = RegisterModule("inner", inner);

        public override Tensor Forward(Tensor input)
        {
            Calls.Add((Training, input.Size(0)));
            if (Training) FirstRows.Add(input.ToArray()[0]);
            return _inner.Forward(input);
        }
    }

    [Fact]
    public void PredictAndEvaluateRestoreTheModeAndHandleEmptyInputs()
    {
        var model = Model(5);
        Assert.Equal([0, 3], model.Predict(Tensor.Zeros(0, 4)).ShapeArray);
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new CrossEntropyLoss());
        var bad = new TensorDataset(Tensor.Zeros(2, 4), Tensor.FromArray(new long[] { 0, 7 }));
        Assert.ThrowsAny<Exception>(() => trainer.Evaluate(bad));
        Assert.True(model.Training);
    }

    [Fact]
    public void CsvLoggerAppendCreatesTheFile()
    {
        var model = Model(6);
        string path = Path.Combine(_dir, "new", "log.csv");
        new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new CrossEntropyLoss()).Fit(Blobs(16, 1), epochs: 2, batchSize: 16, callbacks: [new CsvLogger(path, append: true)]);
        Assert.Equal(3, File.ReadAllLines(path).Length);
    }

    [Fact]
    public void ModelCheckpointSavesOnlyImprovementsAtomically()
    {
        var model = Model(3);
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 0.01), new CrossEntropyLoss(), new Accuracy());
        string path = Path.Combine(_dir, "best.safetensors");
        var checkpoint = new ModelCheckpoint(path, monitor: "val_accuracy", saveBestOnly: true);
        trainer.Fit(Blobs(300, 4), epochs: 4, batchSize: 32, validationData: Blobs(100, 5), callbacks: [checkpoint]);
        var (weights, meta) = SafeTensors.Load(path);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], weights.Keys);
        Assert.True(meta.ContainsKey("val_accuracy"));
        Assert.Single(Directory.GetFiles(_dir));
        var fresh = Model(99);
        fresh.LoadStateDict(weights);
        Assert.Equal(weights["0.weight"].ToArray(), fresh.StateDict()["0.weight"].ToArray());
    }

    [Fact]
    public void CsvLoggerWritesOneRowPerEpoch()
    {
        var model = Model(4);
        string path = Path.Combine(_dir, "log.csv");
        new Trainer(model, new SGD(model.Parameters(), lr: 0.1), new CrossEntropyLoss(), new Accuracy())
            .Fit(Blobs(100, 1), epochs: 3, batchSize: 50, callbacks: [new CsvLogger(path)]);
        var lines = File.ReadAllLines(path);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("epoch,loss,accuracy,lr", lines[0]);
        Assert.StartsWith("3,", lines[3]);
    }

    [Fact]
    public void TerminateOnNaNStopsAtTheFirstNonFiniteLossAndNamesTheStep()
    {
        var model = Model(5);
        var terminate = new TerminateOnNaN();
        var trainer = new Trainer(model, new SGD(model.Parameters(), lr: 1e30), new CrossEntropyLoss());
        var history = trainer.Fit(Blobs(320, 2), epochs: 5, batchSize: 32, callbacks: [terminate], shuffle: false);
        Assert.True(terminate.StoppedAtStep is > 1 and < 20, $"stopped at step {terminate.StoppedAtStep}");
        Assert.Contains($"step {terminate.StoppedAtStep}", terminate.Message);
        Assert.Contains("first non-finite tensor: parameter \"0.weight\"", terminate.Message);
        Assert.Single(history.Epochs);
        Assert.Equal(terminate.StoppedAtStep, trainer.GlobalStep);
    }

    [Fact]
    public void LearningRateSchedulerSetsTheRateEveryStep()
    {
        var model = Model(6);
        var optimizer = new SGD(model.Parameters(), lr: 0.8);
        var seen = new List<double>();
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss());
        trainer.Fit(Blobs(64, 1), epochs: 2, batchSize: 16, callbacks: [new LearningRateScheduler(new StepSchedule(0.8, 3, 0.5)), new Probe(c => seen.Add(c.Optimizer.LearningRate))]);
        Assert.Equal([0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2, 0.2], seen);
        var perEpoch = new List<double>();
        new Trainer(model, optimizer, new CrossEntropyLoss()).Fit(Blobs(32, 1), epochs: 3, batchSize: 16,
            callbacks: [new LearningRateScheduler((epoch, lr) => 0.1 * epoch), new Probe(c => perEpoch.Add(c.Optimizer.LearningRate))]);
        Assert.Equal([0.1, 0.1, 0.2, 0.2, 0.3, 0.3], perEpoch.Select(v => Math.Round(v, 10)));
    }

    private sealed class Probe(Action<TrainingContext> onBatch) : Callback
    {
        public override void OnBatchBegin(TrainingContext context) => onBatch(context);
    }

    [Fact]
    public void SummaryListsLayersShapesAndCounts()
    {
        var model = new Sequential(new Linear(784, 256), new ReLU(), new BatchNorm1d(256), new Linear(256, 10));
        var summary = model.Summary(784);
        Assert.Equal(["(None, 256)", "(None, 256)", "(None, 256)", "(None, 10)"], summary.Rows.Select(r => r.OutputShape));
        Assert.Equal(784 * 256 + 256 + 512 + 2570, summary.TrainableParameters);
        Assert.Equal(512, summary.NonTrainableParameters); // running mean and variance (the Int64 counter is not counted)
        string text = summary.ToString();
        Assert.Contains("0 (Linear)", text);
        Assert.Contains("Trainable params: 204,042", text);
    }
}
