namespace SharpGrad.Optim;

/// <summary>
/// PyTorch's <c>OneCycleLR</c> (two phases, learning rate only — momentum is not cycled): from
/// lr₀ = max_lr / div_factor up to max_lr, then down to lr₀ / final_div_factor, annealing with a cosine (or linearly):
/// <code>
/// p = pct_start · T − 1                                  (peak step, may be fractional)
/// lr(step) = anneal(lr₀, max_lr, step / p)                  step ≤ p
///          = anneal(max_lr, lr₀ / final_div, (step − p) / (T − 1 − p))   p &lt; step ≤ T − 1
///          = lr₀ / final_div                                step ≥ T − 1  (PyTorch raises past T)
/// anneal_cos(a, b, x) = b + (a − b)/2 · (1 + cos(πx))
/// </code>
/// Defaults as in PyTorch: pct_start 0.3, div_factor 25, final_div_factor 1e4, cosine.
/// </summary>
/// <param name="MaxLearningRate">max_lr (the <see cref="BaseLearningRate"/>).</param>
/// <param name="TotalSteps">T (&gt; 1).</param>
/// <param name="PctStart">Fraction of the steps spent increasing.</param>
/// <param name="DivFactor">lr₀ = max_lr / DivFactor.</param>
/// <param name="FinalDivFactor">Final rate = lr₀ / FinalDivFactor.</param>
/// <param name="Cosine">Cosine annealing (true, PyTorch's default) or linear.</param>
public sealed record OneCycleSchedule(double MaxLearningRate, long TotalSteps, double PctStart = 0.3, double DivFactor = 25, double FinalDivFactor = 1e4, bool Cosine = true) : ILearningRateSchedule
{
    /// <summary>max_lr.</summary>
    public double MaxLearningRate { get; } = ScheduleArgs.Lr(MaxLearningRate, nameof(MaxLearningRate));

    /// <summary>T.</summary>
    public long TotalSteps { get; } = TotalSteps > 1 ? TotalSteps : throw new ArgumentOutOfRangeException(nameof(TotalSteps), TotalSteps, "OneCycleSchedule: TotalSteps must be > 1.");

    /// <summary>Fraction of the steps spent increasing.</summary>
    public double PctStart { get; } = PctStart > 0 && PctStart < 1 ? PctStart : throw new ArgumentOutOfRangeException(nameof(PctStart), PctStart, "OneCycleSchedule: PctStart must be in (0, 1).");

    /// <summary>lr₀ = max_lr / DivFactor.</summary>
    public double DivFactor { get; } = ScheduleArgs.Positive(DivFactor, nameof(DivFactor));

    /// <summary>Final rate = lr₀ / FinalDivFactor.</summary>
    public double FinalDivFactor { get; } = ScheduleArgs.Positive(FinalDivFactor, nameof(FinalDivFactor));

    /// <summary>Equals <see cref="MaxLearningRate"/>.</summary>
    public double BaseLearningRate => MaxLearningRate;

    /// <summary>lr₀, the rate at step 0.</summary>
    public double InitialLearningRate => MaxLearningRate / DivFactor;

    /// <summary>The final rate.</summary>
    public double FinalLearningRate => InitialLearningRate / FinalDivFactor;

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArgs.Step(step);
        double peak = PctStart * TotalSteps - 1, last = TotalSteps - 1;
        if (step >= last) return FinalLearningRate;
        if (step <= peak) return Anneal(InitialLearningRate, MaxLearningRate, peak > 0 ? step / peak : 1);
        return Anneal(MaxLearningRate, FinalLearningRate, (step - peak) / (last - peak));
    }

    private double Anneal(double start, double end, double pct) =>
        Cosine ? end + (start - end) / 2 * (Math.Cos(Math.PI * pct) + 1) : (end - start) * pct + start;

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps) =>
        new[] { (long)Math.Ceiling(PctStart * TotalSteps - 1), TotalSteps - 1 }.Where(s => s > 0 && s < totalSteps).Distinct();
}
