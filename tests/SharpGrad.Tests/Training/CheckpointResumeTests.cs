using SharpGrad.Data;
using SharpGrad.IO;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Tests.Training;

/// <summary>Training checkpoints: a run stopped after some epochs and resumed from its checkpoint gives the uninterrupted run's numbers.</summary>
public class CheckpointResumeTests : TempDirectoryTest
{
    private static readonly TensorDataset Data = MakeData();

    private static TensorDataset MakeData()
    {
        var g = new Generator(3);
        return new TensorDataset(Tensor.Randn([150, 12], g), Tensor.RandInt(0, 4, [150], g));
    }

    /// <summary>A model with dropout (its generator's state matters), AdamW and a per-step cosine schedule.</summary>
    private static (Trainer Trainer, Callback[] Callbacks) Setup(bool dropout)
    {
        var g = new Generator(8);
        Module model = dropout
            ? new Sequential(new Linear(12, 24, generator: g), new ReLU(), new Dropout(0.3, g), new Linear(24, 4, generator: g))
            : new Sequential(new Linear(12, 40, generator: g), new ReLU(), new Linear(40, 4, generator: g));
        var optimizer = new AdamW(model.Parameters(), lr: 5e-3);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Metrics.Accuracy());
        var schedule = new CosineWithWarmupSchedule(5e-3, TotalSteps: 6 * 5, WarmupSteps: 3);
        return (trainer, [new LearningRateScheduler(schedule)]);
    }

    private sealed class StopAfterEpoch(int epoch) : Callback
    {
        public override void OnEpochEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
        {
            if (context.Epoch == epoch) context.StopTraining = true;
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AResumedRunRepeatsTheUninterruptedRunExactly(bool dropout)
    {
        var (straight, callbacks) = Setup(dropout);
        straight.Fit(Data, epochs: 6, batchSize: 32, callbacks: callbacks, seed: 5);

        string checkpoint = Path.Combine(Dir, "checkpoint.safetensors");
        var (first, firstCallbacks) = Setup(dropout);
        first.CheckpointPath = checkpoint;
        first.Fit(Data, epochs: 6, batchSize: 32, callbacks: [.. firstCallbacks, new StopAfterEpoch(2)], seed: 5); // "interrupted" after epoch 2
        Assert.Equal(2, first.EpochsCompleted);

        var (resumed, resumedCallbacks) = Setup(dropout);
        resumed.LoadCheckpoint(checkpoint);
        Assert.Equal(2, resumed.EpochsCompleted);
        Assert.Equal(first.GlobalStep, resumed.GlobalStep);
        var rest = resumed.Fit(Data, epochs: 6, batchSize: 32, callbacks: resumedCallbacks, seed: 5, initialEpoch: resumed.EpochsCompleted);

        Assert.Equal([3, 4, 5, 6], rest.Epochs);
        Assert.Equal(straight.FullHistory.Epochs, resumed.FullHistory.Epochs);
        Assert.Equal(straight.FullHistory["loss"], resumed.FullHistory["loss"]);          // the loss curve, bit for bit
        Assert.Equal(straight.FullHistory["accuracy"], resumed.FullHistory["accuracy"]);
        Assert.Equal(straight.FullHistory["lr"], resumed.FullHistory["lr"]);
        var a = straight.Model.StateDict();
        foreach (var (name, t) in resumed.Model.StateDict()) Assert.Equal(a[name].ToArray<float>(), t.ToArray<float>());
    }

    /// <summary>Random labels: the validation loss soon stops improving, so plateau and early-stopping callbacks act.</summary>
    private static (Trainer Trainer, Func<Callback[]> Callbacks) StatefulSetup()
    {
        var g = new Generator(21);
        var model = new Sequential(new Linear(12, 64, generator: g), new ReLU(), new Linear(64, 4, generator: g));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: 1e-2), new CrossEntropyLoss(), new Metrics.Accuracy());
        return (trainer, () =>
        [
            new ReduceLROnPlateauCallback(new ReduceLROnPlateau(patience: 1, factor: 0.5), "val_loss"),
            new EarlyStopping("val_loss", patience: 4, restoreBestWeights: true),
        ]);
    }

    [Fact]
    public void StatefulCallbacksContinueWhereTheyStopped()
    {
        var (straight, callbacks) = StatefulSetup();
        var straightCallbacks = callbacks();
        straight.Fit(Data, epochs: 40, batchSize: 32, validationSplit: 0.3, callbacks: straightCallbacks, seed: 2);
        int stoppedAt = ((EarlyStopping)straightCallbacks[1]).StoppedEpoch;
        Assert.InRange(stoppedAt, 6, 39);                                                   // stopped early, after a few epochs
        Assert.True(straight.FullHistory["lr"].Distinct().Count() > 1, "the plateau callback never reduced the learning rate");

        // interrupted after epoch 4 (the best val_loss, the patience counters and the best weights exist by then), then resumed
        string checkpoint = Path.Combine(Dir, "stateful.safetensors");
        var (first, firstCallbacks) = StatefulSetup();
        first.CheckpointPath = checkpoint;
        first.Fit(Data, epochs: 40, batchSize: 32, validationSplit: 0.3, callbacks: [.. firstCallbacks(), new StopAfterEpoch(4)], seed: 2);
        var (resumed, resumedCallbacks) = StatefulSetup();
        resumed.LoadCheckpoint(checkpoint);
        var restored = resumedCallbacks();
        resumed.Fit(Data, epochs: 40, batchSize: 32, validationSplit: 0.3, callbacks: restored, seed: 2, initialEpoch: resumed.EpochsCompleted);

        Assert.Equal(stoppedAt, ((EarlyStopping)restored[1]).StoppedEpoch);
        Assert.Equal(((EarlyStopping)straightCallbacks[1]).BestEpoch, ((EarlyStopping)restored[1]).BestEpoch);
        Assert.Equal(straight.FullHistory.Epochs, resumed.FullHistory.Epochs);
        Assert.Equal(straight.FullHistory["val_loss"], resumed.FullHistory["val_loss"]);
        Assert.Equal(straight.FullHistory["lr"], resumed.FullHistory["lr"]);
        Assert.Equal(straight.StopReason, resumed.StopReason);
        var a = straight.Model.StateDict();                                                   // the best epoch's weights, restored at the end
        foreach (var (name, t) in resumed.Model.StateDict()) Assert.Equal(a[name].ToArray<float>(), t.ToArray<float>());
    }

    [Fact]
    public void ADamagedCallbackStateIsATypedError()
    {
        var (trainer, callbacks) = StatefulSetup();
        string path = Path.Combine(Dir, "cb.safetensors");
        trainer.CheckpointPath = path;
        trainer.Fit(Data, epochs: 2, batchSize: 32, validationSplit: 0.3, callbacks: callbacks(), seed: 2);
        var (tensors, metadata) = SafeTensors.Load(path);
        Assert.Contains("\"EarlyStopping\"", metadata["callbacks"]);
        Assert.Contains(tensors.Keys, k => k.StartsWith("callback.EarlyStopping.", StringComparison.Ordinal)); // the best weights

        metadata["callbacks"] = metadata["callbacks"].Replace("\"wait\"", "\"waited\"", StringComparison.Ordinal);
        SafeTensors.Save(path, tensors, metadata);
        var (again, againCallbacks) = StatefulSetup();
        again.LoadCheckpoint(path);
        var e = Assert.Throws<CheckpointFormatException>(() =>
            again.Fit(Data, epochs: 4, batchSize: 32, validationSplit: 0.3, callbacks: againCallbacks(), seed: 2, initialEpoch: 2));
        Assert.Contains("EarlyStopping", e.Message);
        Assert.Contains("\"wait\"", e.Message);

        metadata["callbacks"] = "{\"EarlyStopping\": 3}";
        SafeTensors.Save(path, tensors, metadata);
        Assert.Throws<CheckpointFormatException>(() => StatefulSetup().Trainer.LoadCheckpoint(path));
    }

    /// <summary>The checkpoint of one epoch of the dropout model, and its trainer.</summary>
    private (string Path, Trainer Trainer) OneEpochCheckpoint()
    {
        var (trainer, callbacks) = Setup(dropout: true);
        string path = Path.Combine(Dir, "c.safetensors");
        trainer.CheckpointPath = path;
        trainer.Fit(Data, epochs: 1, batchSize: 64, callbacks: callbacks);
        return (path, trainer);
    }

    [Fact]
    public void CheckpointsOfAnotherModelOrDamagedFilesGiveTypedErrors()
    {
        var (checkpoint, trainer) = OneEpochCheckpoint();

        var (other, _) = Setup(dropout: false); // other layer sizes and no dropout generator
        Assert.Throws<CheckpointFormatException>(() => other.LoadCheckpoint(checkpoint));

        string plain = Path.Combine(Dir, "plain.safetensors");
        SafeTensors.Save(plain, trainer.Model.StateDict());
        Assert.Contains("no \"format\"", Assert.Throws<CheckpointFormatException>(() => Setup(true).Trainer.LoadCheckpoint(plain)).Message);

        byte[] bytes = File.ReadAllBytes(checkpoint);
        File.WriteAllBytes(checkpoint, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        Assert.Throws<SafeTensorsFormatException>(() => Setup(true).Trainer.LoadCheckpoint(checkpoint));
    }

    [Fact]
    public void TheResumeSnippetOfDocsTrainingRuns()
    {
        string path = Path.Combine(Dir, "runs", "x", "checkpoint.safetensors");
        var train = Data;
        var earlier = Setup(dropout: false).Trainer;
        earlier.CheckpointPath = path;
        earlier.Fit(train, epochs: 3, batchSize: 32, seed: 1);
        var model = Setup(dropout: false).Trainer.Model;

        // the snippet (Accuracy is SharpGrad.Metrics.Accuracy there)
        var trainer = new Trainer(model, new AdamW(model.Parameters(), lr: 5e-3), new CrossEntropyLoss(), new Metrics.Accuracy());
        trainer.LoadCheckpoint(path);
        trainer.CheckpointPath = path;
        trainer.Fit(train, epochs: 5, batchSize: 32, seed: 1, initialEpoch: trainer.EpochsCompleted);
        SharpGrad.Training.History all = trainer.FullHistory;

        Assert.Equal([1, 2, 3, 4, 5], all.Epochs);
        Assert.Equal(earlier.FullHistory["loss"], all["loss"].Take(3));
    }

    [Fact]
    public void RandomlyCorruptedCheckpointsGiveTypedErrorsNeverACrash()
    {
        var (path, _) = OneEpochCheckpoint();
        byte[] original = File.ReadAllBytes(path);
        var rng = new Random(99);
        int loaded = 0, rejected = 0;
        for (int trial = 0; trial < 400; trial++)
        {
            byte[] bytes = (byte[])original.Clone();
            if (rng.Next(3) == 0) bytes = bytes.AsSpan(0, rng.Next(bytes.Length)).ToArray();
            else for (int k = rng.Next(1, 4); k > 0; k--) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
            string damaged = Path.Combine(Dir, "damaged.safetensors");
            File.WriteAllBytes(damaged, bytes);
            try
            {
                Setup(dropout: true).Trainer.LoadCheckpoint(damaged);
                loaded++;
            }
            catch (Exception e) when (e is SafeTensorsFormatException or CheckpointFormatException)
            {
                rejected++;
            }
        }
        Assert.True(rejected > 150, $"only {rejected} of 400 corruptions were rejected");
        Assert.True(loaded > 0, "flips inside the weights leave a loadable checkpoint");
    }
}
