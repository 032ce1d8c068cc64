namespace SharpGrad.NN;

/// <summary>A pre-LayerNorm Transformer block of a <see cref="Gpt"/>: x + attn(ln_1(x)), then x + mlp(ln_2(x)).</summary>
public sealed class GptBlock : Module
{
    /// <summary>LayerNorm before attention.</summary>
    public LayerNorm Ln1 { get; }

    /// <summary>Causal self-attention.</summary>
    public CausalSelfAttention Attn { get; }

    /// <summary>LayerNorm before the MLP.</summary>
    public LayerNorm Ln2 { get; }

    /// <summary>The MLP.</summary>
    public GptMlp Mlp { get; }

    /// <summary>Creates the block from <paramref name="options"/>.</summary>
    public GptBlock(GptOptions options, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Ln1 = RegisterModule("ln_1", new LayerNorm(options.Width, elementwiseAffine: true));
        Attn = RegisterModule("attn", new CausalSelfAttention(options.Width, options.Heads, options.Bias, options.Dropout, generator));
        Ln2 = RegisterModule("ln_2", new LayerNorm(options.Width));
        Mlp = RegisterModule("mlp", new GptMlp(options.Width, options.MlpRatio * options.Width, options.Bias, options.Dropout, options.GeluApproximate, generator));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null, 0);

    /// <summary>(B, T, C) → (B, T, C), optionally with the KV cache of block <paramref name="layer"/>.</summary>
    public Tensor Forward(Tensor input, KvCache? cache, int layer)
    {
        Tensor x = input + Attn.Forward(Ln1.Forward(input), cache, layer);
        return x + Mlp.Forward(Ln2.Forward(x));
    }
}
