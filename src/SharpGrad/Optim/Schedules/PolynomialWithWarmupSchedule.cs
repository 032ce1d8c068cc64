namespace SharpGrad.Optim;

/// <summary>
/// Linear warmup, then polynomial decay to <c>MinLearningRate</c> — the corrected form of <see cref="SeedSchedule"/> (as Hugging
/// Face's <c>get_polynomial_decay_schedule_with_warmup</c>): with w = warmup steps, T = total steps, β = power,
/// <code>
/// lr(step) = lr_base · step / w                                  step &lt; w   (0 at step 0)
///          = min + (lr_base − min) · (1 − (step − w)/(T − w))^β    w ≤ step &lt; T
///          = min                                                 step ≥ T
/// </code>
/// Continuous everywhere: it reaches lr_base at w and exactly min at T. With w = 0 and min = 0 it equals PyTorch's
/// <c>PolynomialLR(total_iters=T, power=β)</c>.
/// </summary>
/// <param name="BaseLearningRate">lr_base, reached at the end of the warmup.</param>
/// <param name="WarmupSteps">w (≥ 0).</param>
/// <param name="TotalSteps">T (&gt; w).</param>
/// <param name="Power">β (&gt; 0; 1 = linear decay).</param>
/// <param name="MinLearningRate">The floor reached at T.</param>
public sealed record PolynomialWithWarmupSchedule(double BaseLearningRate, long WarmupSteps, long TotalSteps, double Power = 1.0, double MinLearningRate = 0) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <summary>w.</summary>
    public long WarmupSteps { get; } = ScheduleArgs.NonNegative(WarmupSteps, nameof(WarmupSteps));

    /// <summary>T.</summary>
    public long TotalSteps { get; } = TotalSteps > WarmupSteps ? TotalSteps
        : throw new ArgumentOutOfRangeException(nameof(TotalSteps), TotalSteps, "PolynomialWithWarmupSchedule: TotalSteps must exceed WarmupSteps.");

    /// <summary>β.</summary>
    public double Power { get; } = ScheduleArgs.Positive(Power, nameof(Power));

    /// <summary>min.</summary>
    public double MinLearningRate { get; } = ScheduleArgs.Lr(MinLearningRate, nameof(MinLearningRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArgs.Step(step);
        if (step < WarmupSteps) return BaseLearningRate * step / WarmupSteps;
        if (step >= TotalSteps) return MinLearningRate;
        double remaining = 1 - (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * Math.Pow(remaining, Power);
    }

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps) => new[] { WarmupSteps, TotalSteps }.Where(s => s > 0 && s < totalSteps);
}
