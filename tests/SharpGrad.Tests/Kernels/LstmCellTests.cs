using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

public class LstmCellTests
{
    [Theory]
    [InlineData(1, true)]
    [InlineData(7, false)]
    [InlineData(33, true)]
    [InlineData(129, true)]
    [InlineData(1000, false)]
    public void VectorisedCellMatchesTheScalarLoop(int hid, bool withBias)
    {
        var rng = new Random(hid);
        double[] R(int n, double scale = 2) => Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
        double[] pre = R(4 * hid), bias = withBias ? R(4 * hid) : [], cPrev = R(hid), dh = R(hid), dcNext = R(hid);

        // float64: the vectorised kernel against the scalar reference, forward and backward
        double[] g1 = (double[])pre.Clone(), g2 = (double[])pre.Clone();
        double[] c1 = new double[hid], c2 = new double[hid], h1 = new double[hid], h2 = new double[hid];
        LstmCell.Forward<double>(g1, bias, cPrev, c1, h1);
        LstmCell.ForwardReference<double>(g2, bias, cPrev, c2, h2);
        AssertClose(g2, g1, 1e-14);
        AssertClose(c2, c1, 1e-14);
        AssertClose(h2, h1, 1e-14);
        double[] dc1 = (double[])dcNext.Clone(), dc2 = (double[])dcNext.Clone(), dg1 = new double[4 * hid], dg2 = new double[4 * hid];
        LstmCell.Backward<double>(g1, cPrev, c1, dh, dc1, dg1);
        LstmCell.BackwardReference<double>(g2, cPrev, c2, dh, dc2, dg2);
        AssertClose(dg2, dg1, 1e-14);
        AssertClose(dc2, dc1, 1e-14);

        // float32 against the float64 reference
        float[] gf = pre.Select(v => (float)v).ToArray(), cf = new float[hid], hf = new float[hid];
        LstmCell.Forward<float>(gf, bias.Select(v => (float)v).ToArray(), cPrev.Select(v => (float)v).ToArray(), cf, hf);
        AssertClose(h2, hf.Select(v => (double)v).ToArray(), 1e-5);
        float[] dcf = dcNext.Select(v => (float)v).ToArray(), dgf = new float[4 * hid];
        LstmCell.Backward<float>(gf, cPrev.Select(v => (float)v).ToArray(), cf, dh.Select(v => (float)v).ToArray(), dcf, dgf);
        AssertClose(dg2, dgf.Select(v => (double)v).ToArray(), 1e-5);
    }

    [Fact]
    public void RejectsMismatchedLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => LstmCell.Forward<float>(new float[8], [], new float[3], new float[2], new float[2]));
        Assert.Contains("H = 2", e.Message);
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * Math.Max(1, Math.Abs(expected[i])), $"[{i}] {expected[i]} vs {actual[i]}");
    }
}
