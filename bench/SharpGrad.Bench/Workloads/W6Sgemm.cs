using System.Diagnostics;
using SharpGrad.Kernels;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W6: float32 GEMM throughput. C = A·B for square n×n row-major matrices of uniform random values, on 1 and 2
/// kernel threads; each figure is the median over <see cref="Repeats"/> timed repeats after a warm-up, where one
/// repeat runs enough calls to last at least <see cref="MinRepeatSeconds"/>.
/// </summary>
internal static class W6Sgemm
{
    private const int Repeats = 10;
    private const double MinRepeatSeconds = 0.05;
    private static readonly int[] Sizes = [256, 512, 1024, 2048];

    /// <summary>Prints one JSON line per (n, threads): {"workload":"W6","system":"sharpgrad","threads":…,"metric":"gflops",…}.</summary>
    public static void Run(TextWriter output)
    {
        int savedThreads = KernelThreads.Count;
        try
        {
            foreach (int n in Sizes)
            {
                var rng = new Random(6);
                float[] a = RandomMatrix(rng, n * n), b = RandomMatrix(rng, n * n), c = new float[n * n];
                foreach (int threads in ThreadCounts())
                {
                    KernelThreads.Count = threads;
                    double seconds = MedianSecondsPerCall(() => Gemm.Sgemm(false, false, n, n, n, a, n, b, n, c, n));
                    double gflops = 2.0 * n * n * n / seconds / 1e9;
                    output.WriteLine(FormattableString.Invariant(
                        $"{{\"workload\":\"W6\",\"system\":\"sharpgrad\",\"threads\":{threads},\"metric\":\"gflops\",\"value\":{gflops:F1},\"n\":{n},\"repeats\":{Repeats}}}"));
                }
            }
        }
        finally
        {
            KernelThreads.Count = savedThreads;
        }
    }

    /// <summary>
    /// Per-call time of the shapes a network's forward and backward passes produce (transposed operands, thin and
    /// tiny products); one JSON line per (shape, threads) with metric "us_per_call".
    /// </summary>
    public static void RunShapes(TextWriter output)
    {
        (string Name, bool TransA, bool TransB, int M, int N, int K)[] shapes =
        [
            ("NN", false, false, 1024, 1024, 1024),
            ("TN", true, false, 1024, 1024, 1024),
            ("NT", false, true, 1024, 1024, 1024),
            ("NN", false, false, 128, 256, 784),
            ("TN", true, false, 784, 256, 128),
            ("NT", false, true, 128, 784, 256),
            ("NN", false, false, 800, 10, 20),
            ("TN", true, false, 20, 10, 800),
            ("NT", false, true, 800, 20, 10),
            ("NN", false, false, 64, 64, 64),
        ];
        int savedThreads = KernelThreads.Count;
        try
        {
            foreach (var (name, transA, transB, m, n, k) in shapes)
            {
                var rng = new Random(6);
                float[] a = RandomMatrix(rng, m * k), b = RandomMatrix(rng, k * n), c = new float[m * n];
                int lda = transA ? m : k, ldb = transB ? k : n;
                foreach (int threads in ThreadCounts())
                {
                    KernelThreads.Count = threads;
                    double seconds = MedianSecondsPerCall(() => Gemm.Sgemm(transA, transB, m, n, k, a, lda, b, ldb, c, n));
                    output.WriteLine(FormattableString.Invariant(
                        $"{{\"workload\":\"W6-shapes\",\"system\":\"sharpgrad\",\"threads\":{threads},\"metric\":\"us_per_call\",\"value\":{seconds * 1e6:F2},\"op\":\"{name}\",\"m\":{m},\"n\":{n},\"k\":{k},\"gflops\":{2.0 * m * n * k / seconds / 1e9:F1},\"repeats\":{Repeats}}}"));
                }
            }
        }
        finally
        {
            KernelThreads.Count = savedThreads;
        }
    }

    private static IEnumerable<int> ThreadCounts() => new[] { 1, 2 }.Where(t => t <= Environment.ProcessorCount);

    private static float[] RandomMatrix(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        return values;
    }

    private static double MedianSecondsPerCall(Action call)
    {
        // Warm-up: JIT, pack buffers, worker threads; also sizes the batch so one repeat lasts MinRepeatSeconds.
        call();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.Elapsed.TotalSeconds < MinRepeatSeconds)
        {
            call();
            calls++;
        }
        int batch = Math.Max(1, (int)(calls * MinRepeatSeconds / watch.Elapsed.TotalSeconds));

        var perCall = new double[Repeats];
        for (int r = 0; r < Repeats; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
                call();
            perCall[r] = Stopwatch.GetElapsedTime(start).TotalSeconds / batch;
        }
        Array.Sort(perCall);
        return (perCall[(Repeats - 1) / 2] + perCall[Repeats / 2]) / 2;
    }
}
