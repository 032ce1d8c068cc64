namespace SharpGrad.Tests.Tensors;

public class DropoutAndWhereTests
{
    [Fact]
    public void DropoutKeepsAboutOneMinusPScaledAndIsSeeded()
    {
        var x = Tensor.Ones(10000);
        var y = x.Dropout(0.3, training: true, new Generator(1)).ToArray();
        double kept = y.Count(v => v != 0) / 10000.0;
        Assert.InRange(kept, 0.68, 0.72);
        Assert.All(y.Where(v => v != 0), v => Assert.Equal(1 / 0.7f, v, 5));
        Assert.Equal(y, x.Dropout(0.3, training: true, new Generator(1)).ToArray());
        Assert.Same(x, x.Dropout(0.3, training: false));
        Assert.Equal(new float[10000], x.Dropout(1.0).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Dropout(1.5));
    }

    [Fact]
    public void WhereAndMaskedFillSelectWithBroadcasting()
    {
        var cond = Tensor.FromArray(new float[] { 1, 0, 1 }, 3, 1);
        var a = Tensor.FromArray(new float[] { 1, 2 });
        var b = Tensor.Full([3, 2], -1);
        Assert.Equal([1f, 2f, -1f, -1f, 1f, 2f], Tensor.Where(cond, a, b).ToArray());
        var scores = Tensor.FromArray(new float[] { 0.5f, 1, 2, 3 }, 2, 2);
        var causal = Tensor.FromArray(new float[] { 0, 1, 0, 0 }, 2, 2);
        Assert.Equal([0.5f, float.NegativeInfinity, 2f, 3f], scores.MaskedFill(causal, double.NegativeInfinity).ToArray());
        Assert.Equal([1f, 0f], scores.MaskedFill(causal, double.NegativeInfinity).Softmax(-1).ToArray().Take(2).ToArray());
    }
}
