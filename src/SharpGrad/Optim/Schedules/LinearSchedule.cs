namespace SharpGrad.Optim;

/// <summary>
/// PyTorch's <c>LinearLR</c>: the factor moves linearly from <c>StartFactor</c> to <c>EndFactor</c> over <c>TotalIters</c>
/// steps, then stays: lr(step) = lr_base · (s + (e − s) · min(step, T) / T). Defaults as in PyTorch (1/3 → 1 over 5 steps).
/// </summary>
/// <param name="BaseLearningRate">lr_base.</param>
/// <param name="StartFactor">Factor s at step 0.</param>
/// <param name="EndFactor">Factor e from step T on.</param>
/// <param name="TotalIters">T (&gt; 0).</param>
public sealed record LinearSchedule(double BaseLearningRate, double StartFactor = 1.0 / 3, double EndFactor = 1.0, long TotalIters = 5) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <summary>T.</summary>
    public long TotalIters { get; } = ScheduleArgs.Positive(TotalIters, nameof(TotalIters));

    /// <inheritdoc/>
    public double LearningRate(long step) =>
        BaseLearningRate * (StartFactor + (EndFactor - StartFactor) * Math.Min(ScheduleArgs.Step(step), TotalIters) / TotalIters);

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps) => TotalIters < totalSteps ? [TotalIters] : [];
}
