namespace SharpGrad.NN;

/// <summary>
/// Causal multi-head self-attention of a <see cref="Gpt"/> block (nanoGPT's <c>CausalSelfAttention</c>): <c>c_attn</c>
/// projects (B, T, C) to q, k, v (3C), heads attend causally, <c>c_proj</c> maps back to C.
/// </summary>
public sealed class CausalSelfAttention : Module, IUsesGenerator
{
    private readonly int _heads;
    private readonly double _dropout;
    private readonly Generator? _generator;

    Generator? IUsesGenerator.RunGenerator => _generator;

    /// <summary>Number of heads.</summary>
    public int Heads => _heads;

    /// <summary>Query/key/value projection C → 3C.</summary>
    public Linear CAttn { get; }

    /// <summary>Output projection C → C.</summary>
    public Linear CProj { get; }

    /// <summary>Residual dropout.</summary>
    public Dropout ResidDropout { get; }

    /// <summary>Creates the layer.</summary>
    public CausalSelfAttention(int width, int heads, bool bias = true, double dropout = 0, Generator? generator = null)
    {
        if (width % heads != 0) throw new ArgumentException($"CausalSelfAttention: width ({width}) must be divisible by heads ({heads}).");
        _heads = heads;
        _dropout = dropout;
        _generator = generator;
        CAttn = RegisterModule("c_attn", new Linear(width, 3 * width, bias, generator));
        CProj = RegisterModule("c_proj", new Linear(width, width, bias, generator));
        ResidDropout = RegisterModule("resid_dropout", new Dropout(dropout, generator));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, null, 0);

    /// <summary>(B, T, C) → (B, T, C); with a cache, attends to the cached keys/values of block <paramref name="layer"/> too.</summary>
    public Tensor Forward(Tensor input, KvCache? cache, int layer)
    {
        int b = input.Shape[0], t = input.Shape[1], c = input.Shape[2], hs = c / _heads;
        Tensor qkv = CAttn.Forward(input); // (B, T, 3C)
        Tensor y;
        if (cache is not null)
        {
            // generation: the new positions against the cached keys/values
            y = Functional.CachedCausalSelfAttention(qkv, _heads, cache, layer);
        }
        else if (_dropout == 0 || !Training)
        {
            // the fused kernel: no head copies, masks or per-op graph nodes
            y = Functional.CausalSelfAttention(qkv, _heads);
        }
        else
        {
            // attention dropout: composed from primitives
            Tensor q = qkv.Narrow(2, 0, c).Reshape(b, t, _heads, hs).Transpose(1, 2); // (B, NH, T, HS)
            Tensor k = qkv.Narrow(2, c, c).Reshape(b, t, _heads, hs).Transpose(1, 2);
            Tensor v = qkv.Narrow(2, 2 * c, c).Reshape(b, t, _heads, hs).Transpose(1, 2);
            var (heads, _) = Functional.ScaledDotProductAttention(q, k, v, isCausal: true, dropout: _dropout, training: Training, generator: _generator);
            y = heads.Transpose(1, 2).Reshape(b, t, c); // (B, NH, T, HS) → (B, T, C)
        }
        return ResidDropout.Forward(CProj.Forward(y));
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"n_head={_heads}";
}
