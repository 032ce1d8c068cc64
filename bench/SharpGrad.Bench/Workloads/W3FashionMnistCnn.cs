using SharpGrad.Cli.Recipes;
using SharpGrad.Data;

namespace SharpGrad.Bench.Workloads;

/// <summary>W3 fmnist-cnn exactly as defined, 3 epochs.</summary>
internal static class W3FashionMnistCnn
{
    public static void Run(TextWriter output, string? dataDirectory = null)
    {
        var (train, test) = FashionMnist.Load(dataDirectory, flatten: false);
        var (epochs, batchSize, lr) = FashionMnistCnnRecipe.W3;
        ClassifierWorkload.Run(output, "W3", FashionMnistCnnRecipe.BuildW3Model, train, test, epochs, batchSize, lr);
    }
}
