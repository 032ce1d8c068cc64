using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>
/// d = a + b over long dense float runs (residual connections, gradient accumulation), split into contiguous chunks
/// across the kernel threads. Elementwise, so the result does not depend on the thread count.
/// </summary>
internal static class ParallelAdd
{
    /// <summary>From this many elements on the add is split across threads (below, one thread is faster).</summary>
    public const int MinLength = 1 << 17;

    private const int ChunkAlignment = 64;

    /// <summary>d[dOff..] = a[aOff..] + b[bOff..] for <paramref name="length"/> elements (d may be a or b).</summary>
    public static void Run(float[] a, int aOff, float[] b, int bOff, float[] d, int dOff, int length)
    {
        int threads = KernelThreads.Count;
        if (length < MinLength || threads == 1)
        {
            TensorPrimitives.Add(a.AsSpan(aOff, length), b.AsSpan(bOff, length), d.AsSpan(dOff, length));
            return;
        }
        var job = t_job ??= new Job();
        job.Set(a, aOff, b, bOff, d, dOff, length, threads);
        KernelThreads.Run(job, threads, threads);
        job.Clear();
    }

    [ThreadStatic] private static Job? t_job;

    private sealed class Job : KernelThreads.Job
    {
        private float[] _a = [], _b = [], _d = [];
        private int _aOff, _bOff, _dOff, _length, _chunk;

        public void Set(float[] a, int aOff, float[] b, int bOff, float[] d, int dOff, int length, int parts)
        {
            (_a, _aOff, _b, _bOff, _d, _dOff, _length) = (a, aOff, b, bOff, d, dOff, length);
            int perPart = (length + parts - 1) / parts; // rounded up, so parts × chunk covers the whole length
            _chunk = (perPart + ChunkAlignment - 1) / ChunkAlignment * ChunkAlignment;
        }

        public void Clear() => _a = _b = _d = [];

        internal override void RunPart(int part)
        {
            int start = part * _chunk, count = Math.Min(_chunk, _length - start);
            if (count <= 0) return;
            TensorPrimitives.Add(_a.AsSpan(_aOff + start, count), _b.AsSpan(_bOff + start, count), _d.AsSpan(_dOff + start, count));
        }
    }
}
