namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// Scaled dot-product attention softmax(q·kᵀ/√HS + masks)·v, like <c>torch.nn.functional.scaled_dot_product_attention</c>.
    /// q (B, NH, Tq, HS), k (B, NH, Tk, HS), v (B, NH, Tk, HSv) → (B, NH, Tq, HSv); any leading dims work as long as they
    /// broadcast in the batched matrix product.
    /// <para>
    /// <b>Mask convention:</b> <paramref name="mask"/> is a 0/1 tensor (any dtype) broadcastable to (…, Tq, Tk) in which a
    /// <em>non-zero entry means "masked out"</em> (the score becomes −inf). This is the convention of
    /// <c>nn.MultiheadAttention</c>'s boolean <c>attn_mask</c>/<c>key_padding_mask</c>, and the <em>opposite</em> of
    /// PyTorch's <c>scaled_dot_product_attention</c>, whose boolean mask marks the positions that may be attended.
    /// A key-padding mask (B, Tk) is passed as <c>mask.View(B, 1, 1, Tk)</c>.
    /// </para>
    /// <para>
    /// <paramref name="isCausal"/>: query i may attend key j only when j ≤ i + (Tk − Tq), i.e. the queries are the last Tq
    /// positions of the key sequence (this is what a KV cache needs: Tq new tokens after Tk − Tq cached ones). A row in which
    /// every key is masked gives zeros (PyTorch gives NaN).
    /// </para>
    /// </summary>
    /// <param name="q">Queries (B, NH, Tq, HS).</param>
    /// <param name="k">Keys (B, NH, Tk, HS).</param>
    /// <param name="v">Values (B, NH, Tk, HSv).</param>
    /// <param name="mask">Optional mask, non-zero = masked, broadcastable to (B, NH, Tq, Tk).</param>
    /// <param name="isCausal">Apply the causal mask (requires Tq ≤ Tk).</param>
    /// <param name="dropout">Dropout probability on the attention weights (applied only when <paramref name="training"/>).</param>
    /// <param name="returnWeights">Also return the attention weights (B, NH, Tq, Tk) (after masking, before dropout).</param>
    /// <param name="training">Whether dropout is active.</param>
    /// <param name="generator">Generator for the dropout mask.</param>
    /// <param name="scale">Score scale; 1/√HS when null.</param>
    public static (Tensor Output, Tensor? Weights) ScaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor? mask = null,
        bool isCausal = false, double dropout = 0, bool returnWeights = false, bool training = true, Generator? generator = null,
        double? scale = null)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(k);
        ArgumentNullException.ThrowIfNull(v);
        if (q.Rank < 2 || k.Rank < 2 || v.Rank < 2)
            throw new ArgumentException("ScaledDotProductAttention: q, k and v need at least 2 dims (…, T, HS).");
        int tq = q.Shape[^2], tk = k.Shape[^2], hs = q.Shape[^1];
        if (k.Shape[^1] != hs)
            throw new ArgumentException($"ScaledDotProductAttention: q's head size {hs} differs from k's {k.Shape[^1]}.");
        if (v.Shape[^2] != tk)
            throw new ArgumentException($"ScaledDotProductAttention: k has {tk} positions but v has {v.Shape[^2]}.");
        double s = scale ?? 1.0 / Math.Sqrt(hs);
        // scores (B, NH, Tq, Tk)
        Tensor scores = q.MatMul(k.Transpose(-2, -1)).MulScalar(s);
        if (isCausal)
        {
            if (tq > tk) throw new ArgumentException($"ScaledDotProductAttention: a causal mask needs Tq ({tq}) ≤ Tk ({tk}).");
            if (tq > 1) scores = scores.MaskedFill(CausalMask(tq, tk), double.NegativeInfinity); // one query (the last position) sees every key
        }
        if (mask is not null) scores = scores.MaskedFill(mask, double.NegativeInfinity);
        Tensor weights = scores.Softmax(-1);
        Tensor attn = dropout > 0 && training ? weights.Dropout(dropout, true, generator) : weights;
        Tensor output = attn.MatMul(v);
        return (output, returnWeights ? weights : null);
    }

    /// <summary>
    /// The causal mask (Tq, Tk) as Float32, 1 = masked: entry (i, j) is 1 when j &gt; i + (Tk − Tq) (the queries are the
    /// last Tq of the Tk positions).
    /// </summary>
    public static Tensor CausalMask(int tq, int tk)
    {
        if (tq <= 0 || tk <= 0 || tq > tk) throw new ArgumentOutOfRangeException(nameof(tq), $"CausalMask: need 0 < Tq ({tq}) ≤ Tk ({tk}).");
        var data = new float[tq * tk];
        int offset = tk - tq;
        for (int i = 0; i < tq; i++)
            for (int j = i + offset + 1; j < tk; j++) data[i * tk + j] = 1;
        return Tensor.FromArray(data, tq, tk);
    }
}
