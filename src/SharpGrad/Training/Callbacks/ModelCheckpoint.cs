using SharpGrad.IO;

namespace SharpGrad.Training;

/// <summary>
/// Saves the model's state dict as safetensors at the end of each epoch (or only when <see cref="Monitor"/> improves),
/// like Keras' <c>ModelCheckpoint</c>. Each write is atomic: a crash mid-save never destroys the previous checkpoint.
/// <paramref name="path"/> may contain <c>{epoch}</c> or <c>{epoch:02d}</c>, replaced by the (zero-padded) epoch number.
/// </summary>
public sealed class ModelCheckpoint(string path, string monitor = "val_loss", bool saveBestOnly = false, MonitorMode mode = MonitorMode.Auto) : Callback
{
    private double _best;

    /// <summary>Target path (may contain <c>{epoch}</c>).</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <summary>The quantity watched when <see cref="SaveBestOnly"/>.</summary>
    public string Monitor { get; } = monitor;

    /// <summary>Save only when the monitored quantity improves.</summary>
    public bool SaveBestOnly { get; } = saveBestOnly;

    /// <summary>The last file written, if any.</summary>
    public string? LastSaved { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context) =>
        _best = MonitorRule.HigherIsBetter(Monitor, mode) ? double.NegativeInfinity : double.PositiveInfinity;

    /// <inheritdoc/>
    public override CallbackState? GetState()
    {
        var state = new CallbackState();
        state.Values["best"] = _best;
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state.Get("best");
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveBestOnly)
        {
            if (context.StopTraining && !logs.ContainsKey(Monitor)) return;
            double value = MonitorRule.Read(logs, Monitor, nameof(ModelCheckpoint));
            bool better = MonitorRule.HigherIsBetter(Monitor, mode) ? value > _best : value < _best;
            if (!better) return;
            _best = value;
        }
        // {epoch} or Keras' {epoch:02d}
        string target = System.Text.RegularExpressions.Regex.Replace(Path, @"\{epoch(?::0?(\d+)d)?\}",
            m => context.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(m.Groups[1].Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0, '0'));
        var meta = new Dictionary<string, string> { ["epoch"] = context.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (logs.TryGetValue(Monitor, out double m)) meta[Monitor] = m.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        SafeTensors.Save(target, context.Model.StateDict(), meta);
        LastSaved = target;
    }
}
