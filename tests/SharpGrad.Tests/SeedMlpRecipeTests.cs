using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;

namespace SharpGrad.Tests;

public class SeedMlpRecipeTests
{
    [Fact]
    public void W1ReachesTheReferenceAccuracy()
    {
        var result = new SeedMlp().Run();
        Assert.True(result.TestAccuracy >= 0.85, $"test accuracy {result.TestAccuracy}");
        Assert.True(result.LossHistory[^1] < result.LossHistory[0] * 0.5);
    }

    [Fact]
    public void TrainCommandEndsWithAJsonLine()
    {
        var output = new StringWriter();
        string dir = Directory.CreateTempSubdirectory("sg-train-").FullName;
        Assert.Equal(0, TrainCommand.Run(SeedMlpRecipe.RecipeName, new RecipeOptions { Epochs = 50 }, dir, output, new StringWriter(), live: false));
        foreach (var file in new[] { "history.csv", "metrics.json", "history.png", "model.safetensors" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
        Directory.Delete(dir, recursive: true);
        string last = output.ToString().TrimEnd().Split('\n')[^1];
        using var json = System.Text.Json.JsonDocument.Parse(last);
        foreach (var key in new[] { "recipe", "train_accuracy", "test_accuracy", "seconds" })
            Assert.True(json.RootElement.TryGetProperty(key, out _), key);
        Assert.Equal("seed-mlp", json.RootElement.GetProperty("recipe").GetString());
    }

    [Fact]
    public void DivergingTrainingIsReportedWithTheStep()
    {
        var e = Assert.Throws<SharpGrad.Training.TrainingDivergedException>(() => new SeedMlp(new SeedMlpOptions(Epochs: 5, LearningRate: double.NaN)).Run());
        Assert.Equal(2, e.Epoch);
    }

    [Fact]
    public void GradCheckCommandPassesAndPrintsTheTable()
    {
        var output = new StringWriter();
        Assert.Equal(0, GradCheckCommand.Run(output));
        Assert.Contains("Softmax", output.ToString());
        Assert.Contains("cases passed", output.ToString());
    }
}
