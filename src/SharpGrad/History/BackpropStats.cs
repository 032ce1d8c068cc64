namespace SharpGrad.History;

/// <summary>Sweeps to the criterion over many seeds.</summary>
/// <param name="Task">The patterns.</param>
/// <param name="Config">The settings every run used.</param>
/// <param name="Runs">All runs, in seed order.</param>
/// <param name="Converged">Runs that met the criterion.</param>
/// <param name="Stuck">Runs that did not within <see cref="BackpropConfig.MaxSweeps"/> (local minima or plateaus).</param>
/// <param name="MedianSweeps">Median sweeps over the converged runs; null when none converged.</param>
/// <param name="MinSweeps">Fewest sweeps of a converged run; null when none converged.</param>
/// <param name="MaxSweeps">Most sweeps of a converged run; null when none converged.</param>
/// <param name="MedianRun">The converged run whose sweep count is nearest the median (first such in seed order); null when none converged.</param>
public sealed record BackpropStats(BooleanTask Task, BackpropConfig Config, IReadOnlyList<BackpropRun> Runs, int Converged, int Stuck,
    double? MedianSweeps, int? MinSweeps, int? MaxSweeps, BackpropRun? MedianRun)
{
    /// <summary>Builds the summary from a list of runs.</summary>
    public static BackpropStats From(BooleanTask task, BackpropConfig config, IReadOnlyList<BackpropRun> runs)
    {
        int[] sweeps = [.. runs.Where(r => r.Converged).Select(r => r.Sweeps).Order()];
        if (sweeps.Length == 0) return new BackpropStats(task, config, runs, 0, runs.Count, null, null, null, null);
        double median = sweeps.Length % 2 == 1 ? sweeps[sweeps.Length / 2] : 0.5 * (sweeps[sweeps.Length / 2 - 1] + sweeps[sweeps.Length / 2]);
        BackpropRun medianRun = runs.Where(r => r.Converged).MinBy(r => Math.Abs(r.Sweeps - median))!;
        return new BackpropStats(task, config, runs, sweeps.Length, runs.Count - sweeps.Length, median, sweeps[0], sweeps[^1], medianRun);
    }

    /// <summary>Fraction of runs that converged.</summary>
    public double SuccessRate => (double)Converged / Runs.Count;
}
