using System.Diagnostics;
using SharpGrad.Cli.Recipes;
using SharpGrad.Kernels;

namespace SharpGrad.Bench.Workloads;

/// <summary>W1 seed-mlp: seconds for all 1000 full-batch epochs (median of repeats after a warm-up run) and the test accuracy.</summary>
internal static class W1SeedMlp
{
    public static void Run(TextWriter output, int repeats = 15)
    {
        // Warm-up: one run takes tens of milliseconds, less than tiered compilation needs to settle (methods are promoted
        // after a delay and compiled on a background thread, which on two cores competes with the second kernel thread),
        // so warm up for two seconds rather than a number of runs.
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warmUp.Elapsed.TotalSeconds < 2; i++) new SeedMlp().Run();
        var times = new List<double>();
        SeedMlpResult? last = null;
        for (int i = 0; i < repeats; i++)
        {
            last = new SeedMlp().Run();
            times.Add(last.TrainSeconds);
        }
        BenchOutput.Line(output, "W1", KernelThreads.Count, "train_seconds", Math.Round(BenchOutput.Median(times), 4),
            ("test_accuracy", Math.Round(last!.TestAccuracy, 4)), ("train_accuracy", Math.Round(last.TrainAccuracy, 4)), ("epochs", 1000), ("repeats", repeats),
            ("min_seconds", Math.Round(times.Min(), 4)));
    }

    /// <summary>
    /// Runs W1's training step <paramref name="steps"/> times and reports managed heap and process RSS at the start and the
    /// end (after a full GC at both points), plus the allocation rate per step.
    /// </summary>
    public static void Memory(TextWriter output, int steps = 100_000)
    {
        var recipe = new SeedMlp(new SeedMlpOptions(Epochs: steps));
        for (int i = 0; i < 100; i++) recipe.Step(); // warm-up
        (long heap0, long rss0) = Snapshot();
        long alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        int gen2Before = GC.CollectionCount(2);
        var clock = Stopwatch.StartNew();
        var samples = new List<(int Step, long Heap, long Rss)>();
        for (int i = 1; i <= steps; i++)
        {
            recipe.Step();
            if (i % (steps / 10) == 0)
            {
                var proc = Process.GetCurrentProcess();
                samples.Add((i, GC.GetTotalMemory(false), proc.WorkingSet64));
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - alloc0;
        int gen2 = GC.CollectionCount(2) - gen2Before;
        (long heap1, long rss1) = Snapshot();
        BenchOutput.Line(output, "W1-memory", KernelThreads.Count, "rss_end_mb", Math.Round(rss1 / 1048576.0, 1),
            ("steps", steps), ("rss_start_mb", Math.Round(rss0 / 1048576.0, 1)),
            ("heap_start_mb", Math.Round(heap0 / 1048576.0, 2)), ("heap_end_mb", Math.Round(heap1 / 1048576.0, 2)),
            ("rss_samples_mb", samples.Select(s => Math.Round(s.Rss / 1048576.0, 1)).ToArray()),
            ("allocated_bytes_per_step", allocated / steps), ("gen2_collections", gen2), ("seconds", Math.Round(seconds, 1)));
    }

    private static (long Heap, long Rss) Snapshot()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var proc = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(true), proc.WorkingSet64);
    }
}
