using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>
/// Init schemes cannot be compared value-for-value with PyTorch (different generators), so they are checked by their
/// bounds and moments on large tensors, and the gains and fans against PyTorch's formulas.
/// </summary>
public class InitTests
{
    private static (double Mean, double Std, double MaxAbs) Moments(Tensor t)
    {
        var v = t.To(DType.Float64).ToArray<double>();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average()), v.Max(Math.Abs));
    }

    [Theory]
    [InlineData("linear", null, 1.0)]
    [InlineData("sigmoid", null, 1.0)]
    [InlineData("conv2d", null, 1.0)]
    [InlineData("tanh", null, 5.0 / 3)]
    [InlineData("relu", null, 1.4142135623730951)]
    [InlineData("leaky_relu", null, 1.4141428569978354)]  // √(2 / (1 + 0.01²))
    [InlineData("leaky_relu", 2.23606797749979, 0.5773502691896258)] // a = √5: √(1/3)
    [InlineData("selu", null, 0.75)]
    public void CalculateGainMatchesPyTorch(string nonlinearity, double? param, double expected) =>
        Assert.Equal(expected, Init.CalculateGain(nonlinearity, param), 12);

    [Fact]
    public void CalculateGainRejectsUnknownNames() => Assert.Throws<ArgumentException>(() => Init.CalculateGain("swish"));

    [Fact]
    public void FanInAndFanOutFollowPyTorchIncludingConvWeights()
    {
        Assert.Equal((20, 10), Init.FanInAndFanOut(Tensor.Zeros(10, 20)));
        Assert.Equal((3 * 5 * 5, 16 * 5 * 5), Init.FanInAndFanOut(Tensor.Zeros(16, 3, 5, 5)));
        Assert.Throws<ArgumentException>(() => Init.FanInAndFanOut(Tensor.Zeros(5)));
    }

    [Fact]
    public void XavierUniformBoundAndStd()
    {
        var w = Tensor.Zeros(200, 300);
        Assert.Same(w, Init.XavierUniform(w, gain: 2, generator: new Generator(1)));
        double a = 2 * Math.Sqrt(6.0 / 500);
        var (mean, std, maxAbs) = Moments(w);
        Assert.InRange(maxAbs, 0.99 * a, a);
        Assert.InRange(std, 0.97 * a / Math.Sqrt(3), 1.03 * a / Math.Sqrt(3));
        Assert.InRange(mean, -0.01 * a, 0.01 * a);
    }

    [Fact]
    public void XavierNormalStd()
    {
        var (mean, std, _) = Moments(Init.XavierNormal(Tensor.Zeros(200, 300), generator: new Generator(2)));
        double expected = Math.Sqrt(2.0 / 500);
        Assert.InRange(std, 0.97 * expected, 1.03 * expected);
        Assert.InRange(mean, -0.01 * expected, 0.01 * expected);
    }

    [Fact]
    public void KaimingUniformUsesGainAndMode()
    {
        var w = Tensor.Zeros(100, 400);
        Init.KaimingUniform(w, mode: "fan_in", nonlinearity: "relu", generator: new Generator(3));
        double bound = Math.Sqrt(3) * Math.Sqrt(2) / Math.Sqrt(400);
        var (_, std, maxAbs) = Moments(w);
        Assert.InRange(maxAbs, 0.99 * bound, bound);
        Assert.InRange(std, 0.97 * bound / Math.Sqrt(3), 1.03 * bound / Math.Sqrt(3));
        Init.KaimingUniform(w, mode: "fan_out", nonlinearity: "relu", generator: new Generator(3));
        Assert.InRange(Moments(w).MaxAbs, 0.99 * bound * 2, bound * 2); // fan_out 100 = fan_in / 4
        Assert.Throws<ArgumentException>(() => Init.KaimingUniform(w, mode: "fan_avg"));
    }

    [Fact]
    public void KaimingUniformWithASqrt5IsLinearsDefault()
    {
        var w = Init.KaimingUniform(Tensor.Zeros(50, 64), a: Math.Sqrt(5), generator: new Generator(4));
        Assert.InRange(Moments(w).MaxAbs, 0.98 / 8, 1.0 / 8 + 1e-7);
    }

    [Fact]
    public void KaimingNormalOnAConvWeight()
    {
        var w = Tensor.Zeros(64, 16, 3, 3);
        Init.KaimingNormal(w, mode: "fan_out", nonlinearity: "relu", generator: new Generator(5));
        double expected = Math.Sqrt(2) / Math.Sqrt(64 * 9);
        Assert.InRange(Moments(w).Std, 0.97 * expected, 1.03 * expected);
    }

    [Fact]
    public void UniformNormalConstantZerosOnes()
    {
        var (mean, std, maxAbs) = Moments(Init.Uniform(Tensor.Zeros(100, 100), -0.5, 0.5, new Generator(6)));
        Assert.InRange(maxAbs, 0.49, 0.5);
        Assert.InRange(std, 0.97 / Math.Sqrt(12), 1.03 / Math.Sqrt(12));
        (mean, std, _) = Moments(Init.Normal(Tensor.Zeros(100, 100), 3, 0.5, new Generator(7)));
        Assert.InRange(mean, 2.98, 3.02);
        Assert.InRange(std, 0.485, 0.515);
        Assert.All(Init.Constant(Tensor.Zeros(3), 2.5).ToArray(), v => Assert.Equal(2.5f, v));
        Assert.All(Init.Ones(Tensor.Zeros(3)).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(Init.Zeros(Tensor.Ones(3)).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void InitWorksOnParametersAndIsSeeded()
    {
        var p1 = new Parameter(Tensor.Zeros(4, 4));
        var p2 = new Parameter(Tensor.Zeros(4, 4));
        Init.XavierUniform(p1, generator: new Generator(11));
        Init.XavierUniform(p2, generator: new Generator(11));
        Assert.Equal(p1.ToArray(), p2.ToArray());
        Assert.True(p1.RequiresGrad);
        Assert.True(p1.IsLeaf);
    }
}
