using SharpGrad.Cli.Recipes;
using SharpGrad.Data;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W2 fmnist-mlp exactly as defined: Fashion-MNIST scaled to [0,1], 784-256-128-10 ReLU MLP, softmax cross-entropy,
/// Adam 1e-3, batch 128, shuffled every epoch, 5 epochs. Reports the median training time per epoch (5 epochs, the first
/// included — it pays the JIT) and the test accuracy after the 5 epochs.
/// </summary>
internal static class W2FashionMnistMlp
{
    public static void Run(TextWriter output, string? dataDirectory = null)
    {
        var (train, test) = FashionMnist.Load(dataDirectory);
        var (epochs, batchSize, lr) = FashionMnistMlpRecipe.W2;
        var model = FashionMnistMlpRecipe.BuildW2Model(new Generator(0));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy());
        var history = trainer.Fit(train, epochs, batchSize, shuffle: true, seed: 0);
        var times = history["epoch_seconds"].ToList();
        double accuracy = trainer.Evaluate(test)["accuracy"];
        BenchOutput.Line(output, "W2", KernelThreads.Count, "sec_per_epoch", Math.Round(BenchOutput.Median(times), 3),
            ("test_accuracy", Math.Round(accuracy, 4)), ("params", model.ParameterCount()), ("epochs", epochs),
            ("epoch_seconds", times.Select(t => Math.Round(t, 3)).ToArray()));
    }
}
