// The TensorScope and GraphedStep snippets of docs/training.md, so the documentation keeps compiling and running.
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Tests.Training;

public class ScopeDocsSnippetTests
{
    [Fact]
    public void Scoped_training_loop_of_the_docs_runs_and_learns()
    {
        var x = Tensor.Randn(256, 20);
        var y = Tensor.RandInt(0, 3, [256]);
        var net = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 3));
        var adam = new Adam(net.Parameters(), lr: 1e-3);
        var losses = new List<double>();
        for (int step = 0; step < 100; step++)
        {
            using var scope = TensorScope.Begin();
            Tensor loss = Losses.CrossEntropy(net.Forward(x), y);
            adam.ZeroGrad(setToNone: false);
            loss.Backward();
            adam.Step();
            losses.Add(loss.Item());                            // read values before the scope ends
        }
        Assert.True(losses[^1] < losses[0] - 0.1, $"loss {losses[0]} → {losses[^1]}");
    }

    [Fact]
    public void Graphed_step_of_the_docs_replays_and_learns()
    {
        var data = new Generator(0);
        var net = new Sequential(new Linear(20, 64), new ReLU(), new Linear(64, 3));
        var adam = new Adam(net.Parameters(), lr: 1e-3);
        Tensor x = Tensor.Zeros([32, 20]), y = Tensor.Zeros([32], DType.Int64);   // static inputs
        var step = new GraphedStep(net, adam, () =>
        {
            adam.ZeroGrad(setToNone: false);
            Tensor loss = Losses.CrossEntropy(net.Forward(x), y);
            loss.Backward();
            adam.Step();
            return [loss];
        });
        var losses = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            using var scope = TensorScope.Begin();                  // for the eager steps before the capture
            x.CopyFrom(Tensor.Randn([32, 20], data));               // the next batch, into the static tensors
            y.CopyFrom(Tensor.RandInt(0, 3, [32], data));
            losses.Add(step.Run()[0].Item());
        }
        Console.WriteLine($"{step.IsReplaying} {step.LaunchCount} kernels, fallback: {step.FallbackReason ?? "none"}");
        Assert.True(step.IsReplaying, step.FallbackReason);
        Assert.Equal(50, losses.Count);
        Assert.All(losses, l => Assert.InRange(l, 0.5, 3.0)); // random labels: each replay reports its own batch's loss near ln 3
        Assert.True(losses.Skip(3).Distinct().Count() > 40, "each replay computes the loss of its own batch");
    }
}
