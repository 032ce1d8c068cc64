using SharpGrad.Kernels;
using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

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
        (float[] Y, float[] G) Run(int threads)
        {
            int saved = KernelThreads.Count;
            KernelThreads.Count = threads;
            try
            {
                Tensor x = data.Clone().RequiresGrad_();
                Tensor y = Functional.CausalSelfAttention(x, 4);
                (y * weight).Sum().Backward();
                return (y.ToArray(), x.Grad!.ToArray());
            }
            finally
            {
                KernelThreads.Count = saved;
            }
        }
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
    public void GptBlockTrainsThroughTheFusedPathAndMatchesTheComposedOne()
    {
        // dropout 0 → fused; the same model's composed path (a cache of length 0 forces it) gives the same logits
        var model = new Gpt(new GptOptions(VocabSize: 13, ContextLength: 16, Layers: 2, Heads: 2, Width: 8), new Generator(2));
        Tensor ids = Tensor.RandInt(0, 13, [2, 16], new Generator(3));
        float[] fused = model.Forward(ids).ToArray();
        float[] composed;
        using (Autograd.NoGrad()) composed = model.Forward(ids, new KvCache(2)).ToArray();
        AssertClose(composed, fused, 1e-5);
    }

    private static void AssertClose(float[] expected, float[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }
}
