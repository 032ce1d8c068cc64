using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>Feeds <see cref="Monitor"/> to a <see cref="ReduceLROnPlateau"/> controller at the end of each epoch.</summary>
public sealed class ReduceLROnPlateauCallback(ReduceLROnPlateau controller, string monitor = "val_loss") : Callback
{
    /// <summary>The quantity watched.</summary>
    public string Monitor { get; } = monitor;

    /// <summary>The controller that decides when to reduce.</summary>
    public ReduceLROnPlateau Controller { get; } = controller ?? throw new ArgumentNullException(nameof(controller));

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
    {
        if (context.StopTraining && !logs.ContainsKey(Monitor)) return;
        Controller.Observe(MonitorRule.Read(logs, Monitor, nameof(ReduceLROnPlateauCallback)), context.Optimizer);
    }

    /// <inheritdoc/>
    public override CallbackState? GetState()
    {
        var state = new CallbackState();
        foreach (var (k, v) in Controller.StateDict()) state.Values[k] = v;
        return state;
    }

    /// <inheritdoc/>
    public override void SetState(CallbackState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            Controller.LoadStateDict(state.Values);
        }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException($"the saved state of ReduceLROnPlateauCallback does not fit: {e.Message}");
        }
    }
}
