using SharpGrad.Cli.Reporting;
using SharpGrad.NN;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>Command-line overrides of a recipe's defaults (null = the recipe's own default).</summary>
public sealed record RecipeOptions
{
    /// <summary>Epochs to train.</summary>
    public int? Epochs { get; init; }
    /// <summary>Mini-batch size.</summary>
    public int? BatchSize { get; init; }
    /// <summary>(Peak) learning rate.</summary>
    public double? LearningRate { get; init; }
    /// <summary>Seed of initialisation, shuffling and dropout.</summary>
    public ulong Seed { get; init; }
    /// <summary>Folder holding the data set files (e.g. Fashion-MNIST).</summary>
    public string? DataDirectory { get; init; }
    /// <summary>CSV file (the <c>mlp</c> recipe).</summary>
    public string? CsvPath { get; init; }
    /// <summary>Label column of the CSV file, by name or 0-based index.</summary>
    public string? Target { get; init; }

    /// <summary>Text corpus for the language-model recipes (default: the King James Bible).</summary>
    public string? TextPath { get; init; }

    /// <summary>Wall-clock training budget in minutes for the time-budgeted recipes.</summary>
    public double? Minutes { get; init; }

    /// <summary>
    /// Train every step eagerly instead of capturing it once and replaying it (<c>--eager</c>; the results are the same, see
    /// <see cref="Training.GraphedStep"/>).
    /// </summary>
    public bool Eager { get; init; }

    /// <summary>A run's output folder to continue from (<c>--resume</c>): its checkpoint is loaded and training goes on from its epoch.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>The run's output folder (recipes that save extra artifacts, such as a tokenizer, write them here).</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The epochs to train: the override, or <paramref name="recipeDefault"/>; at least 1.</summary>
    public int EpochsOr(int recipeDefault)
    {
        int epochs = Epochs ?? recipeDefault;
        return epochs >= 1 ? epochs : throw new ArgumentException($"--epochs must be at least 1 (got {epochs}).");
    }
}

/// <summary>What a recipe's training produced.</summary>
/// <param name="Model">The trained model.</param>
/// <param name="History">Per-epoch logs.</param>
/// <param name="Metrics">Final metrics (test accuracy etc.), printed as a table and as the last JSON line.</param>
/// <param name="Report">An optional text report (e.g. a classification report) printed before the metrics.</param>
/// <param name="StopReason">Why training stopped early (early stopping, a non-finite loss), or null.</param>
/// <param name="Diverged">True when training stopped on a non-finite loss: the command reports it and exits non-zero.</param>
/// <param name="WeightsSaved">
/// True when the recipe already wrote <c>model.safetensors</c> to the output folder as part of a checkpoint (the
/// language-model recipes, whose header carries the checkpoint's metadata): the command then does not write it again.
/// </param>
/// <param name="HistoryAxis">What the history's index counts, for the plot's x axis ("epoch", or "step" for the language-model recipes).</param>
public sealed record RecipeResult(Module Model, Training.History History, IReadOnlyDictionary<string, double> Metrics, string? Report = null,
    string? StopReason = null, bool Diverged = false, bool WeightsSaved = false, string HistoryAxis = "epoch");

/// <summary>A built-in, named training configuration: data, model, optimizer, schedule and defaults.</summary>
public interface IRecipe
{
    /// <summary>Name on the command line.</summary>
    string Name { get; }

    /// <summary>One line saying what it trains.</summary>
    string Description { get; }

    /// <summary>Builds the untrained model and the shape of one input sample (for <c>sharpgrad summary</c>).</summary>
    (Module Model, int[] InputShape) Build(RecipeOptions options);

    /// <summary>Loads data and trains, reporting progress; returns the model, history and final metrics.</summary>
    RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log);

    /// <summary>Whether the recipe writes a training checkpoint after every epoch and can continue from one (<c>--resume</c>).</summary>
    bool CanResume => false;
}
