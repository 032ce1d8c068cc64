namespace SharpGrad.Optim;

/// <summary>
/// PyTorch's <c>MultiStepLR</c>: lr(step) = lr_base · γ^(number of milestones ≤ step). A milestone listed twice decays twice.
/// </summary>
public sealed class MultiStepSchedule : ILearningRateSchedule
{
    private readonly long[] _milestones;

    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">lr_base.</param>
    /// <param name="milestones">Steps at which the rate is multiplied by γ (any order, ≥ 0).</param>
    /// <param name="gamma">Multiplicative factor γ.</param>
    public MultiStepSchedule(double baseLearningRate, IEnumerable<long> milestones, double gamma = 0.1)
    {
        BaseLearningRate = ScheduleArgs.Lr(baseLearningRate, nameof(baseLearningRate));
        _milestones = milestones.Select(m => ScheduleArgs.NonNegative(m, nameof(milestones))).Order().ToArray();
        Gamma = gamma;
    }

    /// <inheritdoc/>
    public double BaseLearningRate { get; }

    /// <summary>The milestones, sorted.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double LearningRate(long step)
    {
        ScheduleArgs.Step(step);
        int passed = 0;
        while (passed < _milestones.Length && _milestones[passed] <= step) passed++;
        return BaseLearningRate * Math.Pow(Gamma, passed);
    }

    /// <inheritdoc/>
    public IEnumerable<long> Boundaries(long totalSteps) => _milestones.Where(m => m < totalSteps).Distinct();

    /// <inheritdoc/>
    public override string ToString() => $"MultiStepSchedule {{ BaseLearningRate = {BaseLearningRate}, Milestones = [{string.Join(", ", _milestones)}], Gamma = {Gamma} }}";
}
