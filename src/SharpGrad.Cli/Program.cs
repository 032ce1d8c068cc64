using System.CommandLine;
using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;

var root = new RootCommand("sharpgrad — train, check and benchmark neural networks built on SharpGrad. With no command, trains the default recipe (seed-mlp).")
{
    TrainCommand.Create(),
    GradCheckCommand.Create(),
    ScheduleCommand.Create(),
};
root.SetAction(_ => TrainCommand.Run(SeedMlpRecipe.Name, null, null, 0, Console.Out));
return root.Parse(args).Invoke();
