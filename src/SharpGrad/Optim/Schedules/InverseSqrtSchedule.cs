namespace SharpGrad.Optim;

/// <summary>
/// Linear warmup, then decay with the inverse square root of the step (the Transformer / fairseq schedule): with w = warmup steps,
/// <code>
/// lr(step) = lr_base · step / w               step &lt; w   (0 at step 0)
///          = lr_base · √(max(w, 1) / max(step, 1))   step ≥ w
/// </code>
/// Continuous at w (both sides give lr_base); it never reaches 0.
/// </summary>
/// <param name="BaseLearningRate">lr_base, reached at the end of the warmup.</param>
/// <param name="WarmupSteps">w (≥ 0).</param>
public sealed record InverseSqrtSchedule(double BaseLearningRate, long WarmupSteps) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <summary>w.</summary>
    public long WarmupSteps { get; } = ScheduleArgs.NonNegative(WarmupSteps, nameof(WarmupSteps));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArgs.Step(step);
        if (step < WarmupSteps) return BaseLearningRate * step / WarmupSteps;
        return BaseLearningRate * Math.Sqrt((double)Math.Max(WarmupSteps, 1) / Math.Max(step, 1));
    }

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps) => WarmupSteps > 0 && WarmupSteps < totalSteps ? [WarmupSteps] : [];
}
