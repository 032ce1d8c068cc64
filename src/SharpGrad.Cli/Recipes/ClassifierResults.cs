using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>The end of every classification recipe: final metrics on the test set, and whether training diverged.</summary>
internal static class ClassifierResults
{
    /// <summary>True when the trainer stopped because <see cref="TerminateOnNaN"/> saw a non-finite loss.</summary>
    public static bool Diverged(Trainer trainer) => trainer.StopReason?.StartsWith(nameof(TerminateOnNaN), StringComparison.Ordinal) == true;

    /// <summary>train_loss, train_accuracy, test_loss, test_accuracy and epochs, plus <paramref name="extra"/>; the recipe's result.</summary>
    public static RecipeResult Finish(Trainer trainer, Module model, Training.History history, IDataset test, params (string Key, double Value)[] extra)
    {
        var final = trainer.Evaluate(test);
        var metrics = new Dictionary<string, double>
        {
            ["train_loss"] = history["loss"][^1],
            ["train_accuracy"] = history["accuracy"][^1],
            ["test_loss"] = final["loss"],
            ["test_accuracy"] = final["accuracy"],
            ["epochs"] = history.Epochs.Count,
        };
        foreach (var (k, v) in extra) metrics[k] = v;
        return new RecipeResult(model, history, metrics, StopReason: trainer.StopReason, Diverged: Diverged(trainer));
    }
}
