namespace SharpGrad.Optim;

/// <summary>PyTorch's <c>ExponentialLR</c>: lr(step) = lr_base · γ^step.</summary>
/// <param name="BaseLearningRate">lr_base.</param>
/// <param name="Gamma">Multiplicative factor γ per step.</param>
public sealed record ExponentialSchedule(double BaseLearningRate, double Gamma) : ILearningRateSchedule
{
    /// <summary>lr_base.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <inheritdoc/>
    public double LearningRate(long step) => BaseLearningRate * Math.Pow(Gamma, ScheduleArgs.Step(step));
}
