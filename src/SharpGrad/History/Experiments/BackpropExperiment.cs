using System.Text;
using static SharpGrad.History.Experiments.Format;

namespace SharpGrad.History.Experiments;

/// <summary>
/// One of Rumelhart, Hinton and Williams's (1986) problems trained by the generalized delta rule over many seeds, with the
/// sweeps to the criterion (median, range, stuck runs) set next to the published figure.
/// </summary>
/// <param name="Name">Command-line name.</param>
/// <param name="Story">One-line story.</param>
/// <param name="Task">The patterns.</param>
/// <param name="Config">Network and rule settings.</param>
/// <param name="DefaultRuns">Seeds run when the caller gives none.</param>
/// <param name="PaperFigure">What the publication reports for this problem, with the source.</param>
public sealed record BackpropExperiment(string Name, string Story, BooleanTask Task, BackpropConfig Config, int DefaultRuns, string PaperFigure)
    : IHistoryExperiment
{
    /// <inheritdoc/>
    public int Year => 1986;

    /// <inheritdoc/>
    public ExperimentResult Run(ulong seed, int? runs = null)
    {
        BackpropStats stats = GeneralizedDeltaRule.RunMany(Task, Config, seed, Math.Max(1, runs ?? DefaultRuns));
        var text = new StringBuilder();
        text.AppendLine(Describe(Task, Config, stats, seed));
        text.AppendLine($"  Paper: {PaperFigure}");
        EncoderCodes? codes = null;
        int distinctRuns = 0;
        if (Task.Name.StartsWith("encoder", StringComparison.Ordinal) && stats.Converged > 0)
        {
            // Converged runs sometimes park one pattern's code at an intermediate activation (≈ 0.5) instead of a corner of
            // the cube; count how many runs ended with 8 distinct binary codes and show the first one that did.
            var all = stats.Runs.Where(r => r.Converged).Select(EncoderCodes.From).ToList();
            distinctRuns = all.Count(c => c.AllDistinct);
            codes = all.FirstOrDefault(c => c.AllDistinct) ?? all[0];
            text.AppendLine($"  {distinctRuns} of the {all.Count} converged runs ended with {Task.InputSize} distinct binary hidden codes (activations thresholded at 0.5).");
            text.AppendLine($"  Hidden codes learned by seed {codes.Seed} (pattern i = input unit i on):");
            for (int i = 0; i < codes!.Codes.Length; i++)
                text.AppendLine($"    pattern {i}: {Vec(codes.Activations[i], 2)} → {codes.Codes[i]}");
            text.AppendLine($"  {codes.DistinctCount} distinct codes of {codes.Codes.Length}{(codes.AllDistinct ? ": the network invented a binary code" : "")}.");
        }
        var curves = new List<(string, double[])>();
        if (stats.MedianRun is { } median) curves.Add(($"E, median run (seed {median.Seed}, {median.Sweeps} sweeps)", median.ErrorCurve));
        if (stats.Runs.FirstOrDefault(r => !r.Converged) is { } stuck) curves.Add(($"E, a stuck run (seed {stuck.Seed})", stuck.ErrorCurve));
        var decisions = new List<Decision2D>();
        if (Task.InputSize == 2 && Task.OutputSize == 1 && (stats.MedianRun ?? stats.Runs[0]) is { } shown)
        {
            var points = Task.Inputs.Select((x, i) => new LabeledPoint(x[0], x[1], Task.Targets[i][0])).ToList();
            decisions.Add(new Decision2D($"{Name}, seed {shown.Seed}", points, (a, b) => shown.Predict([a, b])[0], 0.5));
        }
        bool ok = codes is not null ? codes.AllDistinct && stats.SuccessRate >= 0.5 : stats.SuccessRate >= 0.5;
        return new ExperimentResult(Name, text.ToString().TrimEnd(), ok, curves, "sweep", "E = ½ Σ (t − o)²", decisions)
        { Backprop = stats, Encoder = codes };
    }

    /// <summary>The common description of a multi-seed backprop run.</summary>
    internal static string Describe(BooleanTask task, BackpropConfig c, BackpropStats s, ulong seed)
    {
        string net = $"{task.InputSize}-{c.Hidden}-{task.OutputSize}{(c.DirectConnections ? " with direct input→output connections" : "")}";
        string sweeps = s.MedianSweeps is { } m
            ? $"median {F(m, 1)} sweeps (range {s.MinSweeps}–{s.MaxSweeps}) over the {s.Converged} converged runs"
            : "no run converged";
        return $"{task.Name}: {net} logistic network, generalized delta rule ε = {G(c.LearningRate)}, α = {G(c.Momentum)}, " +
            $"one update per sweep of all {task.Count} patterns, initial weights U(±{G(c.InitRange)}).\n" +
            $"  Criterion: every output within {G(c.Tolerance)} of its 0/1 target; budget {c.MaxSweeps} sweeps.\n" +
            $"  {s.Runs.Count} seeds ({seed}…{seed + (ulong)s.Runs.Count - 1}): {s.Converged} converged, {s.Stuck} stuck; {sweeps} " +
            $"(= {(s.MedianSweeps is { } mm ? F(mm * task.Count, 0) : "—")} pattern presentations).";
    }
}
