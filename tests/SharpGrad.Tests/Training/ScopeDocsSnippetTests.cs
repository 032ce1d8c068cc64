// The TensorScope snippet of docs/training.md, so the documentation keeps compiling and running.
using SharpGrad.NN;
using SharpGrad.Optim;

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
}
