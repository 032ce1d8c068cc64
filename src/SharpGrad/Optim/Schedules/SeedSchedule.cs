namespace SharpGrad.Optim;

/// <summary>
/// The seed's warmup-then-polynomial schedule, implemented <b>literally</b>, quirks included. The seed counts updates from
/// t = 1, so <c>LearningRate(step)</c> evaluates its formula at t = step + 1. With w = warmup steps, T = total steps, β = power:
/// <code>
/// lr(t) = 1 / √t                               t &lt; w
///       = lr_base · (1 − (t − w) / T)^β         w ≤ t &lt; T
///       = min_lr                               t ≥ T
/// </code>
/// Quirks (kept on purpose; use <see cref="PolynomialWithWarmupSchedule"/> for the corrected version):
/// <list type="bullet">
/// <item>The warmup branch ignores lr_base: it starts at 1 (t = 1) and <i>falls</i> as 1/√t instead of rising, so with a
/// typical lr_base ≪ 1 the first updates use rates far above lr_base.</item>
/// <item>It is discontinuous at the warmup boundary: 1/√(w − 1) just before, lr_base at t = w.</item>
/// <item>The decay divides by T rather than T − w, so at t = T − 1 it is still lr_base · ((w + 1)/T)^β, not 0, and it
/// then jumps to min_lr at t = T (a second discontinuity, unless min_lr happens to equal that value).</item>
/// </list>
/// </summary>
/// <param name="BaseLearningRate">lr_base (used by the decay branch only).</param>
/// <param name="WarmupSteps">w (≥ 0; 0 or 1 means no warmup branch).</param>
/// <param name="TotalSteps">T (&gt; 0).</param>
/// <param name="Power">β.</param>
/// <param name="MinLearningRate">min_lr, used from t = T on.</param>
public sealed record SeedSchedule(double BaseLearningRate, long WarmupSteps, long TotalSteps, double Power = 1.0, double MinLearningRate = 0) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <summary>w.</summary>
    public long WarmupSteps { get; } = ScheduleArgs.NonNegative(WarmupSteps, nameof(WarmupSteps));

    /// <summary>T.</summary>
    public long TotalSteps { get; } = ScheduleArgs.Positive(TotalSteps, nameof(TotalSteps));

    /// <summary>min_lr.</summary>
    public double MinLearningRate { get; } = ScheduleArgs.Lr(MinLearningRate, nameof(MinLearningRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        long t = ScheduleArgs.Step(step) + 1;
        if (t < WarmupSteps) return 1 / Math.Sqrt(t);
        if (t < TotalSteps) return BaseLearningRate * Math.Pow(1 - (double)(t - WarmupSteps) / TotalSteps, Power);
        return MinLearningRate;
    }

    /// <summary>The steps (0-based) where t reaches w and T, i.e. w − 1 and T − 1.</summary>
    public IEnumerable<long> Boundaries(long totalSteps) => new[] { WarmupSteps - 1, TotalSteps - 1 }.Where(s => s > 0 && s < totalSteps);
}
