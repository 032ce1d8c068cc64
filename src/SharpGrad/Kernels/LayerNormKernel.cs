using System.Numerics;
using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>
/// Fused layer normalisation over contiguous rows of length d, forward and backward, for float32 and float64.
/// Forward: μ = mean(x), σ² = mean((x − μ)²) (biased), rstd = 1/√(σ² + ε), y = (x − μ)·rstd·w + b, with μ and rstd kept
/// for the backward (like PyTorch's <c>native_layer_norm</c>). Backward, with x̂ = (x − μ)·rstd and gw = g·w:
/// dx = rstd·(gw − mean(gw) − x̂·mean(gw·x̂)), dw = Σ_rows g·x̂, db = Σ_rows g.
/// </summary>
/// <remarks>
/// <para>Each row is a few vectorised <see cref="TensorPrimitives"/> passes over data that stays in L1.</para>
/// <para><b>Threads and determinism.</b> Rows are cut into a number of chunks that depends on the shape only; chunks run on
/// <see cref="KernelThreads"/> when the tensor is large. y and dx are per row, so any split gives the same bits. dw and db
/// are sums over rows: each chunk sums its rows in order into its own partial buffer and the partials are added in chunk
/// order, so results are bit-identical for any <see cref="KernelThreads.Count"/>.</para>
/// </remarks>
public static class LayerNormKernel
{
    // Below this many elements the work runs on the calling thread alone.
    private const int ParallelMinElements = 1 << 15;
    // Rows per chunk cover at least this many elements, and there are at most MaxChunks chunks.
    private const int ChunkMinElements = 1 << 13;
    private const int MaxChunks = 16;

    /// <summary>
    /// y = (x − μ)·rstd·w + b over each row of length <paramref name="d"/>; writes μ to <paramref name="mean"/> and rstd to
    /// <paramref name="rstd"/> (one per row). An empty <paramref name="weight"/> or <paramref name="bias"/> means none.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit rows of length d.</exception>
    public static void Forward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, int d, T eps,
        Memory<T> y, Memory<T> mean, Memory<T> rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Rows(x.Length, d);
        Check(y.Length == x.Length, $"output length {y.Length} differs from input length {x.Length}");
        Check(mean.Length == rows && rstd.Length == rows, $"mean and rstd need {rows} elements (got {mean.Length} and {rstd.Length})");
        Check(weight.Length is 0 || weight.Length == d, $"weight length {weight.Length} differs from the row length {d}");
        Check(bias.Length is 0 || bias.Length == d, $"bias length {bias.Length} differs from the row length {d}");
        if (rows == 0) return;
        Launch.Run((x, weight, bias, d, eps, y, mean, rstd), static s => ForwardNow(s.x, s.weight, s.bias, s.d, s.eps, s.y, s.mean, s.rstd));
    }

    private static void ForwardNow<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> bias, int d, T eps,
        Memory<T> y, Memory<T> mean, Memory<T> rstd) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = x.Length / d;
        var job = ForwardJob<T>.Instance ??= new ForwardJob<T>();
        int chunks = Chunks(rows, d);
        job.Set(x, weight, bias, d, eps, y, mean, rstd, rows, chunks);
        try { KernelThreads.Run(job, chunks, Threads(rows, d)); }
        finally { job.Clear(); }
    }

    /// <summary>
    /// The gradients of <see cref="Forward{T}"/> from the output gradient <paramref name="g"/> and the saved
    /// <paramref name="mean"/> and <paramref name="rstd"/>: dx (same length as x), dweight and dbias (length d), each written
    /// (not accumulated) when not empty. <paramref name="weight"/> is empty when the forward had none.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit rows of length d.</exception>
    public static void Backward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> mean, ReadOnlyMemory<T> rstd,
        ReadOnlyMemory<T> g, int d, Memory<T> dx, Memory<T> dweight, Memory<T> dbias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = Rows(x.Length, d);
        Check(g.Length == x.Length, $"gradient length {g.Length} differs from input length {x.Length}");
        Check(dx.Length is 0 || dx.Length == x.Length, $"dx length {dx.Length} differs from input length {x.Length}");
        Check(mean.Length == rows && rstd.Length == rows, $"mean and rstd need {rows} elements (got {mean.Length} and {rstd.Length})");
        Check(weight.Length is 0 || weight.Length == d, $"weight length {weight.Length} differs from the row length {d}");
        Check(dweight.Length is 0 || dweight.Length == d, $"dweight length {dweight.Length} differs from the row length {d}");
        Check(dbias.Length is 0 || dbias.Length == d, $"dbias length {dbias.Length} differs from the row length {d}");
        Launch.Run((x, weight, mean, rstd, g, d, dx, dweight, dbias), static s => BackwardNow(s.x, s.weight, s.mean, s.rstd, s.g, s.d, s.dx, s.dweight, s.dbias));
    }

    private static void BackwardNow<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> weight, ReadOnlyMemory<T> mean, ReadOnlyMemory<T> rstd,
        ReadOnlyMemory<T> g, int d, Memory<T> dx, Memory<T> dweight, Memory<T> dbias) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = x.Length / d;
        if (rows == 0)
        {
            dweight.Span.Clear();
            dbias.Span.Clear();
            return;
        }
        bool dw = dweight.Length > 0, db = dbias.Length > 0;
        int chunks = Chunks(rows, d);
        int stride = (dw ? d : 0) + (db ? d : 0);
        T[] partials = stride == 0 ? [] : Buffers<T>.Get(ref Buffers<T>.Partials, chunks * stride);
        var job = BackwardJob<T>.Instance ??= new BackwardJob<T>();
        job.Set(x, weight, mean, rstd, g, d, dx, dw, db, partials, stride, rows, chunks);
        try { KernelThreads.Run(job, chunks, Threads(rows, d)); }
        finally { job.Clear(); }

        // Add the chunks' partial sums in chunk order (fixed by the shape, so independent of the thread count).
        if (dw) SumPartials(partials, 0, stride, chunks, dweight.Span);
        if (db) SumPartials(partials, dw ? d : 0, stride, chunks, dbias.Span);
    }

    private static void SumPartials<T>(T[] partials, int offset, int stride, int chunks, Span<T> dst) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int d = dst.Length;
        partials.AsSpan(offset, d).CopyTo(dst);
        for (int c = 1; c < chunks; c++) TensorPrimitives.Add(dst, partials.AsSpan(c * stride + offset, d), dst);
    }

    private static int Rows(int length, int d)
    {
        Check(d >= 1, $"the row length must be positive, got {d}");
        Check(length % d == 0, $"input length {length} is not a multiple of the row length {d}");
        return length / d;
    }

    private static void Check(bool ok, string message)
    {
        if (!ok) throw new ArgumentException("LayerNormKernel: " + message + ".");
    }

    /// <summary>The number of chunks: a function of the shape only (never of the thread count).</summary>
    private static int Chunks(int rows, int d) => (int)Math.Clamp((long)rows * d / ChunkMinElements, 1, Math.Min(MaxChunks, rows));

    private static int Threads(int rows, int d) => (long)rows * d < ParallelMinElements ? 1 : KernelThreads.Count;

    /// <summary>First row of chunk <paramref name="c"/> (of <paramref name="chunks"/>) over <paramref name="rows"/> rows.</summary>
    private static int ChunkStart(int c, int chunks, int rows) => (int)((long)c * rows / chunks);

    /// <summary>One row of the forward; returns μ and rstd.</summary>
    private static (T Mean, T Rstd) ForwardRow<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, T eps, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(x.Length);
        T mean = TensorPrimitives.Sum(x) / n;
        TensorPrimitives.Subtract(x, mean, y);                        // y = x − μ
        T variance = TensorPrimitives.SumOfSquares<T>(y) / n;         // biased, two-pass (never negative)
        T rstd = T.One / T.Sqrt(variance + eps);
        TensorPrimitives.Multiply(y, rstd, y);                        // y = x̂
        if (w.Length > 0)
        {
            if (b.Length > 0) TensorPrimitives.MultiplyAdd(y, w, b, y);
            else TensorPrimitives.Multiply(y, w, y);
        }
        else if (b.Length > 0)
        {
            TensorPrimitives.Add(y, b, y);
        }
        return (mean, rstd);
    }

    private sealed class ForwardJob<T> : KernelThreads.Job where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] internal static ForwardJob<T>? Instance;
        private ReadOnlyMemory<T> _x, _w, _b;
        private Memory<T> _y, _mean, _rstd;
        private T _eps;
        private int _d, _rows, _chunks;

        public void Set(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, ReadOnlyMemory<T> b, int d, T eps, Memory<T> y, Memory<T> mean, Memory<T> rstd, int rows, int chunks) =>
            (_x, _w, _b, _d, _eps, _y, _mean, _rstd, _rows, _chunks) = (x, w, b, d, eps, y, mean, rstd, rows, chunks);

        public void Clear() { _x = _w = _b = default; _y = _mean = _rstd = default; }

        internal override void RunPart(int chunk)
        {
            int first = ChunkStart(chunk, _chunks, _rows), end = ChunkStart(chunk + 1, _chunks, _rows), d = _d;
            ReadOnlySpan<T> x = _x.Span, w = _w.Span, b = _b.Span;
            Span<T> y = _y.Span, mean = _mean.Span, rstd = _rstd.Span;
            for (int r = first; r < end; r++)
                (mean[r], rstd[r]) = ForwardRow(x.Slice(r * d, d), w, b, _eps, y.Slice(r * d, d));
        }
    }

    private sealed class BackwardJob<T> : KernelThreads.Job where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] internal static BackwardJob<T>? Instance;
        private ReadOnlyMemory<T> _x, _w, _mean, _rstd, _g;
        private Memory<T> _dx;
        private T[] _partials = [];
        private bool _dw, _db;
        private int _d, _stride, _rows, _chunks;

        public void Set(ReadOnlyMemory<T> x, ReadOnlyMemory<T> w, ReadOnlyMemory<T> mean, ReadOnlyMemory<T> rstd, ReadOnlyMemory<T> g, int d,
            Memory<T> dx, bool dw, bool db, T[] partials, int stride, int rows, int chunks) =>
            (_x, _w, _mean, _rstd, _g, _d, _dx, _dw, _db, _partials, _stride, _rows, _chunks) = (x, w, mean, rstd, g, d, dx, dw, db, partials, stride, rows, chunks);

        public void Clear() { _x = _w = _mean = _rstd = _g = default; _dx = default; _partials = []; }

        internal override void RunPart(int chunk)
        {
            int first = ChunkStart(chunk, _chunks, _rows), end = ChunkStart(chunk + 1, _chunks, _rows), d = _d;
            ReadOnlySpan<T> x = _x.Span, w = _w.Span, mean = _mean.Span, rstd = _rstd.Span, g = _g.Span;
            Span<T> dx = _dx.Span;
            Span<T> dwPart = _dw ? _partials.AsSpan(chunk * _stride, d) : default;
            Span<T> dbPart = _db ? _partials.AsSpan(chunk * _stride + (_dw ? d : 0), d) : default;
            T[] scratch = Buffers<T>.Get(ref Buffers<T>.Row, 2 * d);
            Span<T> xhat = scratch.AsSpan(0, d), gw = scratch.AsSpan(d, d);
            T n = T.CreateTruncating(d);
            for (int r = first; r < end; r++)
            {
                ReadOnlySpan<T> xr = x.Slice(r * d, d), gr = g.Slice(r * d, d);
                T rs = rstd[r];
                TensorPrimitives.Subtract(xr, mean[r], xhat);
                TensorPrimitives.Multiply(xhat, rs, xhat);                      // x̂
                bool firstRow = r == first;
                if (_dw)
                {
                    if (firstRow) TensorPrimitives.Multiply(gr, xhat, dwPart);
                    else TensorPrimitives.MultiplyAdd(gr, xhat, dwPart, dwPart); // Σ g·x̂
                }
                if (_db)
                {
                    if (firstRow) gr.CopyTo(dbPart);
                    else TensorPrimitives.Add(dbPart, gr, dbPart);              // Σ g
                }
                if (dx.IsEmpty) continue;
                ReadOnlySpan<T> gwr = gr;
                if (!w.IsEmpty)
                {
                    TensorPrimitives.Multiply(gr, w, gw);
                    gwr = gw;
                }
                T meanGw = TensorPrimitives.Sum(gwr) / n, meanGwXhat = TensorPrimitives.Dot(gwr, xhat) / n;
                Span<T> dxr = dx.Slice(r * d, d);
                TensorPrimitives.MultiplyAdd(xhat, -meanGwXhat, gwr, dxr);      // gw − x̂·mean(gw·x̂)
                TensorPrimitives.Subtract(dxr, meanGw, dxr);                    //    − mean(gw)
                TensorPrimitives.Multiply(dxr, rs, dxr);                        // ·rstd
            }
        }
    }

    /// <summary>Buffers reused across calls (grown, never shrunk): per-thread row scratch, and the caller's partial sums.</summary>
    private static class Buffers<T> where T : unmanaged
    {
        [ThreadStatic] internal static T[]? Row;
        [ThreadStatic] internal static T[]? Partials;

        internal static T[] Get(ref T[]? buffer, int length)
        {
            if (buffer is null || buffer.Length < length) buffer = new T[Math.Max(length, (buffer?.Length ?? 0) * 3 / 2)];
            return buffer;
        }
    }
}
