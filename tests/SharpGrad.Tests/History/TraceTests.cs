using SharpGrad.History;
using SharpGrad.NN;

namespace SharpGrad.Tests.Tracing;

public class TraceTests
{
    private static (Sequential Model, Tensor X, Tensor T) Xor(ulong seed = 0) =>
        (BackpropDemo.BuildNetwork(seed), Tensor.FromArray(new float[] { 1, 0 }, 1, 2), Tensor.FromArray(new float[] { 1 }, 1, 1));

    /// <summary>Autograd's own leaf gradients for the same computation, from a plain Backward().</summary>
    private static Dictionary<string, double[]> AutogradGrads(Func<Tensor> loss, params (string Name, Tensor Leaf)[] leaves)
    {
        foreach (var (_, l) in leaves) l.Grad = null;
        loss().Backward();
        var result = leaves.ToDictionary(l => l.Name, l => l.Leaf.Grad!.ToArray<double>());
        foreach (var (_, l) in leaves) l.Grad = null;
        return result;
    }

    [Fact]
    public void XorTraceGradientsEqualAutogradAndFiniteDifferences()
    {
        var (model, x, t) = Xor();
        var leaves = model.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)).ToArray();
        var fused = AutogradGrads(() => new MSELoss().Forward(model.Forward(x), t), leaves);
        // The tracer records the layers one by one; outside a trace this network runs as one fused kernel, whose
        // gradients agree to float rounding. Layer by layer, the numbers are the same bits.
        model.FuseLayers = false;
        var expected = AutogradGrads(() => new MSELoss().Forward(model.Forward(x), t), leaves);
        foreach (var (name, grad) in expected)
            for (int i = 0; i < grad.Length; i++) Assert.Equal(grad[i], fused[name][i], 1e-6);

        BackwardTrace trace = BackpropTracer.Trace(model, x, t, new MSELoss());

        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], trace.Leaves.Select(l => l.Name));
        foreach (var leaf in trace.Leaves)
        {
            Assert.Equal(expected[leaf.Name], leaf.Gradient); // the same engine, the same numbers
            Assert.NotNull(leaf.Check);
            Assert.True(leaf.Check!.Passed, $"{leaf.Name}: {leaf.Check.Mark}");
            for (int i = 0; i < leaf.Gradient.Length; i++)
                Assert.Equal(leaf.Gradient[i], leaf.Check.Numerical[i], 1e-4);
        }
        Assert.True(trace.AllChecksPassed, trace.ToString());
        Assert.Equal(new MSELoss().Forward(model.Forward(x), t).Item(), trace.Loss, 1e-7);
        // the trace leaves the parameters' gradients as it found them
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void XorTraceListsTheOpsAndRulesInOrder()
    {
        var (model, x, t) = Xor();
        BackwardTrace trace = BackpropTracer.Trace(model, x, t, new MSELoss());

        Assert.Equal(["Linear", "Sigmoid", "Linear", "Sigmoid", "MseLoss"], trace.Forward.Select(n => n.Op));
        Assert.Equal(["x", "0.weight", "0.bias"], trace.Forward[0].Inputs);
        Assert.Equal(["#3", "t"], trace.Forward[4].Inputs);
        Assert.Equal([1, 2], trace.Forward[1].OutputShape);
        Assert.Equal(["MseLossBackward", "SigmoidBackward", "LinearBackward", "SigmoidBackward", "LinearBackward"], trace.Backward.Select(s => s.NodeName));
        Assert.Equal([4, 3, 2, 1, 0], trace.Backward.Select(s => s.NodeIndex));
        Assert.Equal("y = σ(x): dx = g·y(1 − y)", trace.Backward[1].Rule);
        Assert.Contains("dW = dYᵀ·X", trace.Backward[2].Rule);
        Assert.Contains("2(x − t)/N", trace.Backward[0].Rule);
        // σ'(z) = y(1 − y): the sigmoid step's outgoing gradient is the incoming one times y(1 − y)
        double y = trace.Forward[3].OutputValues[0];
        var sig = trace.Backward[1];
        Assert.Equal(sig.Incoming.Values![0] * y * (1 - y), sig.Outgoing[0].Values![0], 1e-6);
        // the loss step: dL/dy = 2(y − t), and the target is a constant
        Assert.Equal(1.0, trace.Backward[0].Incoming.Values![0]);
        Assert.Equal(2 * (y - 1), trace.Backward[0].Outgoing[0].Values![0], 1e-6);
        Assert.Null(trace.Backward[0].Outgoing[1].Values);
    }

    [Fact]
    public void EveryBackwardStepIsVerified()
    {
        var (model, x, t) = Xor(seed: 7);
        BackwardTrace trace = BackpropTracer.Trace(model, x, t, new MSELoss());
        foreach (var step in trace.Backward)
        {
            Assert.NotNull(step.Incoming.Check);
            Assert.True(step.Incoming.Check!.Passed, $"step {step.Order} in: {step.Incoming.Check.Mark}");
            foreach (var g in step.Outgoing.Where(g => g.Values is not null))
            {
                Assert.NotNull(g.Check);
                Assert.True(g.Check!.Passed, $"step {step.Order} → {g.Target}: {g.Check.Mark}");
                Assert.Equal(g.Values!.Length, g.Check.CheckedElements);
            }
        }
        string text = trace.ToString();
        Assert.Contains("✓", text);
        Assert.DoesNotContain("✗ ", text.Replace("✓/✗", ""));
        Assert.Contains("All 17 gradient checks passed", text);
    }

    [Fact]
    public void StepsRunInReverseTopologicalOrderLossFirst()
    {
        var (x, w, b) = DiamondLeaves(DType.Float32);
        BackwardTrace trace = BackpropTracer.Trace(() => Diamond(x, w, b), [("x", x), ("W", w), ("b", b)]);

        Assert.Equal(trace.Forward.Count - 1, trace.Backward[0].NodeIndex); // the loss node is step 1
        Assert.Equal(Enumerable.Range(1, trace.Backward.Count), trace.Backward.Select(s => s.Order));
        var position = trace.Backward.ToDictionary(s => s.NodeIndex, s => s.Order);
        Assert.Equal(trace.Forward.Count(n => n.OnLossPath), position.Count);
        // every consumer of a node's output runs before the node itself
        foreach (var node in trace.Forward)
            foreach (string input in node.Inputs.Where(i => i.StartsWith('#')))
                Assert.True(position[node.Index] < position[int.Parse(input[1..])], $"{node.Label} consumes {input} but ran after it");
    }

    // y = Σ σ(x·W + b) · Σx: x reaches the loss along two paths (a diamond), b is broadcast over the row.
    private static Tensor Diamond(Tensor x, Tensor w, Tensor b) => x.MatMul(w).Add(b).Sigmoid().Mul(x.Sum()).Sum();

    private static (Tensor X, Tensor W, Tensor B) DiamondLeaves(DType dtype) =>
    (
        Tensor.FromArray(new double[] { 0.5, -1, 2 }, 1, 3).To(dtype).RequiresGrad_(),
        Tensor.FromArray(new double[] { 0.1, -0.2, 0.3, 0.4, 0.5, -0.6 }, 3, 2).To(dtype).RequiresGrad_(),
        Tensor.FromArray(new double[] { 0.05, -0.05 }).To(dtype).RequiresGrad_()
    );

    [Theory]
    [InlineData(DType.Float32, 1e-5)]
    [InlineData(DType.Float64, 1e-12)]
    public void DiamondWithBroadcastingMatchesHandDerivatives(DType dtype, double tol)
    {
        var (x, w, b) = DiamondLeaves(dtype);
        BackwardTrace trace = BackpropTracer.Trace(() => Diamond(x, w, b), [("x", x), ("W", w), ("b", b)]);
        Assert.Equal(dtype, trace.DType);
        Assert.True(trace.AllChecksPassed, trace.ToString());

        // By hand: z = xW + b, s = Σx, L = s·Σσ(z); dL/dW = s·x_i·σ'(z_j), dL/db = s·σ'(z), dL/dx_i = Σσ(z) + s·Σ_j W_ij σ'(z_j)
        double[] xv = [0.5, -1, 2], wv = [0.1, -0.2, 0.3, 0.4, 0.5, -0.6], bv = [0.05, -0.05];
        double s = xv.Sum();
        var z = new double[2];
        for (int j = 0; j < 2; j++) z[j] = bv[j] + Enumerable.Range(0, 3).Sum(i => xv[i] * wv[i * 2 + j]);
        var sig = z.Select(v => 1 / (1 + Math.Exp(-v))).ToArray();
        var dsig = sig.Select(v => v * (1 - v)).ToArray();
        double[] dW = new double[6], dx = new double[3];
        for (int i = 0; i < 3; i++)
        {
            dx[i] = sig.Sum();
            for (int j = 0; j < 2; j++)
            {
                dW[i * 2 + j] = s * xv[i] * dsig[j];
                dx[i] += s * wv[i * 2 + j] * dsig[j];
            }
        }
        double[] db = dsig.Select(v => s * v).ToArray();

        AssertClose(dW, trace.Leaf("W").Gradient, tol);
        AssertClose(db, trace.Leaf("b").Gradient, tol);
        AssertClose(dx, trace.Leaf("x").Gradient, tol);
        AssertClose(dx, trace.Leaf("x").Check!.Numerical, dtype == DType.Float32 ? 1e-4 : 1e-8);
        var expected = AutogradGrads(() => Diamond(x, w, b), ("x", x), ("W", w), ("b", b));
        foreach (var leaf in trace.Leaves) Assert.Equal(expected[leaf.Name], leaf.Gradient);

        // x has two consumers (MatMul and Sum): each edge is one contribution, and together they make dL/dx
        var edges = trace.Backward.SelectMany(st => st.Outgoing).Where(g => g.Target == "x").ToList();
        Assert.Equal(2, edges.Count);
        Assert.All(edges, e => Assert.Equal(2, e.Contributions));
        AssertClose(dx, edges[0].Values!.Zip(edges[1].Values!, (p, q) => p + q).ToArray(), tol);
        Assert.Contains("one of 2 contributions", trace.ToString());
        // b [2] was broadcast to [1, 2]: its gradient comes back summed to its own shape
        var add = trace.Backward.Single(st => st.NodeName == "AddBackward");
        Assert.Equal([2], add.Outgoing[1].Shape);
    }

    private static void AssertClose(double[] expected, double[] actual, double tol)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= tol, $"[{i}] expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void AWrongBackwardRuleIsCaught()
    {
        var x = Tensor.FromArray(new float[] { 0.3f, -0.7f }).RequiresGrad_();
        // forward 2x, but the rule claims 3g
        Tensor Bad(Tensor t) => t.Detach().MulScalar(2).Record("DoubleBackward", [t], g => [g.MulScalar(3)]);
        BackwardTrace trace = BackpropTracer.Trace(() => Bad(x).Sigmoid().Sum(), [("x", x)]);

        Assert.False(trace.AllChecksPassed);
        var bad = trace.Backward.Single(s => s.NodeName == "DoubleBackward");
        Assert.True(bad.Incoming.Check!.Passed); // everything above the bad node is right
        Assert.False(bad.Outgoing[0].Check!.Passed);
        Assert.False(trace.Leaf("x").Check!.Passed);
        Assert.Contains("no formula on file", bad.Rule);
        Assert.Contains("✗ err", trace.ToString());
        Assert.Contains("FAILED", trace.ToString());
    }

    [Fact]
    public void NondeterministicFunctionIsRefused()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        int calls = 0;
        Assert.Throws<InvalidOperationException>(() => BackpropTracer.Trace(() => x.MulScalar(++calls).Sum()));
        var model = new Sequential(new Linear(2, 2, generator: new Generator(1)), new Dropout(0.5));
        Assert.Throws<InvalidOperationException>(() => BackpropTracer.Trace(model, Tensor.Ones(64, 2), Tensor.Zeros(64, 2), new MSELoss()));
    }

    [Fact]
    public void GraphBuiltOutsideTheFunctionIsRefused()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        Tensor h = x.MulScalar(2); // recorded before the trace
        var e = Assert.Throws<ArgumentException>(() => BackpropTracer.Trace(() => h.Sigmoid().Sum()));
        Assert.Contains("outside computeLoss", e.Message);
        Assert.Throws<ArgumentException>(() => BackpropTracer.Trace(() => x.Detach().Sum()));
    }

    [Fact]
    public void UnnamedLeavesAndConstantsGetLabels()
    {
        var a = Tensor.FromArray(new float[] { 0.5f, 1.5f }).RequiresGrad_();
        var c = Tensor.FromArray(new float[] { 2f, 3f });
        BackwardTrace trace = BackpropTracer.Trace(() => a.Mul(c).Tanh().Sum());
        Assert.Equal(["leaf0", "const0"], trace.Forward[0].Inputs);
        Assert.Equal("leaf0", Assert.Single(trace.Leaves).Name);
        Assert.True(trace.AllChecksPassed, trace.ToString());
    }
}
