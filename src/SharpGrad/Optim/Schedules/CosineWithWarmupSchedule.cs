namespace SharpGrad.Optim;

/// <summary>
/// Linear warmup, then cosine decay to <c>MinLearningRate</c> (as Hugging Face's <c>get_cosine_schedule_with_warmup</c>,
/// with a floor): with w = warmup steps and T = total steps,
/// <code>
/// lr(step) = lr_base · step / w                                         step &lt; w   (0 at step 0)
///          = min + (lr_base − min) · ½(1 + cos(π · (step − w)/(T − w)))  w ≤ step &lt; T
///          = min                                                        step ≥ T
/// </code>
/// Continuous everywhere. With w = 0 it equals PyTorch's <c>CosineAnnealingLR(T_max=T, eta_min=min)</c> for step ≤ T.
/// </summary>
/// <param name="BaseLearningRate">lr_base, reached at the end of the warmup.</param>
/// <param name="WarmupSteps">w (≥ 0).</param>
/// <param name="TotalSteps">T (&gt; w).</param>
/// <param name="MinLearningRate">The floor reached at T.</param>
public sealed record CosineWithWarmupSchedule(double BaseLearningRate, long WarmupSteps, long TotalSteps, double MinLearningRate = 0) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <summary>w.</summary>
    public long WarmupSteps { get; } = ScheduleArgs.NonNegative(WarmupSteps, nameof(WarmupSteps));

    /// <summary>T.</summary>
    public long TotalSteps { get; } = TotalSteps > WarmupSteps ? TotalSteps
        : throw new ArgumentOutOfRangeException(nameof(TotalSteps), TotalSteps, "CosineWithWarmupSchedule: TotalSteps must exceed WarmupSteps.");

    /// <summary>min.</summary>
    public double MinLearningRate { get; } = ScheduleArgs.Lr(MinLearningRate, nameof(MinLearningRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArgs.Step(step);
        if (step < WarmupSteps) return BaseLearningRate * step / WarmupSteps;
        if (step >= TotalSteps) return MinLearningRate;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLearningRate + (BaseLearningRate - MinLearningRate) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps) => new[] { WarmupSteps, TotalSteps }.Where(s => s > 0 && s < totalSteps);
}
