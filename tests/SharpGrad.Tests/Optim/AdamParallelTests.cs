using SharpGrad.Optim;

namespace SharpGrad.Tests.Optim;

public class AdamParallelTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LargeParametersGetTheSameUpdateAsSmallOnes(bool decoupled)
    {
        // one 100,003-element parameter (updated in chunks on the kernel threads) against the same numbers held in two
        // parameters below the parallel threshold (updated in one pass each): every element must agree bit for bit
        var gen = new Generator(8);
        float[] init = Tensor.Randn([100_003], gen).ToArray();
        float[][] grads = Enumerable.Range(0, 3).Select(_ => Tensor.Randn([100_003], gen).ToArray()).ToArray();
        Optimizer Make(IEnumerable<Tensor> ps) => decoupled ? new AdamW(ps, lr: 1e-2, weightDecay: 0.1) : new Adam(ps, lr: 1e-2, weightDecay: 0.05);

        var big = Tensor.FromArray(init, 100_003).RequiresGrad_();
        var a = Tensor.FromArray(init[..50_000], 50_000).RequiresGrad_();
        var b = Tensor.FromArray(init[50_000..], 50_003).RequiresGrad_();
        Optimizer bigOpt = Make([big]), smallOpt = Make([a, b]);
        foreach (float[] g in grads)
        {
            big.Grad = Tensor.FromArray(g, 100_003);
            a.Grad = Tensor.FromArray(g[..50_000], 50_000);
            b.Grad = Tensor.FromArray(g[50_000..], 50_003);
            bigOpt.Step();
            smallOpt.Step();
        }
        Assert.Equal([.. a.ToArray(), .. b.ToArray()], big.ToArray());
    }
}
