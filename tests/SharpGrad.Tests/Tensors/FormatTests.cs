namespace SharpGrad.Tests.Tensors;

public class FormatTests
{
    [Fact]
    public void MatrixPrintsLikePyTorch()
    {
        var x = Tensor.FromArray(new float[] { 0.1f, -1.2f, 3, 4 }, 2, 2);
        Assert.Equal("tensor([[ 0.1000, -1.2000],\n        [ 3.0000,  4.0000]])", x.ToString());
    }

    [Fact]
    public void IntegerValuedFloatsAndFlagsPrintLikePyTorch()
    {
        Assert.Equal("tensor([1., 2., 3.], requires_grad=True)", Tensor.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_().ToString());
        Assert.Equal("tensor(5.)", Tensor.Scalar(5).ToString());
        Assert.Equal("tensor([1, 2])", Tensor.FromArray(new long[] { 1, 2 }).ToString());
        Assert.Equal("tensor([0.5000], dtype=Float64)", Tensor.FromArray(new double[] { 0.5 }).ToString());
        Assert.Equal("tensor([1.0000e-05, 1.0000e+00])", Tensor.FromArray(new float[] { 1e-5f, 1 }).ToString());
    }

    [Fact]
    public void LargeTensorsAreSummarised()
    {
        Assert.Equal("tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])", Tensor.Arange(1001).ToString());
        Assert.Equal("tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])", Tensor.Arange(2000).ToString());
    }
}
