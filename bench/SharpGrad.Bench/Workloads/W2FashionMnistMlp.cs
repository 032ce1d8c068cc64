using SharpGrad.Cli.Recipes;
using SharpGrad.Data;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W2 fmnist-mlp exactly as defined: Fashion-MNIST scaled to [0,1], 784-256-128-10 ReLU MLP, softmax cross-entropy,
/// Adam 1e-3, batch 128, shuffled every epoch, 5 epochs.
/// </summary>
internal static class W2FashionMnistMlp
{
    public static void Run(TextWriter output, string? dataDirectory = null)
    {
        var (train, test) = FashionMnist.Load(dataDirectory);
        var (epochs, batchSize, lr) = FashionMnistMlpRecipe.W2;
        ClassifierWorkload.Run(output, "W2", FashionMnistMlpRecipe.BuildW2Model, train, test, epochs, batchSize, lr);
    }
}
