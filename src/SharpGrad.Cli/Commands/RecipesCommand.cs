using System.CommandLine;
using SharpGrad.Cli.Recipes;

namespace SharpGrad.Cli.Commands;

/// <summary><c>sharpgrad recipes</c> lists the built-in recipes; <c>sharpgrad summary RECIPE</c> prints a recipe's model summary.</summary>
public static class RecipesCommand
{
    /// <summary>The <c>recipes</c> command.</summary>
    public static Command CreateList()
    {
        var command = new Command("recipes", "List the built-in recipes.");
        command.SetAction(_ =>
        {
            foreach (var r in RecipeRegistry.All) Console.WriteLine($"{r.Name,-12} {r.Description}");
            return 0;
        });
        return command;
    }

    /// <summary>The <c>summary</c> command.</summary>
    public static Command CreateSummary()
    {
        var recipe = new Argument<string>("recipe") { Description = "Recipe whose model to summarise.", DefaultValueFactory = _ => SeedMlpRecipe.RecipeName };
        var csv = new Option<string?>("--csv") { Description = "CSV file (the mlp recipe's model depends on it)." };
        var target = new Option<string?>("--target") { Description = "Label column of the CSV file." };
        var command = new Command("summary", "Print a recipe's model: layers, output shapes, parameter counts.") { recipe, csv, target };
        command.SetAction(parse => CliErrors.Guard(Console.Error, () =>
        {
            Console.Write(Summary(parse.GetValue(recipe)!, new RecipeOptions { CsvPath = parse.GetValue(csv), Target = parse.GetValue(target) }));
            return 0;
        }));
        return command;
    }

    /// <summary>The summary text of a recipe's model.</summary>
    public static string Summary(string recipeName, RecipeOptions? options = null)
    {
        var (model, inputShape) = RecipeRegistry.Get(recipeName).Build(options ?? new RecipeOptions());
        return Training.ModelSummary.Of(model, inputShape).ToString();
    }
}
