namespace SharpGrad.Tests.Tensors;

public class ErrorMessageTests
{
    [Fact]
    public void BroadcastMismatchNamesTheOpAndBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(4));
        Assert.Contains("Add", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Fact]
    public void MatMulInnerDimensionMismatchNamesBothShapes()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(2, 3).MatMul(Tensor.Zeros(4, 5)));
        Assert.Contains("MatMul", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[4, 5]", e.Message);
    }

    [Fact]
    public void LinearMismatchNamesInputAndWeight()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Linear(Tensor.Zeros(8, 20), Tensor.Zeros(10, 21)));
        Assert.Contains("Linear", e.Message);
        Assert.Contains("[8, 20]", e.Message);
        Assert.Contains("[10, 21]", e.Message);
    }

    [Fact]
    public void ReshapeToWrongSizeIsClear()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Zeros(2, 3).Reshape(4, 2));
        Assert.Contains("[4, 2]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void ViewOfNonContiguousTensorSuggestsReshape()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 3).T.View(6));
        Assert.Contains("Reshape", e.Message);
    }

    [Fact]
    public void FromArrayWithWrongCountIsClear()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.FromArray(new float[5], 2, 3));
        Assert.Contains("6", e.Message);
        Assert.Contains("5", e.Message);
    }

    [Fact]
    public void IntegerTensorIntoAFloatingOpIsADTypeError()
    {
        var ids = Tensor.FromArray(new long[] { 1, 2 });
        var e = Assert.Throws<DTypeMismatchException>(() => ids.Exp());
        Assert.Contains("Int64", e.Message);
        Assert.Contains("To(DType.Float32)", e.Message);
    }

    [Fact]
    public void FloatIndexIsADTypeError()
    {
        var e = Assert.Throws<DTypeMismatchException>(() => Tensor.Zeros(3, 2).IndexSelect(0, Tensor.FromArray(new float[] { 1 })));
        Assert.Contains("Int64", e.Message);
    }

    [Fact]
    public void OutOfRangeDimIsAnArgumentOutOfRangeError()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2));
        Assert.Contains("[-2, 1]", e.Message);
        Assert.Contains("Sum", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Softmax(-3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Transpose(0, 5));
    }

    [Fact]
    public void OutOfRangeIndexIsAnIndexError()
    {
        var e = Assert.Throws<IndexOutOfRangeException>(() => Tensor.Zeros(3, 2).IndexSelect(0, Tensor.FromArray(new long[] { 0, 3 })));
        Assert.Contains("3", e.Message);
        Assert.Contains("size 3", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => Tensor.Zeros(3, 4).Gather(1, Tensor.FromArray(new long[] { 4, 0, 0 }, 3, 1)));
        Assert.Throws<IndexOutOfRangeException>(() => _ = Tensor.Zeros(3, 2)[3, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(3, 2).Narrow(0, 2, 2));
    }

    [Fact]
    public void ItemOnManyElementsIsClear()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Tensor.Zeros(2).Item());
        Assert.Contains("one-element", e.Message);
    }

    [Fact]
    public void MixedFloatDTypesPromoteToFloat64()
    {
        var y = Tensor.Ones(2) + Tensor.Ones([2], DType.Float64);
        Assert.Equal(DType.Float64, y.DType);
    }

    [Fact]
    public void ConcatOfMismatchedShapesNamesBoth()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => Tensor.Concat([Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)], 0));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[3, 2]", e.Message);
    }
}
