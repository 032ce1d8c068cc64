using SharpGrad.Optim;

namespace SharpGrad.Tests.Optim;

public class GradClipTests
{
    private static Tensor WithGrad(double[] grad)
    {
        var p = Tensor.Zeros([grad.Length], DType.Float64).RequiresGrad_();
        p.Grad = Tensor.FromArray(grad, grad.Length);
        return p;
    }

    [Fact]
    public void ClipGradNormScalesByMaxNormOverTotal()
    {
        // grads (3, 4) and (12): total ‖·‖₂ = √(9 + 16 + 144) = 13; coefficient = 6.5/(13 + 1e-6)
        var a = WithGrad([3, 4]); var b = WithGrad([12]);
        double total = GradClip.ClipGradNorm([a, b], 6.5);
        Assert.Equal(13, total, 12);
        double c = 6.5 / (13 + 1e-6);
        Assert.Equal([3 * c, 4 * c], a.Grad!.ToArray<double>());
        Assert.Equal([12 * c], b.Grad!.ToArray<double>());
    }

    [Fact]
    public void ClipGradNormLeavesSmallGradientsAlone()
    {
        var a = WithGrad([0.3, -0.4]);
        Assert.Equal(0.5, GradClip.ClipGradNorm([a], 1.0), 12);
        Assert.Equal([0.3, -0.4], a.Grad!.ToArray<double>());
    }

    [Fact]
    public void OtherNormsInfinityAndNoGradients()
    {
        var a = WithGrad([3, -4]); var b = WithGrad([1]);
        Assert.Equal(8, GradClip.ClipGradNorm([a, b], 100, normType: 1), 12);
        Assert.Equal(4, GradClip.ClipGradNorm([a, b], 100, normType: double.PositiveInfinity), 12);
        GradClip.ClipGradNorm([a, b], 2, normType: double.PositiveInfinity); // coefficient 2/(4 + 1e-6)
        Assert.Equal(-4 * 2 / (4 + 1e-6), a.Grad!.ToArray<double>()[1], 12);
        Assert.Equal(Math.Pow(27 + 64 + 1, 1.0 / 3), GradClip.ClipGradNorm([WithGrad([3, -4]), WithGrad([1])], 100, normType: 3), 12);
        Assert.Equal(0, GradClip.ClipGradNorm([Tensor.Zeros(2).RequiresGrad_()], 1));
    }

    [Fact]
    public void NonFiniteTotalNormThrowsOnlyWhenAsked()
    {
        var a = WithGrad([double.NaN, 1]);
        var e = Assert.Throws<ArithmeticException>(() => GradClip.ClipGradNorm([a], 1, errorIfNonFinite: true));
        Assert.Contains("non-finite", e.Message);
        Assert.Equal(1, a.Grad!.ToArray<double>()[1]); // untouched
        Assert.True(double.IsNaN(GradClip.ClipGradNorm([a], 1)));
        Assert.True(double.IsNaN(a.Grad!.ToArray<double>()[1])); // scaled by NaN, as in PyTorch
        Assert.True(double.IsPositiveInfinity(GradClip.ClipGradNorm([WithGrad([double.PositiveInfinity])], 1, double.PositiveInfinity)));
    }

    [Fact]
    public void ClipGradValueClampsEachElement()
    {
        var a = WithGrad([-3, -0.5, 0, 0.5, 3, double.NaN]);
        var f = Tensor.Zeros(3).RequiresGrad_();
        f.Grad = Tensor.FromArray([-2f, 0.1f, 2f], 3);
        GradClip.ClipGradValue([a, f], 1);
        var v = a.Grad!.ToArray<double>();
        Assert.Equal([-1, -0.5, 0, 0.5, 1], v[..5]);
        Assert.True(double.IsNaN(v[5]));
        Assert.Equal([-1f, 0.1f, 1f], f.Grad!.ToArray());
    }
}
