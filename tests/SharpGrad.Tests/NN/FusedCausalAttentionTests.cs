using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Tests.Kernels;

namespace SharpGrad.Tests.NN;

[Collection(nameof(KernelGlobalsCollection))]
public class FusedCausalAttentionTests
{
    /// <summary>The composed reference: split qkv, (B, NH, T, HS) heads, causal SDPA, merge.</summary>
    private static Tensor Reference(Tensor qkv, int heads)
    {
        int b = qkv.Shape[0], t = qkv.Shape[1], c = qkv.Shape[2] / 3, hs = c / heads;
        Tensor q = qkv.Narrow(2, 0, c).Reshape(b, t, heads, hs).Transpose(1, 2);
        Tensor k = qkv.Narrow(2, c, c).Reshape(b, t, heads, hs).Transpose(1, 2);
        Tensor v = qkv.Narrow(2, 2 * c, c).Reshape(b, t, heads, hs).Transpose(1, 2);
        return Functional.ScaledDotProductAttention(q, k, v, isCausal: true).Output.Transpose(1, 2).Reshape(b, t, c);
    }

    [Theory]
    [InlineData(1, 1, 1, 4)]
    [InlineData(2, 7, 3, 5)]
    [InlineData(3, 33, 2, 16)]
    [InlineData(2, 129, 4, 8)]
    public void MatchesTheComposedAttentionForwardAndBackward(int b, int t, int heads, int hs)
    {
        var gen = new Generator(11);
        int c = heads * hs;
        Tensor data = Tensor.Randn([b, t, 3 * c], gen);
        Tensor weight = Tensor.Randn([b, t, c], gen);

        Tensor x1 = data.Clone().RequiresGrad_();
        Tensor fused = Functional.CausalSelfAttention(x1, heads);
        (fused * weight).Sum().Backward();

        Tensor x2 = data.Clone().RequiresGrad_();
        Tensor reference = Reference(x2, heads);
        (reference * weight).Sum().Backward();

        Assert.Equal(reference.Shape, fused.Shape);
        AssertClose(reference.ToArray(), fused.ToArray(), 1e-5);
        AssertClose(x2.Grad!.ToArray(), x1.Grad!.ToArray(), 1e-5);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var gen = new Generator(5);
        Tensor data = Tensor.Randn([4, 64, 3 * 32], gen);
        Tensor weight = Tensor.Randn([4, 64, 32], gen);
        (float[] Y, float[] G) Run(int threads) => KernelThreadCount.With(threads, () =>
        {
            Tensor x = data.Clone().RequiresGrad_();
            Tensor y = Functional.CausalSelfAttention(x, 4);
            (y * weight).Sum().Backward();
            return (y.ToArray(), x.Grad!.ToArray());
        });
        var one = Run(1);
        var all = Run(Environment.ProcessorCount);
        Assert.Equal(one.Y, all.Y);
        Assert.Equal(one.G, all.G);
    }

    [Fact]
    public void HandComputedTwoTokens()
    {
        // one head, HS 1: q = k = v per token; token 0 sees itself only, token 1 mixes both with softmax(scale·q1·[k0, k1])
        Tensor qkv = Tensor.FromArray(new float[] { 1, 2, 3, /* t1 */ 0.5f, 1, -1 }, 1, 2, 3);
        float[] y = Functional.CausalSelfAttention(qkv, 1).ToArray();
        Assert.Equal(3f, y[0], 6);
        double s0 = 0.5 * 2, s1 = 0.5 * 1; // scale 1/√1
        double p0 = Math.Exp(s0) / (Math.Exp(s0) + Math.Exp(s1));
        Assert.Equal(p0 * 3 + (1 - p0) * -1, y[1], 5);
    }

    [Fact]
    public void RejectsAShapeThatIsNotPackedQkv()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Functional.CausalSelfAttention(Tensor.Zeros([2, 3, 10]), 2));
        Assert.Contains("[2, 3, 10]", e.Message);
    }

    [Fact]
    public void TheCachedKernelGivesTheFullForwardsLogits()
    {
        // dropout 0 → the fused training kernel; a cache of length 0 → the cached kernel (one chunk, then token by token)
        var model = new Gpt(new GptOptions(VocabSize: 13, ContextLength: 16, Layers: 2, Heads: 2, Width: 8), new Generator(2));
        Tensor ids = Tensor.RandInt(0, 13, [2, 16], new Generator(3));
        float[] full = model.Forward(ids).ToArray();
        var parts = new List<Tensor>();
        using (Autograd.NoGrad())
        {
            var cache = new KvCache(2);
            parts.Add(model.Forward(ids.Narrow(1, 0, 5).Contiguous(), cache));
            for (int t = 5; t < 16; t++) parts.Add(model.Forward(ids.Narrow(1, t, 1).Contiguous(), cache));
        }
        AssertClose(full, Tensor.Concat(parts, 1).ToArray(), 1e-5);
    }

    [Fact]
    public void TheCachedPathWithGradientsMatchesTheKernelAndReachesTheQueries()
    {
        var gen = new Generator(9);
        Tensor first = Tensor.Randn([1, 3, 3 * 8], gen), next = Tensor.Randn([1, 2, 3 * 8], gen);
        float[] kernel;
        using (Autograd.NoGrad())
        {
            var cache = new KvCache(1);
            Functional.CachedCausalSelfAttention(first, 2, cache, 0);
            kernel = Functional.CachedCausalSelfAttention(next, 2, cache, 0).ToArray();
        }
        var cache2 = new KvCache(1);
        Functional.CachedCausalSelfAttention(first, 2, cache2, 0);
        Tensor x = next.Clone().RequiresGrad_();
        Tensor y = Functional.CachedCausalSelfAttention(x, 2, cache2, 0);
        AssertClose(kernel, y.ToArray(), 1e-6);
        y.Sum().Backward();
        float[] g = x.Grad!.ToArray();
        Assert.Contains(g.Take(8), v => v != 0);                     // queries get a gradient
        Assert.All(g.Skip(8).Take(16), v => Assert.Equal(0f, v));     // keys/values of row 0 come from the detached cache
        Assert.Equal(5, cache2.Length);
    }

    private static void AssertClose(float[] expected, float[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }
}
