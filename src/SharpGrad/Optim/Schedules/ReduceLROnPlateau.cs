namespace SharpGrad.Optim;

/// <summary>Whether a monitored metric should go down (a loss) or up (an accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better.</summary>
    Min,

    /// <summary>Higher is better.</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau.Threshold"/> defines a significant improvement.</summary>
public enum ThresholdMode
{
    /// <summary>Relative: better than best · (1 ∓ threshold).</summary>
    Rel,

    /// <summary>Absolute: better than best ∓ threshold.</summary>
    Abs,
}

/// <summary>
/// Reduces the learning rate when a metric stops improving, following <c>torch.optim.lr_scheduler.ReduceLROnPlateau</c>
/// (defaults: mode min, factor 0.1, patience 10, threshold 1e-4 relative, cooldown 0, min_lr 0, eps 1e-8). Unlike the
/// step schedules this is stateful: call <see cref="Observe"/> once per evaluation (usually per epoch).
/// <list type="number">
/// <item>If the metric beats the best so far by the threshold, it becomes the best and the bad-epoch count resets; otherwise
/// the count grows by one (NaN never improves).</item>
/// <item>During cooldown (the <see cref="Cooldown"/> observations after a reduction) the count is held at 0.</item>
/// <item>When the count exceeds <see cref="Patience"/>, every group's rate becomes max(lr · factor, min_lr) — a change smaller
/// than eps is skipped — the cooldown starts and the count resets.</item>
/// </list>
/// </summary>
public sealed class ReduceLROnPlateau
{
    /// <summary>Creates the controller.</summary>
    /// <param name="mode">Whether the metric should decrease or increase.</param>
    /// <param name="factor">Multiplier of the rate at a reduction (in (0, 1)).</param>
    /// <param name="patience">Observations without improvement tolerated before reducing.</param>
    /// <param name="threshold">Minimum significant improvement.</param>
    /// <param name="thresholdMode">Relative or absolute threshold.</param>
    /// <param name="cooldown">Observations after a reduction during which bad epochs are not counted.</param>
    /// <param name="minLr">Lower bound of every group's rate.</param>
    /// <param name="eps">Reductions smaller than this are skipped.</param>
    public ReduceLROnPlateau(PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0, double eps = 1e-8)
    {
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "ReduceLROnPlateau: factor must be in (0, 1).");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), patience, "ReduceLROnPlateau: patience must be ≥ 0.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "ReduceLROnPlateau: cooldown must be ≥ 0.");
        if (!(threshold >= 0)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "ReduceLROnPlateau: threshold must be ≥ 0.");
        if (!(minLr >= 0)) throw new ArgumentOutOfRangeException(nameof(minLr), minLr, "ReduceLROnPlateau: minLr must be ≥ 0.");
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinLr = minLr;
        Eps = eps;
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Whether the metric should decrease or increase.</summary>
    public PlateauMode Mode { get; }

    /// <summary>Multiplier at a reduction.</summary>
    public double Factor { get; }

    /// <summary>Observations without improvement tolerated before reducing.</summary>
    public int Patience { get; }

    /// <summary>Minimum significant improvement.</summary>
    public double Threshold { get; }

    /// <summary>Relative or absolute threshold.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Observations after a reduction during which bad epochs are not counted.</summary>
    public int Cooldown { get; }

    /// <summary>Lower bound of the rates.</summary>
    public double MinLr { get; }

    /// <summary>Reductions smaller than this are skipped.</summary>
    public double Eps { get; }

    /// <summary>Best metric seen so far (±∞ before the first observation).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive observations without significant improvement.</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Observations of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    /// <summary>Number of observations so far.</summary>
    public long Observations { get; private set; }

    /// <summary>Its running state (best, num_bad_epochs, cooldown_counter, observations), as PyTorch's <c>state_dict</c> keeps it.</summary>
    public Dictionary<string, double> StateDict() => new(StringComparer.Ordinal)
    {
        ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["cooldown_counter"] = CooldownCounter, ["observations"] = Observations,
    };

    /// <summary>Restores what <see cref="StateDict"/> returned.</summary>
    /// <exception cref="ArgumentException">A missing or negative count.</exception>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        double Read(string key) => state.TryGetValue(key, out double v) ? v
            : throw new ArgumentException($"ReduceLROnPlateau.LoadStateDict: \"{key}\" is missing.", nameof(state));
        int Count(string key) => Read(key) is var v && v >= 0 && v <= int.MaxValue && v == Math.Floor(v) ? (int)v
            : throw new ArgumentException($"ReduceLROnPlateau.LoadStateDict: \"{key}\" must be a non-negative integer, not {Read(key)}.", nameof(state));
        (Best, NumBadEpochs, CooldownCounter, Observations) = (Read("best"), Count("num_bad_epochs"), Count("cooldown_counter"), Count("observations"));
    }

    /// <summary>Records <paramref name="metric"/> and reduces <paramref name="optimizer"/>'s rates if it has plateaued.</summary>
    /// <returns>True when at least one group's rate was reduced.</returns>
    public bool Observe(double metric, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Observations++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;

        if (CooldownCounter > 0)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // ignore bad epochs in cooldown
        }

        if (NumBadEpochs <= Patience) return false;
        bool reduced = false;
        foreach (var group in optimizer.ParamGroups)
        {
            double old = group.LearningRate, next = Math.Max(old * Factor, MinLr);
            if (old - next > Eps)
            {
                group.LearningRate = next;
                reduced = true;
            }
        }
        CooldownCounter = Cooldown;
        NumBadEpochs = 0;
        return reduced;
    }

    private bool IsBetter(double a, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => a < best * (1 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => a < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => a > best * (Threshold + 1),
        _ => a > best + Threshold,
    };
}
