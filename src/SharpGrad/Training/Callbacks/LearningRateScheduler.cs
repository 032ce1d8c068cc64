using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// Sets the optimizer's learning rate from a schedule: per optimisation step from an <see cref="ILearningRateSchedule"/>
/// (step = 0 for the first update), or per epoch from a function of (epoch, current lr) like Keras' <c>LearningRateScheduler</c>.
/// A per-step schedule scales every parameter group (<see cref="LearningRateScheduleExtensions.Apply"/>): group lr =
/// its initial lr · schedule(step) / schedule base lr, so groups keep their ratio, and a single group created with the
/// schedule's base rate follows the schedule exactly.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly ILearningRateSchedule? _perStep;
    private readonly Func<int, double, double>? _perEpoch;

    /// <summary>Per-step schedule: before step s (0-based) the learning rate becomes <c>schedule.LearningRate(s)</c>.</summary>
    public LearningRateScheduler(ILearningRateSchedule schedule) => _perStep = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <summary>Per-epoch schedule: at the start of epoch e (1-based) the learning rate becomes <c>schedule(e, currentLr)</c>.</summary>
    public LearningRateScheduler(Func<int, double, double> schedule) => _perEpoch = schedule ?? throw new ArgumentNullException(nameof(schedule));

    /// <inheritdoc/>
    public override void OnEpochBegin(TrainingContext context)
    {
        if (_perEpoch is not null) context.Optimizer.LearningRate = _perEpoch(context.Epoch, context.Optimizer.LearningRate);
    }

    /// <inheritdoc/>
    public override void OnBatchBegin(TrainingContext context)
    {
        _perStep?.Apply(context.Optimizer, context.Step - 1);
    }
}
