using System.Diagnostics;

namespace SharpGrad.Kernels;

/// <summary>
/// The threads that compute kernels (GEMM today). A small pool of persistent worker threads that spin briefly
/// after each job and then block, so back-to-back kernel calls pay no thread start-up and no per-call allocation.
/// </summary>
/// <remarks>
/// Kernels split their work into parts that never divide a reduction (GEMM splits rows or columns of C, never k),
/// so results are bit-identical whatever <see cref="Count"/> is. A kernel called while the pool is busy
/// (another thread's kernel, or a kernel called from inside a kernel) runs on its calling thread alone.
/// </remarks>
public static class KernelThreads
{
    // How long an idle worker spins before it blocks: long enough to cover the gap between back-to-back
    // kernel calls in a training step (a blocked worker must be woken through the monitor, which the profile shows), short enough
    // not to steal a core for long from other work. W5 training: 50 µs → 300 µs gave 5,763 → 6,061 tokens/s (means of
    // three alternating runs each), a gain inside the machine's run-to-run noise.
    private const double SpinMicroseconds = 300;

    private static int _count = Environment.ProcessorCount;

    // 1 while a dispatch is in progress; Interlocked (not Monitor, which is re-entrant) so that a kernel started from
    // inside a job part, even on the dispatching thread, runs alone instead of overwriting the current job.
    private static int _dispatching;
    private static Worker[] _workers = [];

    // The job being run; written by the dispatcher before workers are woken.
    private static Job? _job;
    private static int _parts;
    private static int _nextPart;
    private static int _pendingWorkers;
    private static Exception? _error;

    /// <summary>
    /// The number of threads a kernel may use, the calling thread included: 1 to <see cref="Environment.ProcessorCount"/>.
    /// Defaults to <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above <see cref="Environment.ProcessorCount"/>.</exception>
    public static int Count
    {
        get => Volatile.Read(ref _count);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, Environment.ProcessorCount);
            Volatile.Write(ref _count, value);
        }
    }

    /// <summary>A unit of parallel work: parts 0..parts-1, each independent of the others.</summary>
    internal abstract class Job
    {
        /// <summary>Runs one part; may be called on any pool thread.</summary>
        internal abstract void RunPart(int part);
    }

    /// <summary>
    /// Elements per part when <paramref name="length"/> elements are split into <paramref name="parts"/> contiguous chunks
    /// aligned to <paramref name="alignment"/>: length / parts rounded up, then to the alignment, so parts × chunk ≥ length.
    /// </summary>
    internal static int ChunkSize(int length, int parts, int alignment)
    {
        int perPart = (length + parts - 1) / parts;
        return (perPart + alignment - 1) / alignment * alignment;
    }

    /// <summary>
    /// Runs parts 0..<paramref name="parts"/>-1 of <paramref name="job"/> on up to <paramref name="threads"/> threads
    /// (the caller included) and returns when all are done. Which thread runs which part is not fixed.
    /// </summary>
    internal static void Run(Job job, int parts, int threads)
    {
        threads = Math.Min(threads, parts);
        if (threads <= 1 || Interlocked.CompareExchange(ref _dispatching, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++)
                job.RunPart(part);
            return;
        }

        try
        {
            int helpers = threads - 1;
            EnsureWorkers(helpers);
            _job = job;
            _parts = parts;
            _nextPart = 0;
            _error = null;
            Volatile.Write(ref _pendingWorkers, helpers);
            for (int w = 0; w < helpers; w++)
                _workers[w].Offer();

            RunParts();

            // All parts are claimed. Withdraw the offer from workers that have not joined yet (descheduled, or still
            // waking up) so the caller never waits for a thread that has nothing left to do; then wait for the
            // workers that did join to finish their parts.
            for (int w = 0; w < helpers; w++)
            {
                if (_workers[w].Withdraw())
                    Interlocked.Decrement(ref _pendingWorkers);
            }
            var spinner = new SpinWait();
            while (Volatile.Read(ref _pendingWorkers) != 0)
                spinner.SpinOnce(sleep1Threshold: -1);

            _job = null;
            if (_error is { } error)
                throw new AggregateException("A kernel worker thread failed.", error);
        }
        finally
        {
            Volatile.Write(ref _dispatching, 0);
        }
    }

    private static void RunParts()
    {
        var job = _job!;
        int parts = _parts;
        try
        {
            int part;
            while ((part = Interlocked.Increment(ref _nextPart) - 1) < parts)
                job.RunPart(part);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
            // Make the remaining parts unclaimable so everyone stops early.
            Volatile.Write(ref _nextPart, parts);
        }
    }

    private static void EnsureWorkers(int needed)
    {
        if (_workers.Length >= needed)
            return;
        var grown = new Worker[needed];
        Array.Copy(_workers, grown, _workers.Length);
        for (int w = _workers.Length; w < needed; w++)
            grown[w] = new Worker(w);
        _workers = grown;
    }

    private sealed class Worker
    {
        private const int Idle = 0, Offered = 1, Joined = 2;

        private readonly object _gate = new();
        private int _state;
        private int _sleeping;

        internal Worker(int index)
        {
            var thread = new Thread(Loop, maxStackSize: 1 << 20)
            {
                IsBackground = true,
                Name = $"SharpGrad kernel worker {index + 1}",
            };
            thread.Start();
        }

        /// <summary>Offers the current job to this worker (dispatcher only).</summary>
        internal void Offer()
        {
            // Full fence (Interlocked) before reading _sleeping; the worker fences before re-reading _state:
            // at least one side sees the other's write, so a wake-up is never lost.
            Interlocked.Exchange(ref _state, Offered);
            if (Volatile.Read(ref _sleeping) != 0)
            {
                lock (_gate)
                    Monitor.Pulse(_gate);
            }
        }

        /// <summary>Takes back an offer the worker has not accepted; true when it had not joined.</summary>
        internal bool Withdraw() => Interlocked.CompareExchange(ref _state, Idle, Offered) == Offered;

        private void Loop()
        {
            long spinTicks = (long)(SpinMicroseconds * Stopwatch.Frequency / 1_000_000);
            while (true)
            {
                long start = Stopwatch.GetTimestamp();
                while (Volatile.Read(ref _state) != Offered)
                {
                    if (Stopwatch.GetTimestamp() - start < spinTicks)
                    {
                        Thread.SpinWait(8);
                        continue;
                    }
                    lock (_gate)
                    {
                        Interlocked.Exchange(ref _sleeping, 1);
                        while (Volatile.Read(ref _state) != Offered)
                            Monitor.Wait(_gate);
                        Volatile.Write(ref _sleeping, 0);
                    }
                }

                // Join unless the dispatcher withdrew the offer meanwhile.
                if (Interlocked.CompareExchange(ref _state, Joined, Offered) != Offered)
                    continue;
                RunParts();
                Volatile.Write(ref _state, Idle);
                Interlocked.Decrement(ref _pendingWorkers);
            }
        }
    }
}
