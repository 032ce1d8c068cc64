using System.CommandLine;
using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;

var root = new RootCommand("sharpgrad — train, check and benchmark neural networks built on SharpGrad. With no command, trains the default recipe (seed-mlp).")
{
    TrainCommand.Create(),
    RecipesCommand.CreateList(),
    RecipesCommand.CreateSummary(),
    GradCheckCommand.Create(),
    ScheduleCommand.Create(),
    HistoryCommand.Create(),
    GenerateCommand.Create(),
    AugmentPreviewCommand.Create(),
};
root.SetAction(_ => TrainCommand.Run(SeedMlpRecipe.RecipeName, new RecipeOptions(), null, Console.Out, Console.Error));
return root.Parse(args).Invoke();
