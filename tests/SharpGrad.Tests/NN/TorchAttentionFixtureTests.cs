using System.Text.Json;
using SharpGrad.NN;
using SharpGrad.Tests.Data;

namespace SharpGrad.Tests.NN;

/// <summary>
/// Attention and Transformer layers against PyTorch 1.13 on golden values from <c>tools/make_attention_fixtures.py</c>
/// (<c>Fixtures/torch_attention.json</c>): <see cref="MultiHeadAttention"/> (self/cross, masks, key padding, returned
/// weights), <see cref="Functional.ScaledDotProductAttention"/> (reference computed by hand), <see cref="TransformerEncoderLayer"/>,
/// <see cref="TransformerDecoderLayer"/> and the positional encodings. PyTorch's <c>state_dict()</c> is loaded with
/// <see cref="Module.LoadStateDict"/> under PyTorch's names (strict); outputs, returned attention weights and the gradients of
/// Σ out·w (+ Σ weights·w_weights) with respect to every input and every parameter are compared. Float32, tolerance 1e-5
/// (relative, absolute below 1).
/// </summary>
public class TorchAttentionFixtureTests
{
    private const double Tol = 1e-5;
    private static readonly Lazy<JsonElement> Fixture = new(() => FixtureSupport.Load("torch_attention.json"));

    private static Tensor Load(JsonElement e) => FixtureSupport.Float32Tensor(e);

    private static void Match(JsonElement expected, Tensor actual, string what) => FixtureSupport.MatchTensor(expected, actual, Tol, what);

    /// <summary>
    /// A stored 0/1 mask (1 = masked). "bool" gives the 0/1 Int64 tensor; "float" gives PyTorch's additive form, 0 where
    /// allowed and −inf where masked, which SharpGrad's non-zero = masked convention reads the same way.
    /// </summary>
    private static Tensor Mask(JsonElement e, string kind = "bool")
    {
        var bits = e.GetProperty("values").Longs();
        int[] shape = e.GetProperty("shape").Ints();
        return kind == "float"
            ? Tensor.FromArray(bits.Select(b => b != 0 ? float.NegativeInfinity : 0f).ToArray(), shape)
            : Tensor.FromArray(bits, shape);
    }

    private static Tensor? OptionalMask(JsonElement c, string name, string kind = "bool") =>
        c.TryGetProperty(name, out var m) ? Mask(m, kind) : null;

    /// <summary>Loads PyTorch's state dict (strict: the names must be PyTorch's) and checks the parameter order too.</summary>
    private static void LoadPyTorchState(Module m, JsonElement c)
    {
        var sd = c.GetProperty("state_dict").EnumerateObject().ToDictionary(p => p.Name, p => Load(p.Value));
        m.LoadStateDict(sd);
        Assert.Equal(c.GetProperty("grads").EnumerateObject().Select(p => p.Name).ToArray(), m.NamedParameters().Select(p => p.Name).ToArray());
    }

    private static void MatchParameterGrads(Module m, JsonElement c, string name)
    {
        foreach (var (pn, p) in m.NamedParameters())
        {
            Assert.NotNull(p.Grad);
            Match(c.GetProperty("grads").GetProperty(pn), p.Grad!, name + " grad " + pn);
        }
    }

    private static JsonElement Case(string section, string name) =>
        Fixture.Value.GetProperty(section).EnumerateArray().First(e => e.GetProperty("name").GetString() == name);

    private static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Value.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static TheoryData<string> MhaNames() => Names("mha");

    public static TheoryData<string> SdpaNames() => Names("sdpa");

    public static TheoryData<string> EncoderNames() => Names("encoder");

    public static TheoryData<string> DecoderNames() => Names("decoder");

    [Theory]
    [MemberData(nameof(MhaNames))]
    public void MultiHeadAttentionMatchesPyTorch(string name)
    {
        var c = Case("mha", name);
        bool batchFirst = c.GetProperty("batch_first").GetBoolean(), needWeights = c.GetProperty("need_weights").GetBoolean();
        bool average = c.GetProperty("average_attn_weights").GetBoolean();
        var m = new MultiHeadAttention(c.GetProperty("embed_dim").GetInt32(), c.GetProperty("num_heads").GetInt32(),
            bias: c.GetProperty("bias").GetBoolean(), batchFirst: batchFirst);
        LoadPyTorchState(m, c);
        // self-attention passes the same tensor three times (as PyTorch's `query is key is value`), cross-attention with
        // key is value passes the memory twice
        var query = Load(c.GetProperty("query")).RequiresGrad_();
        var key = c.TryGetProperty("key", out var k) ? Load(k).RequiresGrad_() : query;
        var value = c.TryGetProperty("value", out var v) ? Load(v).RequiresGrad_() : key;
        var attnMask = c.TryGetProperty("attn_mask", out var am) ? Mask(am, c.GetProperty("attn_mask_kind").GetString()!) : null;
        var padding = OptionalMask(c, "key_padding_mask");

        var (output, weights) = m.Forward(query, key, value, padding, needWeights, attnMask, average);
        Match(c.GetProperty("output"), output, name + " output");
        Tensor loss = (output * Load(c.GetProperty("w"))).Sum();
        if (needWeights)
        {
            Assert.NotNull(weights);
            Match(c.GetProperty("weights"), weights!, name + " weights");
            loss = loss + (weights! * Load(c.GetProperty("w_weights"))).Sum();
        }
        else Assert.Null(weights);
        loss.Backward();
        Match(c.GetProperty("grad_query"), query.Grad!, name + " grad_query");
        if (!ReferenceEquals(key, query)) Match(c.GetProperty("grad_key"), key.Grad!, name + " grad_key");
        if (!ReferenceEquals(value, key)) Match(c.GetProperty("grad_value"), value.Grad!, name + " grad_value");
        MatchParameterGrads(m, c, name);

        // a causal attn_mask gives the same output as isCausal
        if (attnMask is not null && attnMask.Rank == 2 && IsCausal(c.GetProperty("attn_mask")))
            using (Autograd.NoGrad())
                Match(c.GetProperty("output"), m.Forward(query, key, value, padding, isCausal: true).Output, name + " output with isCausal");
    }

    private static bool IsCausal(JsonElement mask)
    {
        int[] shape = mask.GetProperty("shape").Ints();
        var bits = mask.GetProperty("values").Longs();
        for (int i = 0; i < shape[0]; i++)
            for (int j = 0; j < shape[1]; j++)
                if ((bits[i * shape[1] + j] != 0) != (j > i + shape[1] - shape[0])) return false;
        return true;
    }

    [Theory]
    [MemberData(nameof(SdpaNames))]
    public void ScaledDotProductAttentionMatchesReference(string name)
    {
        var c = Case("sdpa", name);
        var q = Load(c.GetProperty("q")).RequiresGrad_();
        var k = Load(c.GetProperty("k")).RequiresGrad_();
        var v = Load(c.GetProperty("v")).RequiresGrad_();
        bool returnWeights = c.TryGetProperty("weights", out var expectedWeights);
        double? scale = c.TryGetProperty("scale", out var s) ? s.GetDouble() : null;
        var (output, weights) = Functional.ScaledDotProductAttention(q, k, v, OptionalMask(c, "mask"), c.GetProperty("is_causal").GetBoolean(),
            returnWeights: returnWeights, scale: scale);
        Match(c.GetProperty("output"), output, name + " output");
        Tensor loss = (output * Load(c.GetProperty("w"))).Sum();
        if (returnWeights)
        {
            Match(expectedWeights, weights!, name + " weights");
            loss = loss + (weights! * Load(c.GetProperty("w_weights"))).Sum();
        }
        loss.Backward();
        Match(c.GetProperty("grad_q"), q.Grad!, name + " grad_q");
        Match(c.GetProperty("grad_k"), k.Grad!, name + " grad_k");
        Match(c.GetProperty("grad_v"), v.Grad!, name + " grad_v");
    }

    [Theory]
    [MemberData(nameof(EncoderNames))]
    public void TransformerEncoderLayerMatchesPyTorch(string name)
    {
        var c = Case("encoder", name);
        var layer = new TransformerEncoderLayer(c.GetProperty("d_model").GetInt32(), c.GetProperty("nhead").GetInt32(),
            c.GetProperty("dim_feedforward").GetInt32(), dropout: 0, activation: c.GetProperty("activation").GetString()!,
            normFirst: c.GetProperty("norm_first").GetBoolean());
        LoadPyTorchState(layer, c);
        var src = Load(c.GetProperty("src")).RequiresGrad_();
        var srcMask = c.TryGetProperty("src_mask", out var sm) ? Mask(sm, c.GetProperty("src_mask_kind").GetString()!) : null;
        var padding = OptionalMask(c, "src_key_padding_mask");
        var output = layer.Forward(src, srcMask, padding);
        Match(c.GetProperty("output"), output, name + " output");
        (output * Load(c.GetProperty("w"))).Sum().Backward();
        Match(c.GetProperty("grad_src"), src.Grad!, name + " grad_src");
        MatchParameterGrads(layer, c, name);

        if (srcMask is not null && c.GetProperty("src_mask_is_causal").GetBoolean())
            using (Autograd.NoGrad())
                Match(c.GetProperty("output"), layer.Forward(src, null, padding, isCausal: true), name + " output with isCausal");
    }

    [Theory]
    [MemberData(nameof(DecoderNames))]
    public void TransformerDecoderLayerMatchesPyTorch(string name)
    {
        var c = Case("decoder", name);
        var layer = new TransformerDecoderLayer(c.GetProperty("d_model").GetInt32(), c.GetProperty("nhead").GetInt32(),
            c.GetProperty("dim_feedforward").GetInt32(), dropout: 0, activation: c.GetProperty("activation").GetString()!,
            normFirst: c.GetProperty("norm_first").GetBoolean());
        LoadPyTorchState(layer, c);
        var tgt = Load(c.GetProperty("tgt")).RequiresGrad_();
        var memory = Load(c.GetProperty("memory")).RequiresGrad_();
        var tgtMask = OptionalMask(c, "tgt_mask", "float"); // PyTorch got the -inf/0 float mask
        var memoryMask = OptionalMask(c, "memory_mask");
        var tgtPadding = OptionalMask(c, "tgt_key_padding_mask");
        var memoryPadding = OptionalMask(c, "memory_key_padding_mask");
        var output = layer.Forward(tgt, memory, tgtMask, memoryMask, tgtPadding, memoryPadding);
        Match(c.GetProperty("output"), output, name + " output");
        (output * Load(c.GetProperty("w"))).Sum().Backward();
        Match(c.GetProperty("grad_tgt"), tgt.Grad!, name + " grad_tgt");
        Match(c.GetProperty("grad_memory"), memory.Grad!, name + " grad_memory");
        MatchParameterGrads(layer, c, name);

        if (tgtMask is not null && IsCausal(c.GetProperty("tgt_mask")))
            using (Autograd.NoGrad())
                Match(c.GetProperty("output"), layer.Forward(tgt, memory, null, memoryMask, tgtPadding, memoryPadding, tgtIsCausal: true),
                    name + " output with tgtIsCausal");
    }

    [Fact]
    public void SinusoidalPositionalEncodingMatchesTheTutorialFormula()
    {
        var c = Fixture.Value.GetProperty("sinusoidal");
        var pe = new SinusoidalPositionalEncoding(c.GetProperty("d_model").GetInt32(), c.GetProperty("max_len").GetInt32());
        Match(c.GetProperty("table"), pe.Table, "sinusoidal table");
        Assert.Empty(pe.StateDict());
        Match(c.GetProperty("output"), pe.Forward(Load(c.GetProperty("x")), c.GetProperty("offset").GetInt32()), "sinusoidal output");
    }

    [Fact]
    public void LearnedPositionalEmbeddingMatchesPyTorch()
    {
        var c = Fixture.Value.GetProperty("learned");
        var pe = new LearnedPositionalEmbedding(c.GetProperty("max_len").GetInt32(), c.GetProperty("d_model").GetInt32());
        pe.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = Load(c.GetProperty("weight")) });
        var x = Load(c.GetProperty("x")).RequiresGrad_();
        var output = pe.Forward(x, c.GetProperty("offset").GetInt32());
        Match(c.GetProperty("output"), output, "learned output");
        (output * Load(c.GetProperty("w"))).Sum().Backward();
        Match(c.GetProperty("grad_x"), x.Grad!, "learned grad_x");
        Match(c.GetProperty("grad_weight"), pe.Weight.Grad!, "learned grad_weight");
    }
}
