using SharpGrad.NN;

namespace SharpGrad.Tests.Regression;

/// <summary>
/// the 2×2/2 fast path of Pool2d.MaxPlane is taken in ceil mode too, where the last window row/column
/// hangs over the plane. The scalar loop then throws; the new AVX2 gather (MaxPlane2x2Avx2) instead silently reads past
/// the plane (the next plane, or past the array) whenever OH·OW is a multiple of 8.
/// </summary>
public class MaxPoolCeilModeTests
{
    [Fact]
    public void MaxPool2d_ceil_mode_with_odd_height_only_uses_rows_of_the_plane()
    {
        // big: 2 planes of 3×16; x is the first plane (a contiguous view: the second plane follows it in memory).
        var data = new float[2 * 3 * 16];
        for (int i = 0; i < 48; i++) data[i] = -(i % 7) - 1;   // plane 0: all negative
        for (int i = 48; i < 96; i++) data[i] = 100 + i;        // plane 1: large
        var big = Tensor.FromArray(data, 1, 2, 3, 16);
        var x = big.Narrow(1, 0, 1);

        Tensor y = Functional.MaxPool2d(x, 2, ceilMode: true); // (1, 1, 2, 8), as in PyTorch
        Assert.Equal(new[] { 1, 1, 2, 8 }, y.Shape.ToArray());
        float[] v = y.ToArray();
        for (int j = 0; j < 8; j++)
        {
            float expected = Math.Max(data[2 * 16 + 2 * j], data[2 * 16 + 2 * j + 1]); // last window: row 2 only
            Assert.Equal(expected, v[8 + j]);
        }
    }
}
