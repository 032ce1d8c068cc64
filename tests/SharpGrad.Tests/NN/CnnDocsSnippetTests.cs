using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests.NN;

/// <summary>The C# snippet of docs/cnn.md, compiled and run (keep the two in step).</summary>
public class CnnDocsSnippetTests
{
    [Fact]
    public void W3Snippet()
    {
        var g = new Generator(0);
        var model = new Sequential(
            new Conv2d(1, 32, 3, generator: g), new ReLU(), new MaxPool2d(2),
            new Conv2d(32, 64, 3, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, generator: g), new ReLU(), new Linear(128, 10, generator: g));
        var opt = new Adam(model.Parameters(), lr: 1e-3);
        var images = Tensor.Uniform([128, 1, 28, 28], 0, 1, g);
        var labels = Tensor.RandInt(0, 10, [128], g);
        opt.ZeroGrad();
        var loss = Losses.CrossEntropy(model.Forward(images), labels);
        loss.Backward();
        opt.Step();
        Assert.StartsWith("Sequential(\n  (0): Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))", model.ToString().Replace("\r\n", "\n"));
        Assert.True(double.IsFinite(loss.Item()));
    }
}
