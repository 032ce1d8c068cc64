using SharpGrad.Cli.Recipes;
using SharpGrad.Data;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W3 fmnist-cnn exactly as defined, 3 epochs through <see cref="Trainer.Fit"/>: the median epoch time (training only; the
/// first epoch pays the JIT) and the test accuracy after the 3 epochs.
/// </summary>
internal static class W3FashionMnistCnn
{
    public static void Run(TextWriter output, string? dataDirectory = null)
    {
        var (train, test) = FashionMnist.Load(dataDirectory, flatten: false);
        var (epochs, batchSize, lr) = FashionMnistCnnRecipe.W3;
        var model = FashionMnistCnnRecipe.BuildW3Model(new Generator(0));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy());
        var history = trainer.Fit(train, epochs, batchSize, shuffle: true, seed: 0);
        var times = history["epoch_seconds"].ToList();
        double accuracy = trainer.Evaluate(test)["accuracy"];
        BenchOutput.Line(output, "W3", KernelThreads.Count, "sec_per_epoch", Math.Round(BenchOutput.Median(times), 3),
            ("test_accuracy", Math.Round(accuracy, 4)), ("params", model.ParameterCount()), ("epochs", epochs),
            ("epoch_seconds", times.Select(t => Math.Round(t, 3)).ToArray()));
    }
}
