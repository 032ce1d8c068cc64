namespace SharpGrad.NN;

/// <summary>
/// A Transformer decoder layer, like <c>torch.nn.TransformerDecoderLayer</c> (names <c>self_attn</c>,
/// <c>multihead_attn</c>, <c>linear1</c>, <c>linear2</c>, <c>norm1..3</c>): self-attention over the target, cross-attention
/// to the encoder output (memory), feed-forward; post-norm by default, pre-norm with <c>normFirst</c>. Input
/// (B, T, d_model), memory (B, S, d_model) with batch_first.
/// </summary>
public sealed class TransformerDecoderLayer : Module
{
    private readonly string _activation;

    /// <summary>Self-attention over the target.</summary>
    public MultiHeadAttention SelfAttn { get; }

    /// <summary>Cross-attention to the memory.</summary>
    public MultiHeadAttention MultiheadAttn { get; }

    /// <summary>d_model → dim_feedforward.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout inside the feed-forward block.</summary>
    public Dropout Dropout { get; }

    /// <summary>dim_feedforward → d_model.</summary>
    public Linear Linear2 { get; }

    /// <summary>LayerNorm around self-attention.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>LayerNorm around cross-attention.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>LayerNorm around the feed-forward block.</summary>
    public LayerNorm Norm3 { get; }

    /// <summary>Dropout on the self-attention branch.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the cross-attention branch.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Dropout on the feed-forward branch.</summary>
    public Dropout Dropout3 { get; }

    /// <summary>Pre-norm when true, post-norm otherwise.</summary>
    public bool NormFirst { get; }

    /// <summary>Creates the layer; <paramref name="activation"/> is "relu" or "gelu".</summary>
    public TransformerDecoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = true, bool normFirst = false, bool bias = true, Generator? generator = null)
    {
        _activation = TransformerEncoderLayer.CheckActivation(activation);
        NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiHeadAttention(dModel, nhead, bias, dropout, batchFirst, generator));
        MultiheadAttn = RegisterModule("multihead_attn", new MultiHeadAttention(dModel, nhead, bias, dropout, batchFirst, generator));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Norm3 = RegisterModule("norm3", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, generator));
        Dropout3 = RegisterModule("dropout3", new Dropout(dropout, generator));
    }

    /// <summary>Self-attention only (no memory), causal: a decoder-only use.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, tgtIsCausal: true);

    /// <summary>Decodes <paramref name="tgt"/> attending to <paramref name="memory"/>; masks: non-zero = masked.</summary>
    /// <param name="tgt">(B, T, d_model).</param>
    /// <param name="memory">(B, S, d_model).</param>
    /// <param name="tgtMask">(T, T) self-attention mask.</param>
    /// <param name="memoryMask">(T, S) cross-attention mask.</param>
    /// <param name="tgtKeyPaddingMask">(B, T).</param>
    /// <param name="memoryKeyPaddingMask">(B, S).</param>
    /// <param name="tgtIsCausal">Causal self-attention.</param>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        Tensor x = tgt;
        if (NormFirst)
        {
            x = x + SelfBlock(Norm1.Forward(x), tgtMask, tgtKeyPaddingMask, tgtIsCausal);
            x = x + CrossBlock(Norm2.Forward(x), memory, memoryMask, memoryKeyPaddingMask);
            x = x + FeedForward(Norm3.Forward(x));
        }
        else
        {
            x = Norm1.Forward(x + SelfBlock(x, tgtMask, tgtKeyPaddingMask, tgtIsCausal));
            x = Norm2.Forward(x + CrossBlock(x, memory, memoryMask, memoryKeyPaddingMask));
            x = Norm3.Forward(x + FeedForward(x));
        }
        return x;
    }

    private Tensor SelfBlock(Tensor x, Tensor? mask, Tensor? padding, bool isCausal) =>
        Dropout1.Forward(SelfAttn.Forward(x, x, x, padding, attnMask: mask, isCausal: isCausal).Output);

    private Tensor CrossBlock(Tensor x, Tensor memory, Tensor? mask, Tensor? padding) =>
        Dropout2.Forward(MultiheadAttn.Forward(x, memory, memory, padding, attnMask: mask).Output);

    private Tensor FeedForward(Tensor x) =>
        Dropout3.Forward(Linear2.Forward(Dropout.Forward(TransformerEncoderLayer.Activate(Linear1.Forward(x), _activation))));
}
