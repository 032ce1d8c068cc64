using SharpGrad.Cli.Reporting;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// <c>fmnist-mlp</c>: an MLP on Fashion-MNIST. <see cref="BuildW2Model"/> and <see cref="W2"/> are workload W2 exactly
/// (784-256-128-10 ReLU, softmax cross-entropy, Adam 1e-3, batch 128, 5 epochs); the recipe's own defaults train longer
/// with dropout 0.2, AdamW (weight decay 1e-4) and a cosine schedule with one epoch of warmup.
/// </summary>
public sealed class FashionMnistMlpRecipe : IRecipe
{
    /// <summary>The recipe's name on the command line.</summary>
    public const string RecipeName = "fmnist-mlp";

    /// <inheritdoc/>
    public string Name => RecipeName;

    /// <inheritdoc/>
    public string Description => "Fashion-MNIST 784-256-128-10 MLP with dropout, AdamW and a cosine schedule (20 epochs; W2 is the plain 5-epoch variant)";

    /// <summary>The settings of workload W2.</summary>
    public static (int Epochs, int BatchSize, double LearningRate) W2 => (5, 128, 1e-3);

    /// <summary>W2's network: 784-256-128-10 with ReLU, PyTorch's default Linear initialisation.</summary>
    public static Sequential BuildW2Model(Generator generator) => new(
        new Linear(784, 256, generator: generator), new ReLU(),
        new Linear(256, 128, generator: generator), new ReLU(),
        new Linear(128, 10, generator: generator));

    /// <summary>The recipe's network: W2's with dropout after each hidden layer.</summary>
    public static Sequential BuildModel(Generator generator, double dropout = 0.2) => new(
        new Linear(784, 256, generator: generator), new ReLU(), new Dropout(dropout, generator),
        new Linear(256, 128, generator: generator), new ReLU(), new Dropout(dropout, generator),
        new Linear(128, 10, generator: generator));

    /// <inheritdoc/>
    public (Module Model, int[] InputShape) Build(RecipeOptions options) => (BuildModel(new Generator(options.Seed)), [784]);

    /// <inheritdoc/>
    public bool CanResume => true;

    /// <inheritdoc/>
    public RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log)
    {
        int epochs = options.EpochsOr(20), batchSize = options.BatchSize ?? 128;
        double lr = options.LearningRate ?? 1e-3;
        var (train, test) = FashionMnist.Load(options.DataDirectory);
        log.WriteLine($"recipe {RecipeName}: Fashion-MNIST {train.Count} train / {test.Count} test; 784-256-128-10 MLP, dropout 0.2, AdamW lr {lr} (cosine, 1 epoch warmup), batch {batchSize}, {epochs} epochs");
        var model = BuildModel(new Generator(options.Seed));
        var optimizer = new AdamW(model.Parameters(), lr: lr, weightDecay: 1e-4);
        var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Metrics.Accuracy()) { CaptureSteps = !options.Eager };
        long stepsPerEpoch = (train.Count + batchSize - 1) / batchSize, totalSteps = stepsPerEpoch * epochs;
        var schedule = new CosineWithWarmupSchedule(lr, TotalSteps: totalSteps, WarmupSteps: Math.Min(stepsPerEpoch, totalSteps / 10));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int initialEpoch = ResumableTraining.Prepare(trainer, options, epochs, log);
        reporter.Run(() => trainer.Fit(train, epochs, batchSize, validationData: test,
            callbacks: [new LearningRateScheduler(schedule), new TerminateOnNaN()], seed: options.Seed, reporter: reporter, initialEpoch: initialEpoch));
        var history = trainer.FullHistory;
        return ClassifierResults.Finish(trainer, model, history, test, ("seconds", clock.Elapsed.TotalSeconds));
    }
}
