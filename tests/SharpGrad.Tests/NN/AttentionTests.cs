using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>Scaled dot-product attention masks, MultiHeadAttention shapes and names, Transformer layers, positional encodings.</summary>
public class AttentionTests
{
    [Fact]
    public void CausalMaskHasAnOffsetForCachedKeys()
    {
        Assert.Equal(new float[] { 0, 1, 1, 0, 0, 1, 0, 0, 0 }, Functional.CausalMask(3, 3).ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 1, 0, 0, 0, 0 }, Functional.CausalMask(2, 4).ToArray());
    }

    [Fact]
    public void CausalAttentionOfTheFirstQueryIsItsOwnValue()
    {
        var g = new Generator(2);
        Tensor q = Tensor.Randn([1, 2, 4, 3], g), k = Tensor.Randn([1, 2, 4, 3], g), v = Tensor.Randn([1, 2, 4, 3], g);
        var (y, w) = Functional.ScaledDotProductAttention(q, k, v, isCausal: true, returnWeights: true);
        Assert.Equal(new[] { 1, 2, 4, 3 }, y.ShapeArray);
        var y0 = y.Narrow(2, 0, 1).Contiguous().ToArray();
        var v0 = v.Narrow(2, 0, 1).Contiguous().ToArray();
        for (int i = 0; i < y0.Length; i++) Assert.Equal(v0[i], y0[i], 5);
        var wa = w!.ToArray();
        Assert.Equal(0f, wa[1]); // query 0 never sees key 1
        // the last query of a causal call equals a non-causal call with only that query (the KV-cache situation)
        var (yLast, _) = Functional.ScaledDotProductAttention(q.Narrow(2, 3, 1), k, v, isCausal: true);
        var expected = y.Narrow(2, 3, 1).Contiguous().ToArray();
        var got = yLast.ToArray();
        for (int i = 0; i < got.Length; i++) Assert.Equal(expected[i], got[i], 5);
    }

    [Fact]
    public void PaddingMaskZeroesTheWeightsOfPaddedKeys()
    {
        var g = new Generator(4);
        var mha = new MultiHeadAttention(8, 2, generator: g);
        Tensor x = Tensor.Randn([2, 3, 8], g);
        Tensor pad = Tensor.FromArray(new float[] { 0, 0, 1, 0, 1, 1 }, 2, 3);
        var (y, w) = mha.Forward(x, x, x, keyPaddingMask: pad, needWeights: true);
        Assert.Equal(new[] { 2, 3, 8 }, y.ShapeArray);
        Assert.Equal(new[] { 2, 3, 3 }, w!.ShapeArray);
        var wa = w.ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0f, wa[i * 3 + 2]);
            Assert.Equal(1f, wa[9 + i * 3], 5);
        }
        var names = mha.StateDict().Keys.ToArray();
        Assert.Equal(new[] { "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias" }, names);
    }

    [Fact]
    public void MultiHeadAttentionSequenceFirstMatchesBatchFirst()
    {
        var a = new MultiHeadAttention(8, 4, generator: new Generator(1));
        var b = new MultiHeadAttention(8, 4, batchFirst: false, generator: new Generator(2));
        b.LoadStateDict(a.StateDict());
        Tensor x = Tensor.Randn([2, 5, 8], new Generator(3));
        var ya = a.Forward(x).ToArray();
        var yb = b.Forward(x.Transpose(0, 1).Contiguous()).Transpose(0, 1).Contiguous().ToArray();
        for (int i = 0; i < ya.Length; i++) Assert.Equal(ya[i], yb[i], 5);
    }

    [Theory]
    [InlineData(false, "relu")]
    [InlineData(true, "gelu")]
    public void TransformerLayersRunAndBackpropagate(bool normFirst, string activation)
    {
        var g = new Generator(6);
        var enc = new TransformerEncoderLayer(8, 2, 16, dropout: 0, activation: activation, normFirst: normFirst, generator: g);
        var dec = new TransformerDecoderLayer(8, 2, 16, dropout: 0, activation: activation, normFirst: normFirst, generator: g);
        Tensor src = Tensor.Randn([2, 5, 8], g), tgt = Tensor.Randn([2, 4, 8], g);
        Tensor memory = enc.Forward(src, null, Tensor.FromArray(new float[] { 0, 0, 0, 0, 1, 0, 0, 0, 1, 1 }, 2, 5));
        Tensor y = dec.Forward(tgt, memory, tgtIsCausal: true);
        Assert.Equal(new[] { 2, 4, 8 }, y.ShapeArray);
        y.Sum().Backward();
        Assert.NotNull(enc.SelfAttn.InProjWeight.Grad);
        Assert.NotNull(dec.MultiheadAttn.InProjWeight.Grad);
        Assert.Contains("multihead_attn.in_proj_weight", dec.StateDict().Keys);
        Assert.Contains("norm3.weight", dec.StateDict().Keys);
    }

    [Fact]
    public void PositionalEncodings()
    {
        var pe = new SinusoidalPositionalEncoding(6, maxLen: 10);
        Assert.Empty(pe.StateDict());
        var table = pe.Table.ToArray();
        Assert.Equal(0f, table[0]);
        Assert.Equal(1f, table[1]);
        Assert.Equal((float)Math.Sin(1.0), table[6], 6);
        Assert.Equal((float)Math.Cos(3 / Math.Pow(10000, 2.0 / 6)), table[3 * 6 + 3], 6);
        var y = pe.Forward(Tensor.Zeros(2, 4, 6), offset: 3).ToArray();
        Assert.Equal(table[3 * 6 + 3], y[3], 6);
        var learned = new LearnedPositionalEmbedding(10, 6, new Generator(1));
        Assert.Equal(60, learned.ParameterCount());
        Assert.Equal(new[] { 2, 4, 6 }, learned.Forward(Tensor.Zeros(2, 4, 6)).ShapeArray);
    }
}
