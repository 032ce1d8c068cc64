using SharpGrad.NN;

namespace SharpGrad.Tests.Kernels;

/// <summary>The vectorized 2×2/2 float max pooling against the scalar double path (the reference), including ties and NaN.</summary>
public class MaxPoolVectorTests
{
    [Theory]
    [InlineData(26, 26)] // 13×13 windows: vector blocks plus a scalar tail
    [InlineData(11, 11)] // 5×5: the odd last row and column are dropped
    [InlineData(4, 6)]   // 6 windows: scalar only
    [InlineData(32, 8)]
    [InlineData(10, 33)] // 16 windows a row: two vector blocks of the backward, odd last column
    [InlineData(7, 36)]  // 18 a row: vector blocks plus a scalar tail, odd last row
    public void Float_max_pool_matches_the_double_reference_in_values_and_gradient(int h, int w)
    {
        var g = new Generator(7);
        // values from a small set, so windows have ties (the first maximum must win) and a few NaN
        float[] data = Tensor.RandInt(0, 5, [3, 2, h, w], g).To(DType.Float32).ToArray();
        data[5] = float.NaN;
        data[w + 2] = float.NaN;
        data[^1] = float.NaN;
        var x32 = Tensor.FromArray(data, 3, 2, h, w).RequiresGrad_();
        var x64 = x32.Detach().To(DType.Float64).RequiresGrad_();
        var y32 = Functional.MaxPool2d(x32, 2);
        var y64 = Functional.MaxPool2d(x64, 2);
        Assert.Equal(y64.ToArray<double>().Select(v => (float)v).ToArray(), y32.ToArray());

        var upstream = Tensor.Randn(y32.ShapeArray, g);
        (y32 * upstream).Sum().Backward();
        (y64 * upstream.To(DType.Float64)).Sum().Backward();
        Assert.Equal(x64.Grad!.ToArray<double>().Select(v => (float)v).ToArray(), x32.Grad!.ToArray());

        // and both against the definition: each window's gradient goes to its first maximum (NaN counts as the maximum),
        // every element outside the windows (odd last row or column) gets 0
        float[] up = upstream.ToArray(), dx = x32.Grad!.ToArray(), expected = new float[data.Length];
        int oh = h / 2, ow = w / 2;
        for (int plane = 0; plane < 6; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int best = -1;
                    foreach (int at in new[] { (2 * i) * w + 2 * j, (2 * i) * w + 2 * j + 1, (2 * i + 1) * w + 2 * j, (2 * i + 1) * w + 2 * j + 1 })
                    {
                        float v = data[plane * h * w + at];
                        if (best < 0 || v > data[plane * h * w + best] || float.IsNaN(v)) best = at;
                    }
                    expected[plane * h * w + best] += up[plane * oh * ow + i * ow + j];
                }
        Assert.Equal(expected, dx);
    }
}
