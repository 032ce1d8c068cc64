namespace SharpGrad.Tests.Tensors;

public class IndexSelectTests
{
    [Fact]
    public void IndexSelect_picks_along_any_dimension_of_contiguous_and_strided_tensors()
    {
        var x = Tensor.Arange(0, 24).Reshape(2, 3, 4);
        var y = x.IndexSelect(1, Tensor.FromArray(new long[] { 2, 0, 2 }));
        Assert.Equal([2, 3, 4], y.ShapeArray);
        Assert.Equal([8f, 9f, 10f, 11f, 0f, 1f, 2f, 3f, 8f, 9f, 10f, 11f], y.Narrow(0, 0, 1).Contiguous().ToArray());
        Assert.Equal([3f, 7f, 11f, 15f, 19f, 23f], x.IndexSelect(2, Tensor.FromArray(new long[] { 3 })).ToArray());
        Assert.Equal([1f, 5f, 9f, 13f, 17f, 21f], x.Transpose(1, 2).IndexSelect(1, Tensor.FromArray(new long[] { 1 })).Contiguous().ToArray());
        Assert.Equal([4L, 5L], Tensor.FromArray(new long[] { 3, 4, 5 }).IndexSelect(0, Tensor.FromArray(new long[] { 1, 2 })).ToArray<long>());
    }

    [Fact]
    public void IndexSelect_gradient_accumulates_repeated_indices_and_matches_finite_differences()
    {
        var idx = Tensor.FromArray(new long[] { 2, 0, 2 });
        var g = new Generator(5);
        var a = Tensor.Randn([2, 3, 4], g).To(DType.Float64).RequiresGrad_();
        var w = Tensor.Randn([2, 3, 4], g).To(DType.Float64);
        Assert.True(GradCheck.Check(t => (t[0].IndexSelect(1, idx) * w).Sum(), [a]).Passed);

        a.IndexSelect(1, idx).Sum().Backward();
        double[] grad = a.Grad!.ToArray<double>();
        for (int o = 0; o < 2; o++)
            for (int k = 0; k < 4; k++)
            {
                Assert.Equal(1.0, grad[o * 12 + 0 * 4 + k]);
                Assert.Equal(0.0, grad[o * 12 + 1 * 4 + k]);
                Assert.Equal(2.0, grad[o * 12 + 2 * 4 + k]);
            }
    }
}
