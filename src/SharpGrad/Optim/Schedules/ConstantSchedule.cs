namespace SharpGrad.Optim;

/// <summary>A constant rate: lr(step) = lr_base.</summary>
/// <param name="BaseLearningRate">The rate.</param>
public sealed record ConstantSchedule(double BaseLearningRate) : ILearningRateSchedule
{
    /// <summary>The rate.</summary>
    public double BaseLearningRate { get; } = ScheduleArgs.Lr(BaseLearningRate, nameof(BaseLearningRate));

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArgs.Step(step);
        return BaseLearningRate;
    }
}
