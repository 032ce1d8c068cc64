using SharpGrad.Cli.Reporting;
using SharpGrad.NN;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary><c>seed-mlp</c> (the default): workload W1, trained with a plain PyTorch-style loop (see <see cref="SeedMlp"/>).</summary>
public sealed class SeedMlpRecipe : IRecipe
{
    /// <summary>The recipe's name on the command line.</summary>
    public const string RecipeName = "seed-mlp";

    /// <inheritdoc/>
    public string Name => RecipeName;

    /// <inheritdoc/>
    public string Description => "W1: make_classification(1000, 20) → 20-10-5-1 sigmoid MLP, MSE, full-batch gradient descent lr 0.5, 1000 epochs";

    private static SeedMlpOptions OptionsFrom(RecipeOptions o)
    {
        var d = new SeedMlpOptions();
        return d with { Epochs = o.Epochs ?? d.Epochs, LearningRate = o.LearningRate ?? d.LearningRate, Seed = o.Seed, LogEvery = 0 };
    }

    /// <inheritdoc/>
    public (Module Model, int[] InputShape) Build(RecipeOptions options) => (new SeedMlp(OptionsFrom(options)).Model, [20]);

    /// <inheritdoc/>
    public RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log)
    {
        var o = OptionsFrom(options);
        log.WriteLine($"recipe {RecipeName}: make_classification(1000, 20, informative 2, redundant 10, random_state 42), 80/20 split");
        log.WriteLine($"model 20-10-5-1 sigmoid MLP, MSE, full-batch SGD lr {o.LearningRate}, {o.Epochs} epochs");
        var recipe = new SeedMlp(o);
        var history = new Training.History();
        var r = reporter.Run(() => recipe.Run(epochEnd: (epoch, loss) =>
        {
            var logs = new Dictionary<string, double> { ["loss"] = loss };
            history.Add(epoch, logs);
            reporter.OnEpochEnd(epoch, o.Epochs, logs, 0);
        }));
        var metrics = new Dictionary<string, double>
        {
            ["final_loss"] = r.FinalLoss,
            ["train_accuracy"] = r.TrainAccuracy,
            ["test_accuracy"] = r.TestAccuracy,
            ["seconds"] = r.TrainSeconds,
        };
        return new RecipeResult(recipe.Model, history, metrics);
    }
}
