using SharpGrad.Data;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// The augmentation pipeline of each recipe that augments, by recipe name, and the data set it is meant for. Recipes
/// build their <see cref="DataLoader"/> transform from here, and <c>sharpgrad augment-preview RECIPE</c> draws it, so
/// the picture always shows what training sees. Add an entry when a recipe gains augmentation.
/// </summary>
public static class AugmentationPresets
{
    /// <summary>The data set name for Fashion-MNIST (loaded with <c>FashionMnist.Load(dir, flatten: false)</c>).</summary>
    public const string FashionMnistDataset = "fashion-mnist";

    /// <summary>The data set name for CIFAR-10 (binary version, loaded with <c>Cifar10Reader.Load(dir)</c>).</summary>
    public const string Cifar10Dataset = "cifar10";

    private static readonly (string Name, string Dataset, string Description, Func<IImageTransform[]> Transforms)[] Presets =
    [
        // Fashion-MNIST: ±2 px shifts (the crop of the 2-px zero-padded image) and left-right mirroring keep every class
        // recognisable (garments and shoes occur facing either way; nothing is upside down), and add no interpolation blur.
        ("fmnist", FashionMnistDataset, "random 28×28 crop of the 2-px padded image, horizontal flip",
            () => [new RandomCrop(28, padding: 2), new RandomHorizontalFlip()]),
        // The stronger Fashion-MNIST CNN recipe: the same shifts and flips plus small rotations (±10°, bilinear).
        ("fmnist-cnn-plus", FashionMnistDataset, "random 28×28 crop of the 2-px padded image, horizontal flip",
            () => [new RandomCrop(28, padding: 2), new RandomHorizontalFlip()]),
        // Everything at once, for looking at (and for heavier regularisation): rotation, translation up to 10 %, noise.
        ("fmnist-strong", FashionMnistDataset, "horizontal flip, rotation ±15°, translation up to 10 %, Gaussian noise σ 0.05 clipped to [0, 1]",
            () => [new RandomHorizontalFlip(), new RandomRotation(15), new RandomTranslation(0.1, 0.1), new GaussianNoise(0.05, clip: true)]),
        // The classic CIFAR-10 augmentation (ResNet paper): 4-px padded random 32×32 crop and horizontal flip.
        ("cifar10", Cifar10Dataset, "random 32×32 crop of the 4-px padded image, horizontal flip",
            () => [new RandomCrop(32, padding: 4), new RandomHorizontalFlip()]),
    ];

    /// <summary>The recipe names that have a pipeline.</summary>
    public static IReadOnlyList<string> Names { get; } = Presets.Select(p => p.Name).ToArray();

    /// <summary>A one-line description of a recipe's pipeline.</summary>
    /// <param name="recipe">The recipe name.</param>
    /// <returns>The description.</returns>
    /// <exception cref="ArgumentException">No pipeline has that name; the message lists the names.</exception>
    public static string Describe(string recipe) => Find(recipe).Description;

    /// <summary>A new pipeline for <paramref name="recipe"/> (each call returns a fresh one, its batch counter at 0).</summary>
    /// <param name="recipe">The recipe name.</param>
    /// <param name="seed">The seed of the pipeline's random choices.</param>
    /// <returns>The pipeline, and the data set it is meant for (<see cref="FashionMnistDataset"/> or <see cref="Cifar10Dataset"/>).</returns>
    /// <exception cref="ArgumentException">No pipeline has that name; the message lists the names.</exception>
    public static (Augmentation Pipeline, string Dataset) For(string recipe, ulong seed = 1)
    {
        var preset = Find(recipe);
        return (Augment.Compose(seed, preset.Transforms()), preset.Dataset);
    }

    private static (string Name, string Dataset, string Description, Func<IImageTransform[]> Transforms) Find(string recipe)
    {
        foreach (var preset in Presets)
        {
            if (preset.Name == recipe)
            {
                return preset;
            }
        }

        throw new ArgumentException($"No augmentation pipeline for \"{recipe}\". Recipes with one: {string.Join(", ", Names)}.");
    }
}
