namespace SharpGrad.Tests.Tensors;

/// <summary>Edge cases found in review: empty dims, mixed dtypes, aliasing in-place writes, scalars where a dim is needed.</summary>
public class EdgeCaseTests
{
    [Fact]
    public void TensorsWithAnEmptyDimensionWorkThroughOps()
    {
        Assert.Equal([0f, 0f, 0f], Tensor.Zeros(3, 0).Sum(1).ToArray());
        Assert.Equal([2, 0], Tensor.Zeros(2, 0).Add(1.0).ShapeArray);
        Assert.Equal([3, 0], Tensor.Randn(3, 4).Narrow(1, 1, 0).Exp().ShapeArray);
        Assert.Equal(new float[24], Tensor.Zeros(2, 3, 0).MatMul(Tensor.Zeros(2, 0, 4)).ToArray());
        Assert.Equal([1f, 2f, 3f, 1f, 2f, 3f], Tensor.Linear(Tensor.Zeros(2, 0), Tensor.Zeros(3, 0), Tensor.FromArray(new float[] { 1, 2, 3 })).ToArray());
    }

    [Fact]
    public void MixedDTypeOpsGiveEachLeafAGradientOfItsOwnDType()
    {
        var a = Tensor.Randn(3).RequiresGrad_();
        var b = Tensor.Randn([3], null, DType.Float64).RequiresGrad_();
        var w = Tensor.Randn([2, 3], null, DType.Float64).RequiresGrad_();
        var y = (a * b + a).Sum() + Tensor.Linear(a.Reshape(1, 3), w).Sum() + a.MatMul(b);
        Assert.Equal(DType.Float64, y.DType);
        y.Backward();
        Assert.Equal(DType.Float32, a.Grad!.DType);
        Assert.Equal(DType.Float64, b.Grad!.DType);
        Assert.Equal(DType.Float64, w.Grad!.DType);
    }

    [Fact]
    public void InPlaceOpsOnInt64AreDTypeErrors()
    {
        var ids = Tensor.FromArray(new long[] { 1, 2 });
        Assert.Throws<DTypeMismatchException>(() => ids.MulInPlace(2));
        Assert.Throws<DTypeMismatchException>(() => ids.AddInPlace(Tensor.FromArray(new long[] { 1, 1 })));
        ids.Fill(7);
        Assert.Equal([7L, 7L], ids.ToArray<long>());
    }

    [Fact]
    public void InPlaceWritesHandleAliasing()
    {
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        x.CopyFrom(x.T);
        Assert.Equal([1f, 3f, 2f, 4f], x.ToArray());
        var v = Tensor.FromArray(new float[] { 1, 2, 3, 4 });
        v.Narrow(0, 1, 3).AddInPlace(v.Narrow(0, 0, 3));
        Assert.Equal([1f, 3f, 5f, 7f], v.ToArray());
        var one = Tensor.FromArray(new float[] { 1 });
        var e = Assert.Throws<InvalidOperationException>(() => one.Expand(3).AddInPlace(Tensor.FromArray(new float[] { 1, 2, 3 })));
        Assert.Contains("expanded view", e.Message);
    }

    [Fact]
    public void ModifyingTheSavedOutputOfMaxIsRefused()
    {
        var x = Tensor.FromArray(new float[] { 1, 5, 3 }).RequiresGrad_();
        var y = x.Max();
        y.Detach().MulInPlace(2);
        Assert.Throws<AutogradException>(() => y.Backward());
    }

    [Fact]
    public void ScalarsGiveClearErrorsWhereADimensionIsNeeded()
    {
        var s = Tensor.Scalar(1);
        Assert.Throws<ShapeMismatchException>(() => s.Size(0));
        Assert.Throws<ShapeMismatchException>(() => s.Narrow(0, 0, 1));
        Assert.Throws<ShapeMismatchException>(() => s.Slice(0, 0, 1));
        Assert.Throws<ShapeMismatchException>(() => s.Split(1));
        Assert.Throws<ShapeMismatchException>(() => s.IndexSelect(0, Tensor.FromArray(new long[] { 0 })));
        Assert.Throws<ShapeMismatchException>(() => Tensor.Concat([Tensor.Scalar(1), Tensor.Scalar(2)]));
        Assert.Throws<ShapeMismatchException>(() => Tensor.Ones(1).Expand(-2));
        Assert.Equal(1.0, s.Sum(0).Item()); // reductions over dim 0 of a scalar are allowed, as in PyTorch
    }
}
