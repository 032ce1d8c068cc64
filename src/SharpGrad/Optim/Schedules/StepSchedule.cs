namespace SharpGrad.Optim;

/// <summary>PyTorch's <c>StepLR</c>: lr(step) = lr_base · γ^⌊step / stepSize⌋.</summary>
/// <param name="BaseLearningRate">lr_base.</param>
/// <param name="StepSize">Steps between decays (&gt; 0).</param>
/// <param name="Gamma">Multiplicative factor γ at each decay.</param>
public sealed record StepSchedule(double BaseLearningRate, long StepSize, double Gamma = 0.1) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; } = ScheduleArgs.Positive(StepSize, nameof(StepSize));

    /// <inheritdoc/>
    public double LearningRate(long step) => BaseLearningRate * Math.Pow(Gamma, ScheduleArgs.Step(step) / StepSize);

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps)
    {
        for (long s = StepSize; s < totalSteps; s += StepSize) yield return s;
    }
}
