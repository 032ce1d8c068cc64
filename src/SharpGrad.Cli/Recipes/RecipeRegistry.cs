namespace SharpGrad.Cli.Recipes;

/// <summary>The built-in recipes, by name.</summary>
public static class RecipeRegistry
{
    /// <summary>All recipes; the first is the default.</summary>
    public static IReadOnlyList<IRecipe> All { get; } = [new SeedMlpRecipe(), new FashionMnistMlpRecipe(), new FashionMnistCnnRecipe(), new FashionMnistCnnPlusRecipe(), new GptMiniRecipe(), new CharLstmRecipe(), new CsvMlpRecipe()];

    /// <summary>The recipe called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">When there is none; the message lists the available names.</exception>
    public static IRecipe Get(string name) => All.FirstOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"Unknown recipe \"{name}\". Available: {string.Join(", ", All.Select(r => r.Name))} (see `sharpgrad recipes`).");
}
