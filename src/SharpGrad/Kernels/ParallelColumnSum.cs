using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>
/// y[j] = Σ_r x[r, j] over a tall (n × inner) block (a linear layer's bias gradient over all tokens), the columns split
/// across the kernel threads. Every column is summed in row order, as <see cref="Reduce.Axis{T}"/> does, so the result is
/// the same bits whatever the thread count.
/// </summary>
internal static class ParallelColumnSum
{
    /// <summary>Blocks narrower than this stay on one thread.</summary>
    public const int MinInner = 128;

    public static void Run(float[] x, int xOff, int n, int inner, float[] y, int yOff) =>
        Launch.Run((x, xOff, n, inner, y, yOff), static s => RunNow(s.x, s.xOff, s.n, s.inner, s.y, s.yOff));

    private static void RunNow(float[] x, int xOff, int n, int inner, float[] y, int yOff)
    {
        int threads = KernelThreads.Count;
        var job = t_job ??= new Job();
        job.Set(x, xOff, n, inner, y, yOff, threads);
        KernelThreads.Run(job, threads, threads);
        job.Clear();
    }

    [ThreadStatic] private static Job? t_job;

    private sealed class Job : KernelThreads.Job
    {
        private float[] _x = [], _y = [];
        private int _xOff, _n, _inner, _yOff, _chunk;

        public void Set(float[] x, int xOff, int n, int inner, float[] y, int yOff, int parts)
        {
            (_x, _xOff, _n, _inner, _y, _yOff) = (x, xOff, n, inner, y, yOff);
            _chunk = KernelThreads.ChunkSize(inner, parts, 16);
        }

        public void Clear() => _x = _y = [];

        internal override void RunPart(int part)
        {
            int c0 = part * _chunk, count = Math.Min(_chunk, _inner - c0);
            if (count <= 0) return;
            Span<float> dst = _y.AsSpan(_yOff + c0, count);
            _x.AsSpan(_xOff + c0, count).CopyTo(dst);
            for (int r = 1; r < _n; r++) TensorPrimitives.Add(dst, _x.AsSpan(_xOff + r * _inner + c0, count), dst);
        }
    }
}
