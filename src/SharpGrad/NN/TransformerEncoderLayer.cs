namespace SharpGrad.NN;

/// <summary>
/// A Transformer encoder layer, like <c>torch.nn.TransformerEncoderLayer</c> (same sub-module names: <c>self_attn</c>,
/// <c>linear1</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>). Post-norm (default, the original Transformer):
/// x = norm1(x + sa(x)); x = norm2(x + ff(x)). Pre-norm (<c>normFirst</c>): x = x + sa(norm1(x)); x = x + ff(norm2(x)).
/// ff(x) = linear2(dropout(activation(linear1(x)))). Input (B, T, d_model) with batch_first, else (T, B, d_model).
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    private readonly string _activation;

    /// <summary>Self-attention.</summary>
    public MultiHeadAttention SelfAttn { get; }

    /// <summary>d_model → dim_feedforward.</summary>
    public Linear Linear1 { get; }

    /// <summary>Dropout inside the feed-forward block.</summary>
    public Dropout Dropout { get; }

    /// <summary>dim_feedforward → d_model.</summary>
    public Linear Linear2 { get; }

    /// <summary>First LayerNorm (around self-attention).</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>Second LayerNorm (around the feed-forward block).</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>Dropout on the self-attention branch.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>Dropout on the feed-forward branch.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>Pre-norm when true, post-norm otherwise.</summary>
    public bool NormFirst { get; }

    /// <summary>Creates the layer; <paramref name="activation"/> is "relu" or "gelu".</summary>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        double layerNormEps = 1e-5, bool batchFirst = true, bool normFirst = false, bool bias = true, Generator? generator = null)
    {
        _activation = CheckActivation(activation);
        NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiHeadAttention(dModel, nhead, bias, dropout, batchFirst, generator));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, bias, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, bias, generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout, generator));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout, generator));
    }

    internal static string CheckActivation(string activation) => activation is "relu" or "gelu"
        ? activation : throw new ArgumentException($"Transformer layer: activation must be \"relu\" or \"gelu\", got \"{activation}\".", nameof(activation));

    internal static Tensor Activate(Tensor x, string activation) => activation == "gelu" ? x.Gelu() : x.Relu();

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null, null, false);

    /// <summary>Encodes <paramref name="src"/>; masks use the non-zero = masked convention.</summary>
    /// <param name="src">(B, T, d_model).</param>
    /// <param name="srcMask">(T, T) or (B·NH, T, T) attention mask.</param>
    /// <param name="srcKeyPaddingMask">(B, T), non-zero = padding.</param>
    /// <param name="isCausal">Apply a causal mask.</param>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        Tensor x = src;
        if (NormFirst)
        {
            x = x + SelfAttention(Norm1.Forward(x), srcMask, srcKeyPaddingMask, isCausal);
            x = x + FeedForward(Norm2.Forward(x));
        }
        else
        {
            x = Norm1.Forward(x + SelfAttention(x, srcMask, srcKeyPaddingMask, isCausal));
            x = Norm2.Forward(x + FeedForward(x));
        }
        return x;
    }

    private Tensor SelfAttention(Tensor x, Tensor? mask, Tensor? padding, bool isCausal) =>
        Dropout1.Forward(SelfAttn.Forward(x, x, x, padding, needWeights: false, attnMask: mask, isCausal: isCausal).Output);

    private Tensor FeedForward(Tensor x) => Dropout2.Forward(Linear2.Forward(Dropout.Forward(Activate(Linear1.Forward(x), _activation))));
}
