using System.CommandLine;
using SharpGrad.Cli.Recipes;
using SharpGrad.Cli.Reporting;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad train [RECIPE]</c>: trains a built-in recipe with a live progress bar, writes history.csv, metrics.json,
/// history.png and model.safetensors to the output folder, prints the final metrics as a table, and ends with a JSON line.
/// </summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recipe = new Argument<string>("recipe") { Description = "Recipe to train (see `sharpgrad recipes`).", DefaultValueFactory = _ => SeedMlpRecipe.RecipeName };
        var epochs = new Option<int?>("--epochs") { Description = "Override the number of epochs." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Override the mini-batch size." };
        var lr = new Option<double?>("--lr") { Description = "Override the (peak) learning rate." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of initialisation, shuffling and dropout.", DefaultValueFactory = _ => 0 };
        var outDir = new Option<string?>("--out") { Description = "Output folder (default: runs/RECIPE)." };
        var data = new Option<string?>("--data") { Description = "Folder with the data set files (e.g. Fashion-MNIST's .gz files)." };
        var csv = new Option<string?>("--csv") { Description = "CSV file for the mlp recipe." };
        var target = new Option<string?>("--target") { Description = "Label column of the CSV file (name or 0-based index)." };
        var text = new Option<string?>("--text") { Description = "Text corpus for the language-model recipes (default: the King James Bible)." };
        var minutes = new Option<double?>("--minutes") { Description = "Training time budget for the language-model recipes." };
        var eager = new Option<bool>("--eager") { Description = "Run every training step eagerly (by default a step is captured once and replayed; the results are the same)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run whose --out folder this is from its last checkpoint (epoch-based recipes; same settings)." };
        var command = new Command("train", "Train a built-in recipe and print its metrics.") { recipe, epochs, batchSize, lr, seed, outDir, data, csv, target, text, minutes, eager, resume };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, new RecipeOptions
        {
            Epochs = parse.GetValue(epochs),
            BatchSize = parse.GetValue(batchSize),
            LearningRate = parse.GetValue(lr),
            Seed = parse.GetValue(seed),
            DataDirectory = parse.GetValue(data),
            CsvPath = parse.GetValue(csv),
            Target = parse.GetValue(target),
            TextPath = parse.GetValue(text),
            Minutes = parse.GetValue(minutes),
            Eager = parse.GetValue(eager),
            ResumeDirectory = parse.GetValue(resume),
        }, parse.GetValue(outDir), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs a recipe end to end; returns the process exit code (0 on success, 1 on a reported error).</summary>
    public static int Run(string recipeName, RecipeOptions options, string? outputDirectory, TextWriter output, TextWriter error, bool? live = null)
    {
        return CliErrors.Guard(error, () =>
        {
            IRecipe recipe = RecipeRegistry.Get(recipeName);
            if (options.ResumeDirectory is not null && !recipe.CanResume)
                throw new ArgumentException($"--resume: the {recipe.Name} recipe does not write epoch checkpoints, so it cannot resume; " +
                    $"{string.Join(", ", RecipeRegistry.All.Where(r => r.CanResume).Select(r => r.Name))} can.");
            var reporter = new ConsoleReporter(output, live);
            string dir = outputDirectory ?? Path.Combine("runs", recipe.Name);
            RecipeResult result = recipe.Train(options with { OutputDirectory = dir }, reporter, output);
            if (result.Report is not null) output.WriteLine(result.Report);
            var files = RunOutputs.Write(dir, recipe.Name, result.Model, result.History, result.Metrics, result.WeightsSaved, result.HistoryAxis);
            output.WriteLine($"wrote {string.Join(", ", files.Select(Path.GetFileName))} to {dir}");
            RunOutputs.PrintTable(result.Metrics, output);
            output.WriteLine(RunOutputs.JsonLine(recipe.Name, result.Metrics));
            if (result.StopReason is not null)
            {
                (result.Diverged ? error : output).WriteLine((result.Diverged ? "error: " : "note: ") + result.StopReason);
                if (result.Diverged) return 1;
            }
            return 0;
        });
    }
}
