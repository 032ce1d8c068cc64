namespace SharpGrad.Optim;

/// <summary>
/// A learning-rate schedule: a pure function of the step. <b>Steps are 0-based</b>: <c>LearningRate(step)</c> is the rate used
/// by the update that follows <c>step</c> completed updates, so <c>LearningRate(0)</c> drives the first update. This equals
/// PyTorch's <c>scheduler.get_last_lr()</c> after <c>scheduler.step()</c> has been called <c>step</c> times (for the
/// schedulers that exist there). Every schedule is defined for all steps ≥ 0, including beyond its total.
/// <code>
/// var schedule = new CosineWithWarmupSchedule(3e-4, warmupSteps: 100, totalSteps: 1000);
/// for (long step = 0; step &lt; 1000; step++)
/// {
///     schedule.Apply(optimizer, step);   // every group: InitialLearningRate · LearningRate(step) / BaseLearningRate
///     ...; optimizer.Step();
/// }
/// </code>
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The reference rate the schedule is built around (lr_base, or max_lr for one-cycle).</summary>
    double BaseLearningRate { get; }

    /// <summary>The learning rate for the update after <paramref name="step"/> (0-based) completed updates.</summary>
    double LearningRate(long step);

    /// <summary>Steps where the schedule changes phase (end of warmup, decay milestones, end), below <paramref name="totalSteps"/>; for tables and plots.</summary>
    IEnumerable<long> Boundaries(long totalSteps) => [];
}

/// <summary>Helpers to drive an <see cref="Optimizer"/> from an <see cref="ILearningRateSchedule"/>.</summary>
public static class LearningRateScheduleExtensions
{
    /// <summary>The schedule's rate at <paramref name="step"/> relative to its base: <c>LearningRate(step) / BaseLearningRate</c>.</summary>
    public static double Factor(this ILearningRateSchedule schedule, long step)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        double b = schedule.BaseLearningRate;
        return b == 0 ? 0 : schedule.LearningRate(step) / b;
    }

    /// <summary>
    /// Sets the optimizer's rates for <paramref name="step"/>: each group gets <c>InitialLearningRate · Factor(step)</c>
    /// (<see cref="Optimizer.SetLearningRateScale"/>), so groups keep their ratio and a single group whose initial rate equals
    /// the schedule's base rate gets exactly <c>LearningRate(step)</c>.
    /// </summary>
    public static void Apply(this ILearningRateSchedule schedule, Optimizer optimizer, long step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.SetLearningRateScale(schedule.Factor(step));
    }
}

internal static class ScheduleArgs
{
    public static long Step(long step) => step >= 0 ? step
        : throw new ArgumentOutOfRangeException(nameof(step), step, "Learning-rate schedules are defined for steps ≥ 0 (0 = the first update).");

    public static double Lr(double lr, string what) => lr >= 0 && double.IsFinite(lr) ? lr
        : throw new ArgumentOutOfRangeException(what, lr, $"{what} must be finite and non-negative.");

    public static long Positive(long n, string what) => n > 0 ? n : throw new ArgumentOutOfRangeException(what, n, $"{what} must be > 0.");

    public static long NonNegative(long n, string what) => n >= 0 ? n : throw new ArgumentOutOfRangeException(what, n, $"{what} must be ≥ 0.");

    public static double Positive(double x, string what) => x > 0 && double.IsFinite(x) ? x : throw new ArgumentOutOfRangeException(what, x, $"{what} must be finite and > 0.");
}
