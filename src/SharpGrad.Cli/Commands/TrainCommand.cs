using System.CommandLine;
using System.Text.Json;
using SharpGrad.Cli.Recipes;

namespace SharpGrad.Cli.Commands;

/// <summary><c>sharpgrad train [RECIPE]</c>: trains a built-in recipe and prints its metrics, the last line as JSON.</summary>
public static class TrainCommand
{
    /// <summary>Names of the built-in recipes.</summary>
    public static readonly string[] Recipes = [SeedMlpRecipe.Name];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recipe = new Argument<string>("recipe") { Description = "Recipe to train: " + string.Join(", ", Recipes), DefaultValueFactory = _ => SeedMlpRecipe.Name };
        var epochs = new Option<int?>("--epochs") { Description = "Override the number of epochs." };
        var lr = new Option<double?>("--lr") { Description = "Override the learning rate." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the weight initialisation.", DefaultValueFactory = _ => 0 };
        var command = new Command("train", "Train a built-in recipe and print its metrics.") { recipe, epochs, lr, seed };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, parse.GetValue(epochs), parse.GetValue(lr), parse.GetValue(seed), Console.Out));
        return command;
    }

    /// <summary>Runs a recipe; returns the process exit code.</summary>
    public static int Run(string recipe, int? epochs, double? lr, ulong seed, TextWriter output)
    {
        switch (recipe)
        {
            case SeedMlpRecipe.Name:
            {
                var defaults = new SeedMlpOptions();
                var options = defaults with { Epochs = epochs ?? defaults.Epochs, LearningRate = lr ?? defaults.LearningRate, Seed = seed };
                output.WriteLine($"recipe {SeedMlpRecipe.Name}: make_classification(1000, 20, informative 2, redundant 10, random_state 42), 80/20 split");
                output.WriteLine($"model 20-10-5-1 sigmoid MLP, MSE, full-batch SGD lr {options.LearningRate}, {options.Epochs} epochs");
                var r = new SeedMlpRecipe(options).Run(output);
                output.WriteLine(FormattableString.Invariant($"train accuracy {r.TrainAccuracy:F4}  test accuracy {r.TestAccuracy:F4}  final loss {r.FinalLoss:F6}  ({r.TrainSeconds:F3} s)"));
                output.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["recipe"] = SeedMlpRecipe.Name,
                    ["epochs"] = options.Epochs,
                    ["final_loss"] = Math.Round(r.FinalLoss, 6),
                    ["train_accuracy"] = Math.Round(r.TrainAccuracy, 4),
                    ["test_accuracy"] = Math.Round(r.TestAccuracy, 4),
                    ["seconds"] = Math.Round(r.TrainSeconds, 4),
                }));
                return 0;
            }
            default:
                Console.Error.WriteLine($"Unknown recipe \"{recipe}\". Available: {string.Join(", ", Recipes)}.");
                return 2;
        }
    }
}
