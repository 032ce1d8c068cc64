using SharpGrad.Cli.Reporting;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// <c>fmnist-cnn</c>: workload W3 exactly — conv(1→32, 3×3) ReLU maxpool2 → conv(32→64, 3×3) ReLU maxpool2 → flatten 1600 →
/// fc 128 ReLU → fc 10, Adam 1e-3, batch 128, 3 epochs, Fashion-MNIST scaled to [0,1].
/// </summary>
public sealed class FashionMnistCnnRecipe : IRecipe
{
    /// <summary>The recipe's name on the command line.</summary>
    public const string RecipeName = "fmnist-cnn";

    /// <inheritdoc/>
    public string Name => RecipeName;

    /// <inheritdoc/>
    public string Description => "W3: Fashion-MNIST CNN conv32-pool-conv64-pool-fc128-fc10, Adam 1e-3, batch 128, 3 epochs";

    /// <summary>The settings of workload W3.</summary>
    public static (int Epochs, int BatchSize, double LearningRate) W3 => (3, 128, 1e-3);

    /// <summary>W3's network with PyTorch's default initialisation.</summary>
    public static Sequential BuildW3Model(Generator generator) => new(
        new Conv2d(1, 32, 3, generator: generator), new ReLU(), new MaxPool2d(2),
        new Conv2d(32, 64, 3, generator: generator), new ReLU(), new MaxPool2d(2),
        new Flatten(),
        new Linear(1600, 128, generator: generator), new ReLU(),
        new Linear(128, 10, generator: generator));

    /// <inheritdoc/>
    public (Module Model, int[] InputShape) Build(RecipeOptions options) => (BuildW3Model(new Generator(options.Seed)), [1, 28, 28]);

    /// <inheritdoc/>
    public bool CanResume => true;

    /// <inheritdoc/>
    public RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log)
    {
        var (epochs0, batch0, lr0) = W3;
        int epochs = options.EpochsOr(epochs0), batchSize = options.BatchSize ?? batch0;
        double lr = options.LearningRate ?? lr0;
        var (train, test) = FashionMnist.Load(options.DataDirectory, flatten: false);
        log.WriteLine($"recipe {RecipeName}: Fashion-MNIST {train.Count} train / {test.Count} test; W3 CNN, Adam lr {lr}, batch {batchSize}, {epochs} epochs");
        var model = BuildW3Model(new Generator(options.Seed));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy()) { CaptureSteps = !options.Eager };
        int initialEpoch = ResumableTraining.Prepare(trainer, options, epochs, log);
        reporter.Run(() => trainer.Fit(train, epochs, batchSize, validationData: test, callbacks: [new TerminateOnNaN()], seed: options.Seed, reporter: reporter, initialEpoch: initialEpoch));
        var history = trainer.FullHistory;
        return ClassifierResults.Finish(trainer, model, history, test, ("sec_per_epoch", history["epoch_seconds"].Average()));
    }
}
