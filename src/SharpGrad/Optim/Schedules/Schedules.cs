namespace SharpGrad.Optim;

/// <summary>
/// Builds schedules by name with defaults derived from the base rate and the run length T (for the CLI and recipes):
/// <list type="table">
/// <item><term>constant</term><description>lr_base</description></item>
/// <item><term>step</term><description>×0.1 every max(1, T/3) steps</description></item>
/// <item><term>multistep</term><description>×0.1 at T/2 and 3T/4</description></item>
/// <item><term>exponential</term><description>γ = 0.01^(1/T): down to 1 % of lr_base at T</description></item>
/// <item><term>linear</term><description>linear decay: factor 1 → 0 over T</description></item>
/// <item><term>cosine</term><description>warmup T/10, cosine to 0 at T</description></item>
/// <item><term>polynomial</term><description>warmup T/10, β = 2, to 0 at T (the corrected seed schedule)</description></item>
/// <item><term>inverse-sqrt</term><description>warmup T/10, then lr_base·√(w/step)</description></item>
/// <item><term>onecycle</term><description>PyTorch OneCycleLR defaults with max_lr = lr_base</description></item>
/// <item><term>seed</term><description>the seed's literal formula: warmup T/10, β = 2, min_lr 0 (see <see cref="SeedSchedule"/>)</description></item>
/// </list>
/// Names are case-insensitive; '_' may replace '-'.
/// </summary>
public static class Schedules
{
    private static readonly (string Name, Func<double, long, ILearningRateSchedule> Build)[] Registry =
    [
        ("constant", (lr, t) => new ConstantSchedule(lr)),
        ("step", (lr, t) => new StepSchedule(lr, Math.Max(1, t / 3), 0.1)),
        ("multistep", (lr, t) => new MultiStepSchedule(lr, [t / 2, 3 * t / 4], 0.1)),
        ("exponential", (lr, t) => new ExponentialSchedule(lr, Math.Pow(0.01, 1.0 / t))),
        ("linear", (lr, t) => new LinearSchedule(lr, 1.0, 0.0, t)),
        ("cosine", (lr, t) => new CosineWithWarmupSchedule(lr, t / 10, t)),
        ("polynomial", (lr, t) => new PolynomialWithWarmupSchedule(lr, t / 10, t, Power: 2)),
        ("inverse-sqrt", (lr, t) => new InverseSqrtSchedule(lr, t / 10)),
        ("onecycle", (lr, t) => new OneCycleSchedule(lr, Math.Max(2, t))),
        ("seed", (lr, t) => new SeedSchedule(lr, t / 10, t, Power: 2)),
    ];

    /// <summary>The registered names, in display order.</summary>
    public static IReadOnlyList<string> Names { get; } = Registry.Select(r => r.Name).ToArray();

    /// <summary>Builds the schedule <paramref name="name"/> for a run of <paramref name="totalSteps"/> steps around <paramref name="baseLr"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static ILearningRateSchedule Create(string name, double baseLr, long totalSteps)
    {
        ArgumentNullException.ThrowIfNull(name);
        ScheduleArgs.Positive(totalSteps, nameof(totalSteps));
        string key = name.Trim().ToLowerInvariant().Replace('_', '-');
        foreach (var (n, build) in Registry)
            if (n == key) return build(baseLr, totalSteps);
        throw new ArgumentException($"Unknown learning-rate schedule \"{name}\". Available: {string.Join(", ", Names)}.", nameof(name));
    }
}
