namespace SharpGrad.NN;

/// <summary>
/// Multi-head attention, like <c>torch.nn.MultiheadAttention</c> (same parameter names and layout: <c>in_proj_weight</c>
/// (3E, E) holding W_q, W_k, W_v stacked, <c>in_proj_bias</c> (3E), <c>out_proj.weight</c> (E, E), <c>out_proj.bias</c> (E)),
/// so its state dict loads PyTorch's. Query (B, Tq, E), key and value (B, Tk, E) with <see cref="BatchFirst"/>, else
/// (T, B, E). Masks use SharpGrad's convention: non-zero = masked (PyTorch's boolean masks mean the same).
/// </summary>
public sealed class MultiHeadAttention : Module, IUsesGenerator
{
    private readonly Generator? _generator;

    Generator? IUsesGenerator.RunGenerator => _generator;

    /// <summary>Stacked input projection (3E, E).</summary>
    public Parameter InProjWeight { get; }

    /// <summary>Stacked input projection bias (3E), or null.</summary>
    public Parameter? InProjBias { get; }

    /// <summary>Output projection E → E.</summary>
    public Linear OutProj { get; }

    /// <summary>Embedding width E.</summary>
    public int EmbedDim { get; }

    /// <summary>Number of heads NH (E must be divisible by it).</summary>
    public int NumHeads { get; }

    /// <summary>Head size HS = E / NH.</summary>
    public int HeadDim => EmbedDim / NumHeads;

    /// <summary>Dropout probability on the attention weights.</summary>
    public double DropoutP { get; }

    /// <summary>True when inputs are (B, T, E); false for (T, B, E).</summary>
    public bool BatchFirst { get; }

    /// <summary>Creates the layer; initialisation as PyTorch: Xavier-uniform in_proj_weight, zero biases, out_proj weight like Linear.</summary>
    public MultiHeadAttention(int embedDim, int numHeads, bool bias = true, double dropout = 0, bool batchFirst = true, Generator? generator = null)
    {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiHeadAttention: embed_dim ({embedDim}) must be a positive multiple of num_heads ({numHeads}).");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        DropoutP = dropout;
        BatchFirst = batchFirst;
        _generator = generator;
        InProjWeight = RegisterParameter("in_proj_weight", new Parameter(Tensor.Zeros(3 * embedDim, embedDim)));
        if (bias) InProjBias = RegisterParameter("in_proj_bias", new Parameter(Tensor.Zeros(3 * embedDim)));
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, generator));
        ResetParameters();
    }

    /// <summary>Re-initialises as PyTorch's <c>_reset_parameters</c>.</summary>
    public void ResetParameters()
    {
        Init.XavierUniform(InProjWeight, generator: _generator);
        if (InProjBias is not null) Init.Zeros(InProjBias);
        OutProj.ResetParameters();
        if (OutProj.Bias is not null) Init.Zeros(OutProj.Bias);
    }

    /// <summary>Self-attention without masks; returns the output only.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, input, input).Output;

    /// <summary>
    /// Attention of <paramref name="query"/> over <paramref name="key"/>/<paramref name="value"/>.
    /// </summary>
    /// <param name="query">(B, Tq, E) (or (Tq, B, E) without batch_first).</param>
    /// <param name="key">(B, Tk, E).</param>
    /// <param name="value">(B, Tk, E).</param>
    /// <param name="keyPaddingMask">(B, Tk), non-zero = padding (ignored key).</param>
    /// <param name="needWeights">Return the attention weights.</param>
    /// <param name="attnMask">(Tq, Tk) or (B·NH, Tq, Tk), non-zero = masked.</param>
    /// <param name="averageAttnWeights">Average the returned weights over heads: (B, Tq, Tk); else (B, NH, Tq, Tk).</param>
    /// <param name="isCausal">Apply a causal mask (in addition to <paramref name="attnMask"/>).</param>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = false, Tensor? attnMask = null, bool averageAttnWeights = true, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.Rank != 3 || key.Rank != 3 || value.Rank != 3)
            throw new ArgumentException("MultiHeadAttention: query, key and value must be 3-D (batched).");
        if (!BatchFirst)
        {
            query = query.Transpose(0, 1);
            key = key.Transpose(0, 1);
            value = value.Transpose(0, 1);
        }
        var (output, w) = Functional.MultiHeadAttention(query, key, value, NumHeads, InProjWeight, InProjBias, OutProj.Weight, OutProj.Bias,
            keyPaddingMask, needWeights, attnMask, averageAttnWeights, isCausal, DropoutP, Training, _generator);
        if (!BatchFirst) output = output.Transpose(0, 1);
        return (output, w);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"embed_dim={EmbedDim}, num_heads={NumHeads}, dropout={DropoutP}, batch_first={PyRepr.Bool(BatchFirst)}";
}
