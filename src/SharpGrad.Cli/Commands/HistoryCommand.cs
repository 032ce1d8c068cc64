using System.CommandLine;
using SharpGrad.Cli.Reporting;
using SharpGrad.History;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad history</c> lists the experiments from 1958 to 1986; <c>sharpgrad history NAME [--seed S] [--runs N] [--plot out.png]</c>
/// runs one and says what happened (with error curves and, for 2-D cases, decision-boundary plots);
/// <c>sharpgrad history backprop [--trace]</c> walks one example through the backward pass.
/// </summary>
public static class HistoryCommand
{
    /// <summary>The name of the backward-pass walk-through.</summary>
    public const string BackpropName = "backprop";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string?>("name") { Description = "Experiment to run (omit to list them).", DefaultValueFactory = _ => null };
        var seed = new Option<ulong>("--seed") { Description = "Seed of data and initial weights.", DefaultValueFactory = _ => 1 };
        var runs = new Option<int?>("--runs") { Description = "Number of seeds for the multi-run experiments." };
        var plot = new Option<string?>("--plot") { Description = "Write the error curves to this PNG (decision boundaries go beside it)." };
        var trace = new Option<bool>("--trace") { Description = "backprop: print every forward node and backward step, checked against finite differences." };
        var command = new Command("history", "The history of backpropagation, runnable: perceptron, ADALINE, XOR, the 1986 experiments.") { name, seed, runs, plot, trace };
        command.SetAction(parse => CliErrors.Guard(Console.Error, () =>
            Run(parse.GetValue(name), parse.GetValue(seed), parse.GetValue(runs), parse.GetValue(plot), parse.GetValue(trace), Console.Out)));
        return command;
    }

    /// <summary>Lists the experiments, or runs one; returns the exit code.</summary>
    public static int Run(string? name, ulong seed, int? runs, string? plot, bool trace, TextWriter output)
    {
        if (name is null)
        {
            output.WriteLine("Experiments (run one with: sharpgrad history NAME [--seed S] [--runs N] [--plot out.png]):");
            foreach (var e in HistoryExperiments.All) output.WriteLine($"  {e.Name,-15} {e.Year}  {e.Story}");
            output.WriteLine($"  {BackpropName,-15} 1986  one example through the backward pass: a delta per layer, Wᵀ·δ passed down (--trace for every node)");
            return 0;
        }
        if (name == BackpropName) return BackpropDemo.Run(output, trace, seed);
        var experiment = HistoryExperiments.Find(name)
            ?? throw new ArgumentException($"Unknown experiment \"{name}\". Available: {string.Join(", ", HistoryExperiments.All.Select(e => e.Name))}, {BackpropName}.");
        ExperimentResult result = experiment.Run(seed, runs);
        output.WriteLine($"{experiment.Name} ({experiment.Year}): {experiment.Story}");
        output.WriteLine(result.Summary);
        if (plot is not null) WritePlots(result, plot, output);
        return 0;
    }

    private static void WritePlots(ExperimentResult result, string plot, TextWriter output)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(plot));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (result.Curves.Count > 0)
        {
            bool logY = result.Curves.All(c => c.Values.All(v => v > 0)) && result.Curves.Any(c => c.Values.Length > 0 && c.Values.Max() / Math.Max(c.Values.Min(), 1e-12) > 100);
            HistoryPlots.Curves(result.Curves, result.Name, result.YLabel, plot, logY);
            output.WriteLine($"wrote {plot}");
        }
        string stem = Path.Combine(Path.GetDirectoryName(plot) ?? "", Path.GetFileNameWithoutExtension(plot));
        for (int i = 0; i < result.Decisions.Count; i++)
        {
            var d = result.Decisions[i];
            string path = $"{stem}-decision{(result.Decisions.Count > 1 ? "-" + (i + 1) : "")}.png";
            HistoryPlots.Decision(d.Points.Select(p => (p.X, p.Y, p.Label)).ToList(), d.Predict, d.Title, path, d.Threshold);
            output.WriteLine($"wrote {path}");
        }
    }
}
