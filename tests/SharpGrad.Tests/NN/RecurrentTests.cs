using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>Recurrent layers: the fused cell kernels against the composite of primitive ops, names, init, errors.</summary>
public class RecurrentTests
{
    private static void Close(Tensor expected, Tensor actual, double tol = 1e-10) =>
        Assert.True(expected.Sub(actual).Abs().Max().Item() <= tol, $"max diff {expected.Sub(actual).Abs().Max().Item()}");

    [Fact]
    public void FusedLstmCellMatchesPrimitiveComposite()
    {
        var g = new Generator(5);
        var cell = new LSTMCell(3, 4, generator: g);
        Tensor x = Tensor.Randn([2, 3], g, DType.Float64), h = Tensor.Randn([2, 4], g, DType.Float64), c = Tensor.Randn([2, 4], g, DType.Float64);
        Tensor[] w = [.. cell.Parameters().Select(p => p.Detach().To(DType.Float64).RequiresGrad_())];
        Tensor[] leaves = [x.RequiresGrad_(), h.RequiresGrad_(), c.RequiresGrad_(), .. w];
        cell.Substitute = w;
        var (h1, c1) = cell.Forward(x, h, c);
        cell.Substitute = null;
        Tensor wy = Tensor.Randn([2, 4], g, DType.Float64);
        (h1 * wy + c1).Sum().Backward();
        var fused = leaves.Select(t => t.Grad!).ToArray();
        foreach (var t in leaves) t.ZeroGrad();

        Tensor gates = Tensor.Linear(x, w[0], w[2]) + Tensor.Linear(h, w[1], w[3]);
        var q = gates.Chunk(4, 1);
        Tensor ci = q[1].Sigmoid() * c + q[0].Sigmoid() * q[2].Tanh();
        Tensor hi = q[3].Sigmoid() * ci.Tanh();
        Close(hi, h1.Detach());
        Close(ci, c1.Detach());
        (hi * wy + ci).Sum().Backward();
        for (int k = 0; k < leaves.Length; k++) Close(leaves[k].Grad!, fused[k]);
    }

    [Fact]
    public void FusedGruCellMatchesPrimitiveComposite()
    {
        var g = new Generator(6);
        var cell = new GRUCell(3, 4, generator: g);
        Tensor x = Tensor.Randn([2, 3], g, DType.Float64), h = Tensor.Randn([2, 4], g, DType.Float64);
        Tensor[] w = [.. cell.Parameters().Select(p => p.Detach().To(DType.Float64).RequiresGrad_())];
        Tensor[] leaves = [x.RequiresGrad_(), h.RequiresGrad_(), .. w];
        cell.Substitute = w;
        Tensor h1 = cell.Forward(x, h);
        cell.Substitute = null;
        Tensor wy = Tensor.Randn([2, 4], g, DType.Float64);
        (h1 * wy).Sum().Backward();
        var fused = leaves.Select(t => t.Grad!).ToArray();
        foreach (var t in leaves) t.ZeroGrad();

        var gx = Tensor.Linear(x, w[0], w[2]).Chunk(3, 1);
        var gh = Tensor.Linear(h, w[1], w[3]).Chunk(3, 1);
        Tensor r = (gx[0] + gh[0]).Sigmoid(), z = (gx[1] + gh[1]).Sigmoid(), n = (gx[2] + r * gh[2]).Tanh();
        Tensor hi = (1.0 - z) * n + z * h;
        Close(hi, h1.Detach());
        (hi * wy).Sum().Backward();
        for (int k = 0; k < leaves.Length; k++) Close(leaves[k].Grad!, fused[k]);
    }

    [Fact]
    public void PyTorchParameterNamesAndInit()
    {
        var lstm = new LSTM(3, 16, numLayers: 2, bidirectional: true, generator: new Generator(1));
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"],
            lstm.StateDict().Keys.ToArray());
        Assert.Equal([64, 32], lstm.NamedParameters().First(p => p.Name == "weight_ih_l1").Parameter.ShapeArray);
        foreach (var p in lstm.Parameters())
            Assert.True(p.Abs().Max().Item() <= 0.25 + 1e-7);
        Assert.Equal(["weight_ih", "weight_hh", "bias_ih", "bias_hh"], new GRUCell(2, 3).StateDict().Keys.ToArray());
        Assert.Equal("LSTM(3, 16, num_layers=2, bidirectional=True)", lstm.ToString());
    }

    [Fact]
    public void FinalStatesAreTheLastStepsOfEachDirection()
    {
        var g = new Generator(3);
        var gru = new GRU(3, 4, bidirectional: true, batchFirst: true, generator: g);
        var (o, h) = gru.Forward(Tensor.Randn([2, 5, 3], g), null);
        Close(o.Narrow(1, 4, 1).Narrow(2, 0, 4).Reshape(2, 4), h.Narrow(0, 0, 1).Reshape(2, 4), 0);
        Close(o.Narrow(1, 0, 1).Narrow(2, 4, 4).Reshape(2, 4), h.Narrow(0, 1, 1).Reshape(2, 4), 0);
    }

    [Fact]
    public void RejectsBadShapes()
    {
        var lstm = new LSTM(3, 4);
        Assert.Throws<ShapeMismatchException>(() => lstm.Forward(Tensor.Zeros(5, 2, 2)));
        Assert.Throws<ShapeMismatchException>(() => lstm.Forward(Tensor.Zeros(5, 2, 3), Tensor.Zeros(2, 2, 4), null));
        Assert.Throws<ArgumentException>(() => new RNN(3, 4, nonlinearity: "sigmoid"));
    }
}
