using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>
/// Fused multi-head causal self-attention over a packed projection, the attention of a GPT block:
/// qkv (B, T, 3C) holds q, k and v side by side (C = NH·HS, head h in columns h·HS … of each third), and
/// y (B, T, C) = concat over heads of softmax(mask(q·kᵀ·scale))·v, where the causal mask hides keys after the query.
/// Each (batch, head) pair is an independent part; parts run on <see cref="KernelThreads"/> and never share an output
/// element, so the result is bit-identical for any thread count.
/// </summary>
/// <remarks>
/// Forward per part (P = attention probabilities, T×T, saved for the backward; zeros above the diagonal):
/// S = q·kᵀ, P_i = softmax(scale·S_i,0…i), y = P·v.
/// Backward (dy given): dv = Pᵀ·dy; dP = dy·vᵀ; dS_ij = scale·P_ij·(dP_ij − Σ_k P_ik·dP_ik) (the softmax Jacobian);
/// dq = dS·k; dk = dSᵀ·q. Heads read and write their column slices of qkv/dqkv and y/dy in place (leading dimensions
/// 3C and C), so no head is ever copied out.
/// </remarks>
public static class CausalAttention
{
    /// <summary>
    /// y (B, T, C) and the probabilities (B, NH, T, T) from qkv (B, T, 3C); all three contiguous row-major.
    /// </summary>
    /// <param name="qkv">Packed queries, keys and values.</param>
    /// <param name="y">Output, fully overwritten.</param>
    /// <param name="probs">Attention probabilities, fully overwritten (kept for <see cref="Backward{T}"/>).</param>
    /// <param name="batch">B.</param>
    /// <param name="time">T.</param>
    /// <param name="heads">NH.</param>
    /// <param name="headSize">HS (C = NH·HS).</param>
    /// <param name="scale">Score scale, usually 1/√HS.</param>
    public static void Forward<T>(T[] qkv, T[] y, T[] probs, int batch, int time, int heads, int headSize, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(qkv.Length, y.Length, probs.Length, batch, time, heads, headSize);
        var job = new Job<T>(qkv, y, probs, null, null, time, heads, headSize, scale, backward: false);
        Launch.Parallel(job, batch * heads, KernelThreads.Count);
    }

    /// <summary>
    /// dqkv (B, T, 3C) from dy (B, T, C), given the forward's qkv and probabilities. dqkv is fully overwritten.
    /// </summary>
    /// <param name="qkv">The forward's packed input.</param>
    /// <param name="probs">The forward's probabilities.</param>
    /// <param name="dy">Gradient of the output.</param>
    /// <param name="dqkv">Gradient of qkv, fully overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="time">T.</param>
    /// <param name="heads">NH.</param>
    /// <param name="headSize">HS.</param>
    /// <param name="scale">The forward's score scale.</param>
    public static void Backward<T>(T[] qkv, T[] probs, T[] dy, T[] dqkv, int batch, int time, int heads, int headSize, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check<T>(qkv.Length, dy.Length, probs.Length, batch, time, heads, headSize);
        if (dqkv.Length != qkv.Length) throw new ArgumentException($"CausalAttention: dqkv has {dqkv.Length} elements, qkv {qkv.Length}.");
        var job = new Job<T>(qkv, null, probs, dy, dqkv, time, heads, headSize, scale, backward: true);
        Launch.Parallel(job, batch * heads, KernelThreads.Count);
    }

    /// <summary>
    /// Attention of new queries over cached keys and values (generation with a KV cache): the queries are the first C
    /// columns of <paramref name="qkv"/> (B, Tq, 3C), at positions <paramref name="start"/> … start + Tq − 1; the keys and
    /// values are rows 0 … start + Tq − 1 of <paramref name="keys"/> and <paramref name="values"/> (B, capacity, C), the
    /// new positions' rows already appended. Query i sees keys 0 … start + i. Writes y (B, Tq, C). No probabilities are kept
    /// (there is no backward): each query's scores live in a scratch row.
    /// </summary>
    /// <param name="qkv">Packed projection of the new positions.</param>
    /// <param name="keys">Key buffer.</param>
    /// <param name="values">Value buffer.</param>
    /// <param name="y">Output, fully overwritten.</param>
    /// <param name="batch">B.</param>
    /// <param name="queries">Tq.</param>
    /// <param name="start">Number of positions cached before these queries.</param>
    /// <param name="capacity">Rows of the key/value buffers.</param>
    /// <param name="heads">NH.</param>
    /// <param name="headSize">HS.</param>
    /// <param name="scale">Score scale, usually 1/√HS.</param>
    public static void ForwardCached<T>(T[] qkv, T[] keys, T[] values, T[] y, int batch, int queries, int start, int capacity, int heads, int headSize, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long c = (long)heads * headSize;
        if (batch <= 0 || queries <= 0 || start < 0 || heads <= 0 || headSize <= 0 || start + queries > capacity)
            throw new ArgumentException($"CausalAttention: bad sizes (B {batch}, Tq {queries}, start {start}, capacity {capacity}, NH {heads}, HS {headSize}).");
        if (qkv.Length != batch * queries * 3 * c || y.Length != batch * queries * c || keys.Length != batch * capacity * c || values.Length != keys.Length)
            throw new ArgumentException($"CausalAttention: buffer lengths qkv {qkv.Length}, keys {keys.Length}, values {values.Length}, y {y.Length} do not fit B {batch}, Tq {queries}, capacity {capacity}, C {c}.");
        var job = new CachedJob<T>(qkv, keys, values, y, queries, start, capacity, heads, headSize, scale);
        // one new token attends over at most a few thousand values: threads would cost more than they save
        long work = (long)batch * queries * (start + queries) * c;
        KernelThreads.Run(job, batch * heads, work >= 1 << 18 ? KernelThreads.Count : 1);
    }

    private sealed class CachedJob<T>(T[] qkv, T[] keys, T[] values, T[] y, int queries, int start, int capacity, int heads, int headSize, T scale)
        : KernelThreads.Job where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal override void RunPart(int part)
        {
            int b = part / heads, h = part % heads, c = heads * headSize;
            int total = start + queries;
            T[] scratch = ArrayPool<T>.Shared.Rent(total);
            try
            {
                for (int i = 0; i < queries; i++)
                {
                    int n = start + i + 1; // keys this query sees
                    ReadOnlySpan<T> q = qkv.AsSpan((b * queries + i) * 3 * c + h * headSize, headSize);
                    Span<T> scores = scratch.AsSpan(0, n);
                    int kv = b * capacity * c + h * headSize;
                    for (int j = 0; j < n; j++)
                        scores[j] = TensorPrimitives.Dot(q, keys.AsSpan(kv + j * c, headSize)) * scale;
                    Softmax.Rows<T>(scores, scores, n, log: false);
                    Span<T> output = y.AsSpan((b * queries + i) * c + h * headSize, headSize);
                    output.Clear();
                    for (int j = 0; j < n; j++)
                        TensorPrimitives.MultiplyAdd(values.AsSpan(kv + j * c, headSize), scores[j], output, output);
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(scratch);
            }
        }
    }

    private static void Check<T>(int qkvLength, int yLength, int probsLength, int batch, int time, int heads, int headSize)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new NotSupportedException($"CausalAttention: {typeof(T).Name} is not supported (float or double).");
        if (batch <= 0 || time <= 0 || heads <= 0 || headSize <= 0)
            throw new ArgumentException($"CausalAttention: sizes must be positive (B {batch}, T {time}, NH {heads}, HS {headSize}).");
        long c = (long)heads * headSize;
        if (qkvLength != batch * time * 3 * c || yLength != batch * time * c || probsLength != (long)batch * heads * time * time)
            throw new ArgumentException($"CausalAttention: buffer lengths qkv {qkvLength}, y {yLength}, probs {probsLength} do not fit B {batch}, T {time}, NH {heads}, HS {headSize}.");
    }

    private sealed class Job<T>(T[] qkv, T[]? y, T[] probs, T[]? dy, T[]? dqkv, int time, int heads, int headSize, T scale, bool backward)
        : KernelThreads.Job where T : unmanaged, IFloatingPointIeee754<T>
    {
        internal override void RunPart(int part)
        {
            int b = part / heads, h = part % heads, c = heads * headSize, t = time;
            int ld = 3 * c;
            int rowBase = b * t * ld;
            int q = rowBase + h * headSize, k = rowBase + c + h * headSize, v = rowBase + 2 * c + h * headSize;
            int p = part * t * t;
            Span<T> pr = probs.AsSpan(p, t * t);
            if (!backward)
            {
                // S = q·kᵀ (into P), then the causal softmax row by row, then y_head = P·v
                Gemm(false, true, t, t, headSize, qkv.AsSpan(q), ld, qkv.AsSpan(k), ld, pr, t);
                for (int i = 0; i < t; i++)
                {
                    Span<T> row = pr.Slice(i * t, t);
                    Span<T> seen = row[..(i + 1)];
                    TensorPrimitives.Multiply(seen, scale, seen);
                    Softmax.Rows<T>(seen, seen, i + 1, log: false);
                    row[(i + 1)..].Clear();
                }
                Gemm(false, false, t, headSize, t, pr, t, qkv.AsSpan(v), ld, y!.AsSpan(b * t * c + h * headSize), c);
                return;
            }

            int g = b * t * c + h * headSize; // this head's columns of dy
            T[] scratch = ArrayPool<T>.Shared.Rent(t * t);
            try
            {
                Span<T> ds = scratch.AsSpan(0, t * t);
                // dv = Pᵀ·dy ; dP = dy·vᵀ
                Gemm(true, false, t, headSize, t, pr, t, dy!.AsSpan(g), c, dqkv!.AsSpan(v), ld);
                Gemm(false, true, t, t, headSize, dy.AsSpan(g), c, qkv.AsSpan(v), ld, ds, t);
                // dS = scale·P⊙(dP − rowsum(P⊙dP)); entries above the diagonal are 0 because P is
                for (int i = 0; i < t; i++)
                {
                    ReadOnlySpan<T> prow = pr.Slice(i * t, i + 1);
                    Span<T> drow = ds.Slice(i * t, t);
                    Span<T> seen = drow[..(i + 1)];
                    T dot = TensorPrimitives.Dot(prow, seen);
                    TensorPrimitives.Subtract(seen, dot, seen);
                    TensorPrimitives.Multiply(seen, prow, seen);
                    TensorPrimitives.Multiply(seen, scale, seen);
                    drow[(i + 1)..].Clear();
                }
                // dq = dS·k ; dk = dSᵀ·q
                Gemm(false, false, t, headSize, t, ds, t, qkv.AsSpan(k), ld, dqkv.AsSpan(q), ld);
                Gemm(true, false, t, headSize, t, ds, t, qkv.AsSpan(q), ld, dqkv.AsSpan(k), ld);
            }
            finally
            {
                ArrayPool<T>.Shared.Return(scratch);
            }
        }
    }

    /// <summary>The GEMM of the element type; called from inside a kernel part, so it runs on the calling thread.</summary>
    private static void Gemm<T>(bool transA, bool transB, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // the spans run to the end of their arrays; trim them to what the sizes need so the GEMM's length checks hold
        int aLen = (transA ? k - 1 : m - 1) * lda + (transA ? m : k);
        int bLen = (transB ? n - 1 : k - 1) * ldb + (transB ? k : n);
        int cLen = (m - 1) * ldc + n;
        if (typeof(T) == typeof(float))
        {
            Kernels.Gemm.Sgemm(transA, transB, m, n, k, MemoryMarshal.Cast<T, float>(a[..aLen]), lda, MemoryMarshal.Cast<T, float>(b[..bLen]), ldb,
                MemoryMarshal.Cast<T, float>(c[..cLen]), ldc);
        }
        else
        {
            Kernels.Gemm.Dgemm(transA, transB, m, n, k, MemoryMarshal.Cast<T, double>(a[..aLen]), lda, MemoryMarshal.Cast<T, double>(b[..bLen]), ldb,
                MemoryMarshal.Cast<T, double>(c[..cLen]), ldc);
        }
    }
}
