namespace SharpGrad.Tests.Tracing;

/// <summary>The engine hooks the tracer uses: invisible when absent, faithful when present.</summary>
public class TraceObserverTests
{
    private sealed class Recording : IBackwardObserver
    {
        public readonly List<string> Nodes = [];
        public readonly List<double[]> LeafContributions = [];
        public void OnNode(Node node, Tensor gradOutput, Tensor[] inputs, Tensor?[] inputGrads) => Nodes.Add(node.Name);
        public void OnLeafAccumulate(Tensor leaf, Tensor gradient) => LeafContributions.Add(gradient.ToArray<double>());
    }

    private static (Tensor A, Tensor B) Leaves() =>
        (Tensor.FromArray(new float[] { 2, -1, 0.5f }).RequiresGrad_(), Tensor.FromArray(new float[] { 3, 5, -2 }).RequiresGrad_());

    private static Tensor Compute(Tensor a, Tensor b) => (a * b + a * a).Sigmoid().Sum();

    [Fact]
    public void BackwardWithAndWithoutObserverGivesIdenticalGradients()
    {
        var (a1, b1) = Leaves();
        Compute(a1, b1).Backward();

        var (a2, b2) = Leaves();
        var observer = new Recording();
        Engine.Backward(Compute(a2, b2), null, retainGraph: false, observer);

        Assert.Equal(a1.Grad!.ToArray(), a2.Grad!.ToArray());
        Assert.Equal(b1.Grad!.ToArray(), b2.Grad!.ToArray());
        Assert.Equal(["SumBackward", "SigmoidBackward", "AddBackward", "MulBackward", "MulBackward"], observer.Nodes);
        // a gets three contributions (a·b, and both sides of a·a), b one
        Assert.Equal(4, observer.LeafContributions.Count);
    }

    [Fact]
    public void NoRecorderIsInstalledOutsideATrace()
    {
        Assert.Null(GraphRecorder.Current);
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        SharpGrad.History.BackpropTracer.Trace(() => x.Sigmoid().Sum());
        Assert.Null(GraphRecorder.Current);
        // ops return their own output when no recorder is installed
        Tensor y = x.Sigmoid();
        Assert.Equal("SigmoidBackward", y.GradFnName);
    }

    [Fact]
    public void TraceRestoresExistingLeafGradients()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        x.Grad = Tensor.FromArray(new float[] { 10, 20 });
        var trace = SharpGrad.History.BackpropTracer.Trace(() => x.Mul(x).Sum(), [("x", x)]);
        Assert.Equal([2.0, 4.0], trace.Leaf("x").Gradient);
        Assert.Equal([10f, 20f], x.Grad.ToArray());
    }
}
