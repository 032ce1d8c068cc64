using System.Globalization;
using System.Text.Json;
using SharpGrad.IO;
using SharpGrad.NN;
using SharpGrad.Training;
using Spectre.Console;

namespace SharpGrad.Cli.Reporting;

/// <summary>Writes what every training run leaves behind: history.csv, metrics.json, history.png and model.safetensors.</summary>
public static class RunOutputs
{
    /// <summary>
    /// Writes the run's files into <paramref name="directory"/> (created if needed); returns the paths written. With
    /// <paramref name="weightsSaved"/> the recipe has already written <c>model.safetensors</c> there (a checkpoint with its
    /// own metadata), which is then kept as it is and listed.
    /// </summary>
    public static IReadOnlyList<string> Write(string directory, string recipe, Module model, Training.History history, IReadOnlyDictionary<string, double> metrics,
        bool weightsSaved = false, string historyAxis = "epoch")
    {
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        string csv = Path.Combine(directory, "history.csv");
        AtomicFile.WriteAllText(csv, history.ToCsv());
        written.Add(csv);

        string json = Path.Combine(directory, "metrics.json");
        var doc = new Dictionary<string, object> { ["recipe"] = recipe };
        foreach (var (k, v) in metrics) doc[k] = double.IsFinite(v) ? Math.Round(v, 6) : v.ToString(CultureInfo.InvariantCulture);
        AtomicFile.WriteAllText(json, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        written.Add(json);

        string png = Path.Combine(directory, "history.png");
        if (PlotHistory(history, recipe, png, historyAxis)) written.Add(png);

        string weights = Path.Combine(directory, "model.safetensors");
        if (!weightsSaved) SafeTensors.Save(weights, model.StateDict(), new Dictionary<string, string> { ["recipe"] = recipe, ["format"] = "pt" });
        written.Add(weights);
        return written;
    }

    /// <summary>Loss curves on the left axis and accuracy-like curves on the right, against the history's index (epoch, or step for the language-model recipes: <paramref name="xLabel"/>).</summary>
    public static bool PlotHistory(Training.History history, string title, string path, string xLabel = "epoch")
    {
        if (history.Epochs.Count == 0) return false;
        double[] xs = history.Epochs.Select(e => (double)e).ToArray();
        var plot = new ScottPlot.Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.Axes.Left.Label.Text = "loss";
        bool right = false;
        foreach (string key in history.Keys)
        {
            bool isLoss = key.EndsWith("loss", StringComparison.Ordinal);
            bool isScore = key.Contains("accuracy", StringComparison.Ordinal) || key.EndsWith("f1", StringComparison.Ordinal);
            if (!isLoss && !isScore) continue;
            double[] ys = history[key].ToArray();
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = key;
            line.MarkerSize = xs.Length > 50 ? 0 : 4;
            if (isScore)
            {
                line.Axes.YAxis = plot.Axes.Right;
                right = true;
            }
        }
        if (right) plot.Axes.Right.Label.Text = "accuracy";
        plot.ShowLegend();
        plot.SavePng(path, 900, 500);
        return true;
    }

    /// <summary>Prints the final metrics as a table (plain text when not interactive).</summary>
    public static void PrintTable(IReadOnlyDictionary<string, double> metrics, TextWriter output)
    {
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (k, v) in metrics) table.AddRow(Markup.Escape(k), v.ToString("F4", CultureInfo.InvariantCulture));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = output == Console.Out && !Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")) ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Write(table);
    }

    /// <summary>The final JSON line: recipe plus every metric (rounded).</summary>
    public static string JsonLine(string recipe, IReadOnlyDictionary<string, double> metrics, IEnumerable<KeyValuePair<string, object>>? extra = null)
    {
        var doc = new Dictionary<string, object> { ["recipe"] = recipe };
        foreach (var (k, v) in metrics) doc[k] = double.IsFinite(v) ? Math.Round(v, 6) : v.ToString(CultureInfo.InvariantCulture);
        if (extra is not null) foreach (var (k, v) in extra) doc[k] = v;
        return JsonSerializer.Serialize(doc);
    }
}
