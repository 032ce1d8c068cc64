using System.CommandLine;
using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;

var root = new RootCommand("sharpgrad — train, check and benchmark neural networks built on SharpGrad. With no command, trains the default recipe (seed-mlp).")
{
    TrainCommand.Create(),
    FinetuneCommand.Create(),
    RecipesCommand.CreateList(),
    RecipesCommand.CreateSummary(),
    GradCheckCommand.Create(),
    ScheduleCommand.Create(),
    HistoryCommand.Create(),
    GenerateCommand.Create(),
    AugmentPreviewCommand.Create(),
};
// --threads N on any command: how many threads the kernels may use (results do not depend on it)
var threads = new Option<int?>("--threads") { Description = "Threads the kernels may use (1 … number of cores; default: all cores). Results are identical for any value.", Recursive = true };
root.Options.Add(threads);
root.SetAction(_ => TrainCommand.Run(SeedMlpRecipe.RecipeName, new RecipeOptions(), null, Console.Out, Console.Error));
var parsed = root.Parse(args);
if (parsed.GetValue(threads) is int count)
{
    if (count < 1 || count > Environment.ProcessorCount)
    {
        Console.Error.WriteLine($"error: --threads must be between 1 and {Environment.ProcessorCount} (the number of cores), got {count}.");
        return 1;
    }
    SharpGrad.Kernels.KernelThreads.Count = count;
}
return parsed.Invoke();
