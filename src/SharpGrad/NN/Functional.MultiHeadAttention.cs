namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// The computation of <see cref="NN.MultiHeadAttention"/> (batch-first) with explicit weights, like
    /// <c>torch.nn.functional.multi_head_attention_forward</c>: q, k, v = input projections (rows 0..E, E..2E, 2E..3E of
    /// <paramref name="inProjWeight"/>), split into <paramref name="numHeads"/> heads, <see cref="ScaledDotProductAttention"/>,
    /// merge, output projection. Masks: non-zero = masked.
    /// </summary>
    /// <param name="query">(B, Tq, E).</param>
    /// <param name="key">(B, Tk, E).</param>
    /// <param name="value">(B, Tk, E).</param>
    /// <param name="numHeads">NH.</param>
    /// <param name="inProjWeight">(3E, E).</param>
    /// <param name="inProjBias">(3E) or null.</param>
    /// <param name="outProjWeight">(E, E).</param>
    /// <param name="outProjBias">(E) or null.</param>
    /// <param name="keyPaddingMask">(B, Tk), non-zero = padding.</param>
    /// <param name="needWeights">Return the attention weights.</param>
    /// <param name="attnMask">(Tq, Tk) or (B·NH, Tq, Tk), non-zero = masked.</param>
    /// <param name="averageAttnWeights">Average the weights over heads: (B, Tq, Tk); else (B, NH, Tq, Tk).</param>
    /// <param name="isCausal">Apply a causal mask too.</param>
    /// <param name="dropout">Dropout on the attention weights.</param>
    /// <param name="training">Whether dropout is active.</param>
    /// <param name="generator">Dropout generator.</param>
    public static (Tensor Output, Tensor? Weights) MultiHeadAttention(Tensor query, Tensor key, Tensor value, int numHeads,
        Tensor inProjWeight, Tensor? inProjBias, Tensor outProjWeight, Tensor? outProjBias, Tensor? keyPaddingMask = null,
        bool needWeights = false, Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false, double dropout = 0,
        bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(inProjWeight);
        ArgumentNullException.ThrowIfNull(outProjWeight);
        if (numHeads <= 0 || inProjWeight.Shape[1] % numHeads != 0)
            throw new ArgumentException($"MultiHeadAttention: embed_dim ({inProjWeight.Shape[1]}) must be a positive multiple of num_heads ({numHeads}).");
        int b = query.Shape[0], tq = query.Shape[1], tk = key.Shape[1], e = inProjWeight.Shape[1], nh = numHeads, hs = inProjWeight.Shape[1] / numHeads;
        if (query.Shape[2] != e || key.Shape[2] != e || value.Shape[2] != e)
            throw new ArgumentException($"MultiHeadAttention: the last dim of query, key and value must be embed_dim {e}.");
        Tensor q, k, v;
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            // one projection (B, T, 3E), split into three
            Tensor qkv = Tensor.Linear(query, inProjWeight, inProjBias);
            q = qkv.Narrow(2, 0, e); k = qkv.Narrow(2, e, e); v = qkv.Narrow(2, 2 * e, e);
        }
        else
        {
            q = Tensor.Linear(query, inProjWeight.Narrow(0, 0, e), inProjBias?.Narrow(0, 0, e));
            k = Tensor.Linear(key, inProjWeight.Narrow(0, e, e), inProjBias?.Narrow(0, e, e));
            v = Tensor.Linear(value, inProjWeight.Narrow(0, 2 * e, e), inProjBias?.Narrow(0, 2 * e, e));
        }
        // (B, T, E) → (B, NH, T, HS)
        q = q.Reshape(b, tq, nh, hs).Transpose(1, 2);
        k = k.Reshape(b, tk, nh, hs).Transpose(1, 2);
        v = v.Reshape(b, tk, nh, hs).Transpose(1, 2);
        Tensor? mask = null;
        if (attnMask is not null)
        {
            if (attnMask.Rank == 2) mask = attnMask;
            else if (attnMask.Rank == 3) mask = attnMask.Reshape(b, nh, tq, tk);
            else throw new ArgumentException("MultiHeadAttention: attn_mask must be (Tq, Tk) or (B·NH, Tq, Tk).");
        }
        if (keyPaddingMask is not null)
        {
            if (keyPaddingMask.Rank != 2 || keyPaddingMask.Shape[0] != b || keyPaddingMask.Shape[1] != tk)
                throw new ArgumentException($"MultiHeadAttention: key_padding_mask must be (B={b}, Tk={tk}).");
            Tensor pad = keyPaddingMask.Reshape(b, 1, 1, tk);
            mask = mask is null ? pad : mask.To(DType.Float32).Ne(0.0).Maximum(pad.To(DType.Float32).Ne(0.0));
        }
        var (y, w) = Functional.ScaledDotProductAttention(q, k, v, mask, isCausal, dropout, needWeights, training, generator);
        // (B, NH, Tq, HS) → (B, Tq, E)
        Tensor output = Tensor.Linear(y.Transpose(1, 2).Reshape(b, tq, e), outProjWeight, outProjBias);
        if (w is not null && averageAttnWeights) w = w.Mean(1);
        return (output, w);
    }
}
