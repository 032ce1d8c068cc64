using ScottPlot;

namespace SharpGrad.Cli.Reporting;

/// <summary>PNG plots for the history experiments: error curves, and decision boundaries of 2-D classifiers.</summary>
public static class HistoryPlots
{
    /// <summary>One line per curve against the epoch/sweep index (1-based).</summary>
    public static void Curves(IReadOnlyList<(string Label, double[] Values)> curves, string title, string yLabel, string path, bool logY = false)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch / sweep");
        plot.YLabel(logY ? yLabel + " (log10)" : yLabel);
        foreach (var (label, values) in curves)
        {
            if (values.Length == 0) continue;
            double[] xs = Enumerable.Range(1, values.Length).Select(i => (double)i).ToArray();
            double[] ys = logY ? values.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray() : values;
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = label;
            line.MarkerSize = values.Length > 60 ? 0 : 4;
        }
        if (curves.Count > 1) plot.ShowLegend();
        plot.SavePng(path, 900, 500);
    }

    /// <summary>
    /// The classifier's output over the plane as a heat map (the decision boundary is where the colour changes), with the
    /// training points drawn on top (filled circles for positives, squares for negatives) and the boundary where the output
    /// crosses <paramref name="threshold"/> in red.
    /// </summary>
    public static void Decision(IReadOnlyList<(double X, double Y, double Label)> points, Func<double, double, double> predict, string title, string path, double threshold = 0.5)
    {
        double minX = points.Min(p => p.X), maxX = points.Max(p => p.X), minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
        double padX = Math.Max(0.5, (maxX - minX) * 0.25), padY = Math.Max(0.5, (maxY - minY) * 0.25);
        (minX, maxX, minY, maxY) = (minX - padX, maxX + padX, minY - padY, maxY + padY);
        const int n = 120;
        var grid = new double[n, n];
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                double x = minX + (maxX - minX) * (c + 0.5) / n;
                double y = maxY - (maxY - minY) * (r + 0.5) / n; // row 0 is the top
                grid[r, c] = predict(x, y);
            }
        var plot = new Plot();
        plot.Title(title);
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Extent = new CoordinateRect(minX, maxX, minY, maxY);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // the decision boundary: grid cells where the output crosses the threshold against a neighbour
        var bx = new List<double>();
        var by = new List<double>();
        for (int r = 0; r < n; r++)
            for (int c = 0; c < n; c++)
            {
                bool above = grid[r, c] >= threshold;
                if ((c + 1 < n && (grid[r, c + 1] >= threshold) != above) || (r + 1 < n && (grid[r + 1, c] >= threshold) != above))
                {
                    bx.Add(minX + (maxX - minX) * (c + 1.0) / n);
                    by.Add(maxY - (maxY - minY) * (r + 1.0) / n);
                }
            }
        if (bx.Count > 0)
        {
            var boundary = plot.Add.ScatterPoints(bx.ToArray(), by.ToArray());
            boundary.MarkerSize = 3;
            boundary.Color = Colors.Red;
            boundary.LegendText = "decision boundary";
        }
        double positive = points.Max(p => p.Label);
        foreach (bool pos in new[] { true, false })
        {
            var chosen = points.Where(p => (p.Label == positive) == pos).ToArray();
            if (chosen.Length == 0) continue;
            var scatter = plot.Add.ScatterPoints(chosen.Select(p => p.X).ToArray(), chosen.Select(p => p.Y).ToArray());
            scatter.MarkerSize = 12;
            scatter.MarkerShape = pos ? MarkerShape.FilledCircle : MarkerShape.FilledSquare;
            scatter.Color = pos ? Colors.White : Colors.Black;
            scatter.LegendText = pos ? "target +" : "target −";
        }
        plot.ShowLegend();
        plot.Axes.SetLimits(minX, maxX, minY, maxY);
        plot.SavePng(path, 700, 600);
    }
}
