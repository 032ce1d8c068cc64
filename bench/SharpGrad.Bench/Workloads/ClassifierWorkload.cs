using SharpGrad.Data;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W2 and W3 share their protocol: Adam, cross-entropy, shuffled batches through <see cref="Trainer.Fit"/>; the median epoch
/// time (training only; the first epoch pays the JIT) and the test accuracy after the last epoch.
/// </summary>
internal static class ClassifierWorkload
{
    public static void Run(TextWriter output, string workload, Module model, IDataset train, IDataset test, int epochs, int batchSize, double lr)
    {
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy());
        var history = trainer.Fit(train, epochs, batchSize, shuffle: true, seed: 0);
        var times = history["epoch_seconds"].ToList();
        double accuracy = trainer.Evaluate(test)["accuracy"];
        BenchOutput.Line(output, workload, KernelThreads.Count, "sec_per_epoch", Math.Round(BenchOutput.Median(times), 3),
            ("test_accuracy", Math.Round(accuracy, 4)), ("params", model.ParameterCount()), ("epochs", epochs),
            ("epoch_seconds", times.Select(t => Math.Round(t, 3)).ToArray()));
    }
}
