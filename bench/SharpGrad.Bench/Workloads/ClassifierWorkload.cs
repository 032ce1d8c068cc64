using SharpGrad.Data;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W2 and W3 share their protocol: a throwaway copy of the model trained for <see cref="WarmUpSeconds"/> (JIT tiering, the
/// tensor pool, the kernel threads), then Adam, cross-entropy, shuffled batches through <see cref="Trainer.Fit"/> on a fresh
/// model; the median epoch time (training only) and the test accuracy after the last epoch.
/// </summary>
internal static class ClassifierWorkload
{
    /// <summary>Seconds of untimed training on a throwaway model before the timed run.</summary>
    public const double WarmUpSeconds = 2.0;

    public static void Run(TextWriter output, string workload, Func<Generator, Module> build, IDataset train, IDataset test, int epochs, int batchSize, double lr)
    {
        WarmUp(build(new Generator(1)), train, batchSize, lr);
        Module model = build(new Generator(0));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy()) { CaptureSteps = !BenchSettings.Eager };
        // Steady state: the first epoch captures the full batch shape and the short last one, the second checks the
        // short one (an eager step of a new shape draws new pool memory): count from the third epoch when there is one.
        var allocation = new AllocationCounter(fromEpoch: epochs >= 3 ? 3 : 2);
        var history = trainer.Fit(train, epochs, batchSize, callbacks: [allocation], shuffle: true, seed: 0);
        var times = history["epoch_seconds"].ToList();
        double accuracy = trainer.Evaluate(test)["accuracy"];
        BenchOutput.Line(output, workload, KernelThreads.Count, "sec_per_epoch", Math.Round(BenchOutput.Median(times), 3),
            ("test_accuracy", Math.Round(accuracy, 4)), ("params", model.ParameterCount()), ("epochs", epochs),
            ("epoch_seconds", times.Select(t => Math.Round(t, 3)).ToArray()),
            // with a single epoch there is no steady state to count: -1
            ("bytes_allocated_per_step", double.IsNaN(allocation.BytesPerStep) ? -1 : Math.Round(allocation.BytesPerStep)),
            ("allocation_from_epoch", allocation.FromEpoch), ("gen2_collections", allocation.Gen2Collections),
            ("captured", trainer.CaptureSteps && trainer.CaptureFallbackReason is null));
    }

    /// <summary>Trains <paramref name="model"/> (then dropped) for <see cref="WarmUpSeconds"/> with the timed run's settings.</summary>
    private static void WarmUp(Module model, IDataset train, int batchSize, double lr)
    {
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy()) { CaptureSteps = !BenchSettings.Eager };
        trainer.Fit(train, epochs: 100, batchSize, callbacks: [new StopAfter(WarmUpSeconds)], shuffle: true, seed: 1);
    }

    private sealed class StopAfter(double seconds) : Callback
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public override void OnBatchEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
        {
            if (_clock.Elapsed.TotalSeconds >= seconds) context.StopTraining = true;
        }
    }

    /// <summary>
    /// Managed bytes allocated per training step on all threads (<see cref="GC.GetTotalAllocatedBytes"/>, precise) from epoch
    /// <c>fromEpoch</c> on (the steady state), and the gen-2 collections meanwhile.
    /// </summary>
    private sealed class AllocationCounter(int fromEpoch) : Callback
    {
        private long _startBytes, _steps;

        public int FromEpoch => fromEpoch;
        private int _startGen2, _epoch;

        public double BytesPerStep { get; private set; } = double.NaN;

        public int Gen2Collections { get; private set; }

        public override void OnEpochBegin(TrainingContext context)
        {
            if (++_epoch != fromEpoch) return;
            _startBytes = GC.GetTotalAllocatedBytes(precise: true);
            _startGen2 = GC.CollectionCount(2);
        }

        public override void OnBatchEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
        {
            if (_epoch >= fromEpoch) _steps++;
        }

        public override void OnTrainEnd(TrainingContext context)
        {
            if (_steps == 0) return;
            BytesPerStep = (double)(GC.GetTotalAllocatedBytes(precise: true) - _startBytes) / _steps;
            Gen2Collections = GC.CollectionCount(2) - _startGen2;
        }
    }
}
