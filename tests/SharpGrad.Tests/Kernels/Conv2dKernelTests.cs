using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

/// <summary>
/// The im2col + GEMM convolution and the pooling kernels against the naive direct loops, on awkward sizes: odd spatial
/// sizes, non-square kernels, stride, padding (symmetric and asymmetric), dilation, groups, 1×1 kernels, H or W = 1.
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class Conv2dKernelTests
{
    // (N, C, H, W, OutC, KH, KW, SH, SW, PadTop, PadBottom, PadLeft, PadRight, DH, DW, Groups)
    public static TheoryData<int[]> Geometries() =>
    [
        [2, 3, 7, 9, 6, 3, 2, 2, 2, 1, 1, 1, 1, 2, 2, 3],
        [2, 3, 7, 9, 4, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1],
        [3, 4, 5, 6, 8, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1],   // pointwise
        [2, 4, 5, 6, 6, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 2],   // pointwise, groups
        [2, 4, 5, 6, 4, 1, 1, 2, 3, 1, 0, 0, 1, 1, 1, 4],   // 1×1 strided, padded (depthwise)
        [2, 2, 1, 9, 3, 1, 3, 1, 2, 0, 0, 2, 2, 1, 1, 1],   // H = 1
        [1, 2, 8, 1, 2, 3, 1, 3, 1, 1, 1, 0, 0, 1, 1, 2],   // W = 1
        [2, 3, 6, 7, 5, 4, 4, 1, 1, 1, 2, 1, 2, 1, 1, 1],   // "same" for an even kernel (asymmetric)
        [1, 1, 4, 4, 1, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1],   // kernel larger than the input, padding makes up
        [4, 6, 11, 13, 4, 3, 5, 3, 2, 2, 1, 3, 0, 2, 1, 2],
        [130, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1], // more images than chunks
    ];

    private static Conv2dGeometry Geo(int[] a) => new(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);

    private static double[] Rand(Random r, int n) => Enumerable.Range(0, n).Select(_ => r.NextDouble() * 2 - 1).ToArray();

    [Theory]
    [MemberData(nameof(Geometries))]
    public void ForwardAndBackwardMatchTheNaiveLoops(int[] sizes)
    {
        var g = Geo(sizes);
        var r = new Random(sizes.Sum());
        double[] x = Rand(r, g.N * g.C * g.H * g.W), w = Rand(r, g.OutC * g.KG), b = Rand(r, g.OutC), dy = Rand(r, g.N * g.OutC * g.OutPlane);
        var yRef = new double[dy.Length];
        Conv2dReference.Forward<double>(x, w, b, yRef, g);
        double[] dxRef = new double[x.Length], dwRef = new double[w.Length], dbRef = new double[b.Length];
        Conv2dReference.Backward<double>(x, w, dy, dxRef, dwRef, dbRef, g);

        // float64
        var y = new double[dy.Length];
        Conv2d.Forward(x, 0, w, 0, b, 0, y, 0, g);
        Close(yRef, y, 1e-12);
        double[] dx = new double[x.Length], dw = new double[w.Length], db = new double[b.Length];
        Conv2d.Backward(x, 0, w, 0, dy, 0, dx, dw, db, g);
        Close(dxRef, dx, 1e-12);
        Close(dwRef, dw, 1e-11);
        Close(dbRef, db, 1e-11);

        // float32, with offsets into the arrays
        float[] F(double[] v, int pad) => [.. new float[pad], .. v.Select(t => (float)t)];
        var yf = new float[dy.Length];
        Conv2d.Forward(F(x, 3), 3, F(w, 1), 1, F(b, 2), 2, yf, 0, g);
        Close(yRef, yf.Select(v => (double)v).ToArray(), 1e-4);
        float[] dxf = new float[x.Length], dwf = new float[w.Length], dbf = new float[b.Length];
        Conv2d.Backward(F(x, 5), 5, F(w, 0), 0, F(dy, 7), 7, dxf, dwf, dbf, g);
        Close(dxRef, dxf.Select(v => (double)v).ToArray(), 1e-4);
        Close(dwRef, dwf.Select(v => (double)v).ToArray(), 1e-3);
        Close(dbRef, dbf.Select(v => (double)v).ToArray(), 1e-3);

        // only some gradients
        var dx2 = new double[x.Length];
        Conv2d.Backward<double>(x, 0, w, 0, dy, 0, dx2, null, null, g);
        Assert.Equal(dx, dx2);
        var dw2 = new double[w.Length];
        Conv2d.Backward<double>(x, 0, w, 0, dy, 0, null, dw2, null, g);
        Assert.Equal(dw, dw2);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var g = Geo([64, 8, 12, 12, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
        var r = new Random(3);
        float[] x = Rand(r, g.N * g.C * g.H * g.W).Select(v => (float)v).ToArray(), w = Rand(r, g.OutC * g.KG).Select(v => (float)v).ToArray();
        float[] dy = Rand(r, g.N * g.OutC * g.OutPlane).Select(v => (float)v).ToArray();
        (float[], float[], float[]) Run()
        {
            var y = new float[dy.Length];
            Conv2d.Forward(x, 0, w, 0, null, 0, y, 0, g);
            float[] dx = new float[x.Length], dw = new float[w.Length];
            Conv2d.Backward(x, 0, w, 0, dy, 0, dx, dw, null, g);
            return (y, dx, dw);
        }
        var one = KernelThreadCount.With(1, Run);
        var all = KernelThreadCount.With(Environment.ProcessorCount, Run);
        Assert.Equal(one.Item1, all.Item1);
        Assert.Equal(one.Item2, all.Item2);
        Assert.Equal(one.Item3, all.Item3);
    }

    [Fact]
    public void PoolingMatchesNaiveLoops()
    {
        var r = new Random(11);
        foreach (var (h, w, k, s, p, d, ceil) in new[] { (7, 9, 3, 2, 1, 1, false), (7, 9, 3, 2, 1, 2, true), (6, 6, 2, 2, 0, 1, false), (5, 1, 2, 1, 1, 1, false), (8, 8, 3, 3, 0, 1, true) })
        {
            int oh = Pool2dGeometry.OutSize(h, k, s, p, d, ceil), ow = Pool2dGeometry.OutSize(w, k, s, p, d, ceil);
            var g = new Pool2dGeometry(6, h, w, k, k, s, s, p, p, d, d, oh, ow);
            double[] x = Rand(r, 6 * h * w);
            var y = new double[6 * oh * ow];
            var idx = new int[y.Length];
            Pool2d.MaxForward(x, 0, y, idx, g);
            for (int pl = 0; pl < 6; pl++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double best = double.NegativeInfinity;
                        for (int ki = 0; ki < k; ki++)
                            for (int kj = 0; kj < k; kj++)
                            {
                                int ih = i * s - p + ki * d, iw = j * s - p + kj * d;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < w) best = Math.Max(best, x[pl * h * w + ih * w + iw]);
                            }
                        Assert.Equal(best, y[(pl * oh + i) * ow + j]);
                        Assert.Equal(best, x[pl * h * w + idx[(pl * oh + i) * ow + j]]);
                    }
            if (d != 1) continue;
            var avg = new double[y.Length];
            Pool2d.AvgForward(x, 0, avg, countIncludePad: false, g);
            for (int pl = 0; pl < 6; pl++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = 0;
                        int count = 0;
                        for (int ki = 0; ki < k; ki++)
                            for (int kj = 0; kj < k; kj++)
                            {
                                int ih = i * s - p + ki, iw = j * s - p + kj;
                                if (ih >= 0 && ih < h && iw >= 0 && iw < w) { sum += x[pl * h * w + ih * w + iw]; count++; }
                            }
                        Assert.Equal(sum / count, avg[(pl * oh + i) * ow + j], 12);
                    }
        }
    }

    [Fact]
    public void MaxPoolTiesGoToTheFirstMaximum()
    {
        // windows [1 1; 1 0] and [3 3; 0 3]: the gradient goes to the first maximum of each (row-major)
        var x = Tensor.FromArray(new float[] { 1, 1, 3, 3, 1, 0, 0, 3 }, 1, 1, 2, 4).RequiresGrad_();
        var y = SharpGrad.NN.Functional.MaxPool2d(x, 2);
        Assert.Equal([1f, 3f], y.ToArray());
        y.Sum().Backward();
        Assert.Equal([1f, 0, 1, 0, 0, 0, 0, 0], x.Grad!.ToArray());
    }

    private static void Close(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"[{i}] expected {expected[i]}, got {actual[i]}");
    }
}
