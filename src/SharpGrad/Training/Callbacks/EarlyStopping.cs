namespace SharpGrad.Training;

/// <summary>
/// Stops training when <see cref="Monitor"/> has not improved by more than <see cref="MinDelta"/> for <see cref="Patience"/>
/// consecutive epochs (at the first epoch without improvement when patience is 0), like Keras' <c>EarlyStopping</c>;
/// optionally restores the weights of the best epoch at the end.
/// </summary>
public sealed class EarlyStopping(string monitor = "val_loss", int patience = 0, double minDelta = 0, MonitorMode mode = MonitorMode.Auto, bool restoreBestWeights = false) : Callback
{
    private double _best;
    private int _wait;
    private Dictionary<string, Tensor>? _bestWeights;

    /// <summary>The quantity watched.</summary>
    public string Monitor { get; } = monitor;

    /// <summary>Epochs without improvement before stopping.</summary>
    public int Patience { get; } = patience >= 0 ? patience : throw new ArgumentOutOfRangeException(nameof(patience));

    /// <summary>Smallest change that counts as an improvement.</summary>
    public double MinDelta { get; } = Math.Abs(minDelta);

    /// <summary>Whether to load the best epoch's weights when training ends.</summary>
    public bool RestoreBestWeights { get; } = restoreBestWeights;

    /// <summary>The epoch at which training was stopped (0 if it was not).</summary>
    public int StoppedEpoch { get; private set; }

    /// <summary>The epoch with the best monitored value.</summary>
    public int BestEpoch { get; private set; }

    private bool HigherIsBetter => MonitorRule.HigherIsBetter(Monitor, mode);

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        _best = HigherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        _wait = 0;
        StoppedEpoch = 0;
        BestEpoch = 0;
        _bestWeights = null;
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
    {
        if (context.StopTraining && !logs.ContainsKey(Monitor)) return; // stopped mid-epoch (e.g. TerminateOnNaN): nothing to judge
        double value = MonitorRule.Read(logs, Monitor, nameof(EarlyStopping));
        bool improved = HigherIsBetter ? value - MinDelta > _best : value + MinDelta < _best;
        if (improved)
        {
            _best = value;
            _wait = 0;
            BestEpoch = context.Epoch;
            if (RestoreBestWeights)
                _bestWeights = context.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Detach().Clone());
            return;
        }
        // Keras semantics: stop once `patience` consecutive epochs brought no improvement (patience 0: at the first one).
        if (++_wait >= Math.Max(Patience, 1))
        {
            StoppedEpoch = context.Epoch;
            context.StopTraining = true;
            context.StopReason = $"EarlyStopping: {Monitor} did not improve for {_wait} epoch(s) after epoch {BestEpoch} (best {_best:G6}).";
        }
    }

    /// <inheritdoc/>
    public override CallbackState? GetState()
    {
        var state = new CallbackState();
        state.Values["best"] = _best;
        state.Values["wait"] = _wait;
        state.Values["best_epoch"] = BestEpoch;
        state.Values["stopped_epoch"] = StoppedEpoch;
        if (_bestWeights is not null) foreach (var (name, t) in _bestWeights) state.Tensors[name] = t;
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _best = state.Get("best");
        _wait = state.GetInt("wait");
        BestEpoch = state.GetInt("best_epoch");
        StoppedEpoch = state.GetInt("stopped_epoch");
        _bestWeights = state.Tensors.Count > 0 ? state.Tensors.ToDictionary(kv => kv.Key, kv => kv.Value) : null;
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(TrainingContext context)
    {
        if (RestoreBestWeights && _bestWeights is not null && BestEpoch != context.Epoch)
            context.Model.LoadStateDict(_bestWeights);
    }
}
