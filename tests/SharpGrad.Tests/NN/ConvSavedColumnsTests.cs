using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>Inside a TensorScope the convolution keeps its im2col columns for the weight gradient; the results must not change.</summary>
public class ConvSavedColumnsTests
{
    [Theory]
    [InlineData(1, 1, 0, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 2, 2, 2)]
    [InlineData(2, 3, 1, 1)] // groups 2 and 3 need matching channels below
    public void Gradients_with_saved_columns_equal_those_without(int stride, int dilation, int padding, int groups)
    {
        int inC = 6, outC = 6;
        (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(bool scoped)
        {
            var g = new Generator(4);
            var x = Tensor.Randn([5, inC, 11, 9], g).RequiresGrad_();
            var w = Tensor.Randn([outC, inC / groups, 3, 3], g).RequiresGrad_();
            var b = Tensor.Randn([outC], g).RequiresGrad_();
            using var scope = scoped ? TensorScope.Begin() : null;
            Tensor y = Functional.Conv2d(x, w, b, stride, padding, dilation, groups);
            var up = Tensor.Randn(y.ShapeArray, g);
            (y * up).Sum().Backward();
            return (y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray());
        }
        var plain = Run(false);
        var scoped = Run(true);
        Assert.Equal(plain.Y, scoped.Y);
        Assert.Equal(plain.Dx, scoped.Dx);
        Assert.Equal(plain.Dw, scoped.Dw);
        Assert.Equal(plain.Db, scoped.Db);
    }
}
