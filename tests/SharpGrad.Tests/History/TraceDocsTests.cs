using SharpGrad.History;
using SharpGrad.NN;

namespace SharpGrad.Tests.Tracing;

/// <summary>The C# snippet of docs/tracer.md, compiled and run (keep the two in step).</summary>
public class TraceDocsTests
{
    [Fact]
    public void DocsSnippetRuns()
    {
        var g = new Generator(42);

        var model = new Sequential(new Linear(3, 4, generator: g), new Tanh(), new Linear(4, 1, generator: g));
        var x = Tensor.FromArray(new float[] { 0.5f, -1f, 2f }, 1, 3);
        var t = Tensor.FromArray(new float[] { 0.25f }, 1, 1);
        BackwardTrace trace = BackpropTracer.Trace(model, x, t, new MSELoss());
        string text = trace.ToString();
        bool ok = trace.AllChecksPassed;
        double[] dW1 = trace.Leaf("0.weight").Gradient;

        var xs = Tensor.FromArray(new float[] { 0.5f, -1f, 2f }, 1, 3).RequiresGrad_();
        var w = Tensor.Randn([3, 2], g).RequiresGrad_();
        var b = Tensor.Zeros(2).RequiresGrad_();
        BackwardTrace diamond = BackpropTracer.Trace(() => xs.MatMul(w).Add(b).Sigmoid().Mul(xs.Sum()).Sum(),
            [("x", xs), ("W", w), ("b", b)]);

        TextbookDeltas deltas = BackpropTextbook.Compute(model, x, t);

        Assert.True(ok, text);
        Assert.Equal(12, dW1.Length);
        Assert.True(diamond.AllChecksPassed, diamond.ToString());
        Assert.True(deltas.Matches, deltas.ToString());
        Assert.Contains("TanhBackward", text);
    }

    [Fact]
    public void DocsShowTheCurrentDemoOutput()
    {
        var output = new StringWriter();
        BackpropDemo.Run(output, trace: true, seed: 0);
        string doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "tracer.md"));
        Assert.Contains(output.ToString().TrimEnd().Replace("\r\n", "\n"), doc.Replace("\r\n", "\n"));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SharpGrad.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("SharpGrad.sln not found above the test directory.");
    }
}
