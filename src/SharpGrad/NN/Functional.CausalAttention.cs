using SharpGrad.Kernels;

namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Multi-head causal self-attention from a packed projection, in one fused kernel: <paramref name="qkv"/> (B, T, 3C)
    /// holds the queries, keys and values side by side (as produced by a C → 3C linear layer such as GPT's <c>c_attn</c>),
    /// and the result (B, T, C) is the heads' outputs side by side — the same as splitting qkv into q, k, v, viewing each as
    /// (B, NH, T, HS), calling <see cref="ScaledDotProductAttention"/> with <c>isCausal: true</c> and merging the heads back,
    /// but without the intermediate copies, masks and graph nodes. The backward is hand-written (see
    /// <see cref="CausalAttention"/>); the attention probabilities (B, NH, T, T) are kept for it.
    /// </summary>
    /// <param name="qkv">(B, T, 3C), Float32 or Float64; C must be divisible by <paramref name="heads"/>.</param>
    /// <param name="heads">Number of heads NH.</param>
    /// <param name="scale">Score scale; 1/√HS when null.</param>
    /// <returns>(B, T, C).</returns>
    /// <exception cref="ShapeMismatchException">qkv is not (B, T, 3C) with C divisible by the heads.</exception>
    public static Tensor CausalSelfAttention(Tensor qkv, int heads, double? scale = null)
    {
        ArgumentNullException.ThrowIfNull(qkv);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (qkv.Rank != 3 || qkv.Shape[2] % (3 * heads) != 0)
            throw new ShapeMismatchException($"CausalSelfAttention: expected qkv of shape (B, T, 3C) with C divisible by {heads} heads, got {Shape.Format(qkv.Shape)}.");
        qkv.RequireFloating("CausalSelfAttention");
        int b = qkv.Shape[0], t = qkv.Shape[1], c = qkv.Shape[2] / 3, hs = c / heads;
        double s = scale ?? 1.0 / Math.Sqrt(hs);
        // the kernel reads whole arrays
        Tensor x = qkv.WholeStorageRaw();
        DType dtype = qkv.DType;
        Tensor y = new Tensor(Storage.AllocateUninitialized(dtype, b * t * c), [b, t, c]);
        Tensor probs = new Tensor(Storage.AllocateUninitialized(dtype, b * heads * t * t), [b, heads, t, t]);
        if (dtype == DType.Float32)
            CausalAttention.Forward((float[])x.Storage.Data, (float[])y.Storage.Data, (float[])probs.Storage.Data, b, t, heads, hs, (float)s);
        else
            CausalAttention.Forward((double[])x.Storage.Data, (double[])y.Storage.Data, (double[])probs.Storage.Data, b, t, heads, hs, s);
        return y.Record("CausalSelfAttentionBackward", [qkv], gy =>
        {
            Tensor g = gy.WholeStorageRaw();
            Tensor dqkv = new Tensor(Storage.AllocateUninitialized(dtype, b * t * 3 * c), [b, t, 3 * c]);
            if (dtype == DType.Float32)
                CausalAttention.Backward((float[])x.Storage.Data, (float[])probs.Storage.Data, (float[])g.Storage.Data, (float[])dqkv.Storage.Data, b, t, heads, hs, (float)s);
            else
                CausalAttention.Backward((double[])x.Storage.Data, (double[])probs.Storage.Data, (double[])g.Storage.Data, (double[])dqkv.Storage.Data, b, t, heads, hs, s);
            return [dqkv];
        }, qkv);
    }

    /// <summary>
    /// Causal self-attention of new positions over a <see cref="KvCache"/> (block <paramref name="layer"/>): appends the new
    /// keys and values from <paramref name="qkv"/> (B, Tnew, 3C) to the cache, then lets each new query attend to every
    /// cached position and to the new ones up to itself. Returns (B, Tnew, C). Under no-grad (generation) this runs one
    /// fused kernel; when a gradient is needed it is composed from differentiable ops, and the gradient reaches qkv through
    /// the queries only (the cache, new keys and values included, is detached).
    /// </summary>
    /// <param name="qkv">(B, Tnew, 3C).</param>
    /// <param name="heads">Number of heads NH.</param>
    /// <param name="cache">The cache (its length is the position of the first new token).</param>
    /// <param name="layer">The block whose keys/values to use.</param>
    internal static Tensor CachedCausalSelfAttention(Tensor qkv, int heads, KvCache cache, int layer)
    {
        int b = qkv.Shape[0], t = qkv.Shape[1], c = qkv.Shape[2] / 3, hs = c / heads, start = cache.Length;
        var (keys, values) = cache.AppendPacked(layer, qkv);
        int capacity = keys.Shape[1];
        double scale = 1.0 / Math.Sqrt(hs);
        if (!Autograd.IsGradEnabled || !qkv.RequiresGrad)
        {
            Tensor x = qkv.WholeStorageRaw();
            var y = new Tensor(Storage.AllocateUninitialized(qkv.DType, b * t * c), [b, t, c]);
            if (qkv.DType == DType.Float32)
                CausalAttention.ForwardCached((float[])x.Storage.Data, (float[])keys.Storage.Data, (float[])values.Storage.Data, (float[])y.Storage.Data, b, t, start, capacity, heads, hs, (float)scale);
            else
                CausalAttention.ForwardCached((double[])x.Storage.Data, (double[])keys.Storage.Data, (double[])values.Storage.Data, (double[])y.Storage.Data, b, t, start, capacity, heads, hs, scale);
            return y;
        }
        // differentiable composition (queries from qkv; keys/values from the detached cache)
        int len = start + t;
        Tensor q = qkv.Narrow(2, 0, c).Reshape(b, t, heads, hs).Transpose(1, 2);             // (B, NH, Tnew, HS)
        Tensor k = keys.Narrow(1, 0, len).Contiguous().Reshape(b, len, heads, hs).Transpose(1, 2); // (B, NH, len, HS)
        Tensor v = values.Narrow(1, 0, len).Contiguous().Reshape(b, len, heads, hs).Transpose(1, 2);
        var (output, _) = ScaledDotProductAttention(q, k, v, isCausal: true);
        return output.Transpose(1, 2).Reshape(b, t, c);
    }
}
