using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Tests.Kernels;

namespace SharpGrad.Tests.Training;

/// <summary>
/// Whole training steps give bit-identical weights for 1 thread and for every core: the kernels split work without ever
/// splitting a reduction (GEMM by rows/columns of C, attention by (batch, head), LayerNorm's parameter sums in fixed chunks).
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class ThreadCountDeterminismTests
{
    private static float[] AfterSteps(int threads, Func<(Module Model, Func<Tensor> Loss)> build, int steps) => KernelThreadCount.With(threads, () =>
    {
        var (model, loss) = build();
        var optimizer = new AdamW(model.Parameters(), lr: 1e-3);
        for (int i = 0; i < steps; i++)
        {
            optimizer.ZeroGrad();
            loss().Backward();
            optimizer.Step();
        }
        return model.Parameters().SelectMany(p => p.ToArray()).ToArray();
    });

    [Fact]
    public void GptTrainingStepsAreIdenticalForOneAndAllThreads()
    {
        (Module, Func<Tensor>) Build()
        {
            var options = new GptOptions(VocabSize: 50, ContextLength: 64, Layers: 2, Heads: 4, Width: 128);
            var model = new Gpt(options, new Generator(1));
            Tensor x = Tensor.RandInt(0, 50, [8, 64], new Generator(2)), y = Tensor.RandInt(0, 50, [8, 64], new Generator(3));
            return (model, () => Losses.CrossEntropy(model.Forward(x).View(8 * 64, 50), y.View(8 * 64)));
        }
        float[] one = AfterSteps(1, Build, 3), all = AfterSteps(Environment.ProcessorCount, Build, 3);
        Assert.Equal(one, all);
    }

    [Fact]
    public void CnnTrainingStepsAreIdenticalForOneAndAllThreads()
    {
        (Module, Func<Tensor>) Build()
        {
            var gen = new Generator(4);
            var model = new Sequential(
                new SharpGrad.NN.Conv2d(1, 16, 3, generator: gen), new BatchNorm2d(16), new ReLU(), new MaxPool2d(2),
                new Flatten(), new Linear(16 * 13 * 13, 10, generator: gen));
            Tensor x = Tensor.Randn([32, 1, 28, 28], new Generator(5));
            Tensor y = Tensor.RandInt(0, 10, [32], new Generator(6));
            return (model, () => Losses.CrossEntropy(model.Forward(x), y));
        }
        float[] one = AfterSteps(1, Build, 3), all = AfterSteps(Environment.ProcessorCount, Build, 3);
        Assert.Equal(one, all);
    }
}
