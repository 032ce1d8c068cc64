using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

public class VectorSigmoidTests
{
    [Fact]
    public void MatchesTheDoublePrecisionSigmoidWithinAFewUlp()
    {
        // every length from 0 to 40 (the 16-, 8- and scalar-tail paths) and values across the whole float range
        var rng = new Random(3);
        for (int length = 0; length <= 40; length++)
        {
            var x = new float[length];
            for (int i = 0; i < length; i++) x[i] = (float)((rng.NextDouble() - 0.5) * (i % 3 == 0 ? 200 : 20));
            var y = new float[length];
            VectorSigmoid.Apply(x, y);
            for (int i = 0; i < length; i++)
            {
                double expected = 1 / (1 + Math.Exp(-(double)x[i]));
                Assert.True(Math.Abs(y[i] - expected) <= 4e-7 * expected + 1.3e-38, $"σ({x[i]}) = {y[i]}, expected {expected}");
            }
        }
    }

    [Fact]
    public void LimitsAndSpecialValues()
    {
        float[] x = [0f, 1e-8f, -1e-8f, 88f, 1000f, -80f, -1000f, float.PositiveInfinity, float.NegativeInfinity, 15f, -15f, 0.5f, -0.5f, 3f, -3f, 7f];
        var y = new float[x.Length];
        VectorSigmoid.Apply(x, y);
        Assert.Equal(0.5f, y[0]);
        Assert.Equal(0.5f, y[1], 7);
        Assert.Equal(1f, y[3]);
        Assert.Equal(1f, y[4]);
        Assert.True(Math.Abs(y[5] - 1 / (1 + Math.Exp(80))) <= 1e-6 / (1 + Math.Exp(80)), $"σ(−80) = {y[5]}");
        Assert.InRange(y[6], 0f, 1.3e-38f);
        Assert.Equal(1f, y[7]);
        Assert.InRange(y[8], 0f, 1.3e-38f);
        // in place
        VectorSigmoid.Apply(x, x);
        Assert.Equal(y, x);
        // NaN stays NaN in every path (16-wide, 8-wide, tail): a diverging network must not be hidden by the clamp
        float[] nan = Enumerable.Range(0, 27).Select(i => i % 5 == 0 ? float.NaN : i).ToArray();
        var s = new float[nan.Length];
        VectorSigmoid.Apply(nan, s);
        for (int i = 0; i < nan.Length; i++) Assert.Equal(float.IsNaN(nan[i]), float.IsNaN(s[i]));
    }
}
