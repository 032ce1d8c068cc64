using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>GPT: W5 parameter count and names, KV-cache equivalence (logits and generated tokens), sampling options.</summary>
public class GptTests
{
    private static Gpt Tiny(int ctx = 80) => new(new GptOptions(VocabSize: 11, ContextLength: ctx, Layers: 2, Heads: 2, Width: 16), new Generator(3));

    [Fact]
    public void W5HasExactly3225600ParametersAndNanoGptNames()
    {
        var model = new Gpt(GptOptions.W5, new Generator(0));
        Assert.Equal(3_225_600, model.ParameterCount());
        var keys = model.StateDict().Keys.ToList();
        foreach (var k in new[] { "wte.weight", "wpe.weight", "h.0.ln_1.weight", "h.0.attn.c_attn.weight", "h.0.attn.c_attn.bias",
                     "h.0.attn.c_proj.weight", "h.0.ln_2.bias", "h.0.mlp.c_fc.weight", "h.3.mlp.c_proj.bias", "ln_f.weight", "lm_head.weight" })
            Assert.Contains(k, keys);
        Assert.DoesNotContain("lm_head.bias", keys);
    }

    [Fact]
    public void TiedHeadSharesTheEmbedding()
    {
        var tied = new Gpt(GptOptions.W5 with { TiedHead = true });
        Assert.Equal(3_225_600 - 65 * 256, tied.ParameterCount());
        var logits = tied.Forward(Tensor.FromArray(new long[] { 1, 2, 3 }, 1, 3));
        Assert.Equal(new[] { 1, 3, 65 }, logits.ShapeArray);
    }

    [Fact]
    public void ForwardShapeAndTrainingStepReducesLoss()
    {
        var model = Tiny(16);
        var ids = Tensor.RandInt(0, 11, [2, 16], new Generator(5));
        var opt = new SharpGrad.Optim.AdamW(model.Parameters(), lr: 1e-2);
        double first = 0, last = 0;
        for (int i = 0; i < 20; i++)
        {
            opt.ZeroGrad();
            var logits = model.Forward(ids);
            Assert.Equal(new[] { 2, 16, 11 }, logits.ShapeArray);
            var loss = Losses.CrossEntropy(logits.View(32, 11), ids.View(32));
            loss.Backward();
            opt.Step();
            if (i == 0) first = loss.Item();
            last = loss.Item();
        }
        Assert.True(last < first * 0.7, $"loss {first} → {last}");
    }

    [Fact]
    public void CachedLogitsEqualFullForwardLogits()
    {
        var model = Tiny();
        model.Eval();
        var ids = Tensor.RandInt(0, 11, [1, 40], new Generator(9));
        using var _ = Autograd.NoGrad();
        float[] full = model.Forward(ids).ToArray();
        var cache = new KvCache(2);
        var parts = new List<Tensor> { model.Forward(ids.Narrow(1, 0, 25).Contiguous(), cache) };
        for (int t = 25; t < 40; t++) parts.Add(model.Forward(ids.Narrow(1, t, 1).Contiguous(), cache));
        Assert.Equal(40, cache.Length);
        float[] cached = Tensor.Concat(parts, 1).ToArray();
        Assert.Equal(full.Length, cached.Length);
        for (int i = 0; i < full.Length; i++) Assert.True(Math.Abs(full[i] - cached[i]) <= 1e-4, $"logit {i}: {full[i]} vs {cached[i]}");
    }

    [Theory]
    [InlineData(0.0, null, null)]
    [InlineData(1.0, null, null)]
    [InlineData(0.8, 5, null)]
    [InlineData(1.2, null, 0.9)]
    public void KvCacheGivesExactlyTheSameTokens(double temperature, int? topK, double? topP)
    {
        var model = Tiny();
        var options = new GenerationOptions(temperature, topK, topP, Seed: 42);
        long[] prompt = [1, 2, 3];
        long[] with = model.Generate(prompt, 60, options, useKvCache: true);
        long[] without = model.Generate(prompt, 60, options, useKvCache: false);
        Assert.Equal(63, with.Length);
        Assert.Equal(without, with);
        Assert.True(model.Training); // mode restored
    }

    [Theory]
    [InlineData(ContextOverflow.Shift, 0.0)]
    [InlineData(ContextOverflow.Shift, 0.9)]
    [InlineData(ContextOverflow.Slide, 0.0)]
    [InlineData(ContextOverflow.Slide, 0.9)]
    public void GenerationPastTheContextMatchesWithAndWithoutTheCache(ContextOverflow overflow, double temperature)
    {
        var model = Tiny(ctx: 20);
        var options = new GenerationOptions(temperature, Seed: 7, Overflow: overflow);
        long[] without = model.Generate([4, 5], 50, options, useKvCache: false);
        Assert.Equal(52, without.Length);
        Assert.Equal(without, model.Generate([4, 5], 50, options, useKvCache: true));
        // a prompt longer than the context is cropped to its last 20 tokens, with and without the cache
        long[] longPrompt = Enumerable.Range(0, 27).Select(i => (long)(i % 11)).ToArray();
        Assert.Equal(model.Generate(longPrompt, 30, options, useKvCache: false), model.Generate(longPrompt, 30, options, useKvCache: true));
    }

    [Theory]
    [InlineData(ContextOverflow.Shift)]
    [InlineData(ContextOverflow.Slide)]
    public void GenerationSeesTheDocumentedWindow(ContextOverflow overflow)
    {
        // reference: greedy arg max of the full forward over the window the policy describes
        var model = Tiny(ctx: 12);
        model.Eval();
        var tokens = new List<long> { 3, 1, 4, 1, 5 };
        int windowStart = 0;
        var windows = new List<int>();
        using (Autograd.NoGrad())
        {
            for (int step = 0; step < 30; step++)
            {
                if (tokens.Count - windowStart > 12) windowStart = overflow == ContextOverflow.Slide ? tokens.Count - 12 : tokens.Count - 6;
                windows.Add(tokens.Count - windowStart);
                var ids = Tensor.FromArray(tokens.Skip(windowStart).ToArray(), 1, tokens.Count - windowStart);
                float[] logits = model.Forward(ids).Narrow(1, ids.Shape[1] - 1, 1).Contiguous().ToArray();
                tokens.Add(Array.IndexOf(logits, logits.Max()));
            }
        }
        model.Train();
        var options = GenerationOptions.Greedy with { Overflow = overflow };
        Assert.Equal(tokens, model.Generate([3, 1, 4, 1, 5], 30, options, useKvCache: true));
        Assert.Equal(tokens, model.Generate([3, 1, 4, 1, 5], 30, options, useKvCache: false));
        // Shift sees between 6 and 12 tokens once past the context; Slide always 12
        Assert.All(windows.Skip(8), w => Assert.InRange(w, overflow == ContextOverflow.Slide ? 12 : 6, 12));
    }

    [Fact]
    public void SamplingOptionsBehave()
    {
        float[] logits = [0f, 3f, 1f, 2.9f];
        var g = new Generator(1);
        Assert.Equal(1, GenerationOptions.Greedy.Sample(logits, g));
        var top1 = new GenerationOptions(TopK: 1);
        for (int i = 0; i < 20; i++) Assert.Equal(1, top1.Sample(logits, g));
        var top2 = new GenerationOptions(TopK: 2);
        for (int i = 0; i < 50; i++) Assert.Contains(top2.Sample(logits, g), new long[] { 1, 3 });
        var nucleus = new GenerationOptions(TopP: 0.3);
        for (int i = 0; i < 20; i++) Assert.Equal(1, nucleus.Sample(logits, g));
        var counts = new int[4];
        var plain = new GenerationOptions();
        for (int i = 0; i < 2000; i++) counts[plain.Sample(logits, g)]++;
        Assert.True(counts[0] > 0 && counts[2] > 0 && counts[1] > counts[2]);
    }
}
