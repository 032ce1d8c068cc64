namespace SharpGrad.Tests.Tensors;

public class CreationAndViewTests
{
    [Fact]
    public void CreationFunctionsProduceTheExpectedValues()
    {
        Assert.Equal([0f, 0f, 0f], Tensor.Zeros(3).ToArray());
        Assert.Equal([1f, 1f], Tensor.Ones(2).ToArray());
        Assert.Equal([2.5f, 2.5f], Tensor.Full([2], 2.5).ToArray());
        Assert.Equal([0f, 1f, 2f, 3f], Tensor.Arange(4).ToArray());
        Assert.Equal([1f, 1.5f, 2f, 2.5f], Tensor.Arange(1, 3, 0.5).ToArray());
        Assert.Equal([0f, 0.25f, 0.5f, 0.75f, 1f], Tensor.Linspace(0, 1, 5).ToArray());
        Assert.Equal([1f, 0f, 0f, 0f, 1f, 0f], Tensor.Eye(2, 3).ToArray());
        Assert.Equal(DType.Float64, Tensor.Zeros([2], DType.Float64).DType);
        Assert.Equal(0, Tensor.Scalar(3).Rank);
        Assert.Equal(3.0, Tensor.Scalar(3).Item());
    }

    [Fact]
    public void RandomCreationIsSeededAndHasTheRightMoments()
    {
        var a = Tensor.Randn([10000], new Generator(5));
        var b = Tensor.Randn([10000], new Generator(5));
        Assert.Equal(a.ToArray(), b.ToArray());
        Assert.InRange(a.Mean().Item(), -0.05, 0.05);
        Assert.InRange(a.Var().Item(), 0.95, 1.05);
        var u = Tensor.Rand([10000], new Generator(6));
        Assert.InRange(u.Min().Item(), 0, 0.01);
        Assert.InRange(u.Max().Item(), 0.99, 1);
        var r = Tensor.RandInt(3, 7, [1000], new Generator(7)).ToArray<long>();
        Assert.Equal(3, r.Min());
        Assert.Equal(6, r.Max());
        Generator.ManualSeed(9);
        var c = Tensor.Randn(4);
        Generator.ManualSeed(9);
        Assert.Equal(c.ToArray(), Tensor.Randn(4).ToArray());
    }

    [Fact]
    public void ViewsShareStorageAndDoNotCopy()
    {
        var x = Tensor.Arange(6).Reshape(2, 3);
        var t = x.T;
        Assert.Equal([3, 2], t.ShapeArray);
        Assert.False(t.IsContiguous);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], t.ToArray());
        x.Fill(1);
        Assert.Equal(1.0, t[2, 1]);
    }

    [Fact]
    public void ViewOpsComputeShapesAndValues()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        Assert.Equal([4, 2, 3], x.Permute(2, 0, 1).ShapeArray);
        Assert.Equal(13.0, x.Permute(2, 0, 1)[1, 1, 0]);
        Assert.Equal([2, 1, 3, 4], x.Unsqueeze(1).ShapeArray);
        Assert.Equal([2, 3, 4], x.Unsqueeze(1).Squeeze().ShapeArray);
        Assert.Equal([2, 3, 4, 1], x.Unsqueeze(-1).ShapeArray);
        Assert.Equal([4f, 5f, 6f, 7f, 16f, 17f, 18f, 19f], x.Narrow(1, 1, 1).ToArray());
        Assert.Equal([1f, 3f], Tensor.Arange(5).Slice(0, 1, -1, 2).ToArray());
        Assert.Equal([0f, 0f, 1f, 1f], Tensor.Arange(2).Reshape(2, 1).Expand(2, 2).ToArray());
        Assert.Equal([6, 4], x.Flatten(0, 1).ShapeArray);
        Assert.Equal([2, 12], x.Reshape(2, -1).ShapeArray);
        Assert.True(x.Transpose(0, 2).Contiguous().IsContiguous);
        Assert.Equal(x.Transpose(0, 2).ToArray(), x.Transpose(0, 2).Contiguous().ToArray());
    }

    [Fact]
    public void BroadcastingFollowsNumPyRules()
    {
        var a = Tensor.Arange(3).Reshape(3, 1);
        var b = Tensor.Arange(4);
        var c = a * 10 + b;
        Assert.Equal([3, 4], c.ShapeArray);
        Assert.Equal([0f, 1f, 2f, 3f, 10f, 11f, 12f, 13f, 20f, 21f, 22f, 23f], c.ToArray());
        Assert.Equal([2, 3, 4], (Tensor.Zeros(2, 1, 4) + Tensor.Zeros(3, 1)).ShapeArray);
    }

    [Fact]
    public void ReductionsOpsAndIndexingGiveHandComputedValues()
    {
        var x = Tensor.FromArray(new float[] { 1, 5, 2, 4, 3, 0 }, 2, 3);
        Assert.Equal([8f, 7f], x.Sum(1).ToArray());
        Assert.Equal([2, 1], x.Sum(1, keepDim: true).ShapeArray);
        Assert.Equal(2.5, x.Mean().Item());
        Assert.Equal([4f, 5f, 2f], x.Max(0).ToArray());
        Assert.Equal([1, 0], x.Argmax(1).ToArray<int>());
        Assert.Equal(1, (int)x.Argmax().Item());
        Assert.Equal([1f, 0f], x.Min(1).ToArray());
        Assert.Equal(3.5, x.Var().Item(), 5);
        Assert.Equal([5f, 4f], x.Gather(1, Tensor.FromArray(new long[] { 1, 0 }, 2, 1)).ToArray());
        Assert.Equal([4f, 3f, 0f, 1f, 5f, 2f], x.IndexSelect(0, Tensor.FromArray(new long[] { 1, 0 })).ToArray());
        Assert.Equal([1f, 5f, 2f, 4f, 3f, 0f, 1f, 5f, 2f], Tensor.Concat([x, x.Narrow(0, 0, 1)]).ToArray());
        Assert.Equal([2, 2, 3], Tensor.Stack([x, x]).ShapeArray);
        Assert.Equal([1, 1, 1, 0], x.Chunk3());
        Assert.Equal([1f, 9f, 2f, 4f, 3f, 9f], x.MaskedFill(x.Gt(4).Add(x.Eq(0)), 9).ToArray());
        Assert.Equal([1f, 0f, 0f, 1f, 0f, 1f], x.Le(1).Add(x.Eq(4)).ToArray());
        Assert.Equal(14.0, Tensor.Arange(4).MatMul(Tensor.Arange(4)).Item());
        Assert.Equal([5f, 4f], x.MatMul(Tensor.FromArray(new float[] { 1, 0, 2 })).ToArray());
    }
}

internal static class TensorTestExtensions
{
    /// <summary>Sizes of the pieces Chunk(3, dim 1) gives for a (2,3) tensor, then the count of a Split(2) remainder.</summary>
    public static int[] Chunk3(this Tensor x) => [.. x.Chunk(3, 1).Select(c => c.Size(1)), x.Split(2, 1)[1].Size(1) - 1];
}
