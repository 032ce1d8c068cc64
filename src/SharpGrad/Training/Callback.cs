using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>The state a callback sees and may change: the model, the optimizer, the position in training, and a stop flag.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(Module model, Optimizer optimizer, int epochs, int batchesPerEpoch)
    {
        Model = model;
        Optimizer = optimizer;
        Epochs = epochs;
        BatchesPerEpoch = batchesPerEpoch;
    }

    /// <summary>The model being trained.</summary>
    public Module Model { get; }

    /// <summary>Its optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Total epochs requested.</summary>
    public int Epochs { get; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The current epoch (1-based).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Optimisation steps taken so far (the step being run during batch hooks, 1-based).</summary>
    public long Step { get; internal set; }

    /// <summary>Set by a callback to end training after the current batch (or epoch).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Why training stopped early, set by the callback that stopped it.</summary>
    public string? StopReason { get; set; }
}

/// <summary>
/// Hooks into <see cref="Trainer.Fit"/>, like Keras callbacks. Logs are the loss and metrics so far: per batch the running
/// training values, per epoch the epoch's training values plus <c>val_</c> values when there is validation data.
/// </summary>
public abstract class Callback
{
    /// <summary>Before the first epoch.</summary>
    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>At the start of each epoch.</summary>
    public virtual void OnEpochBegin(TrainingContext context) { }

    /// <summary>Before each optimisation step (e.g. to set the learning rate).</summary>
    public virtual void OnBatchBegin(TrainingContext context) { }

    /// <summary>After each optimisation step, with the batch's loss in <paramref name="logs"/> ("loss").</summary>
    public virtual void OnBatchEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>After each epoch (and its validation).</summary>
    public virtual void OnEpochEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>After the last epoch, or when training stopped.</summary>
    public virtual void OnTrainEnd(TrainingContext context) { }

    /// <summary>
    /// The state this callback carries from epoch to epoch, which <see cref="Trainer.SaveCheckpoint"/> keeps (null: none). A
    /// resumed <see cref="Trainer.Fit"/> gives it back through <see cref="SetState"/> right after <see cref="OnTrainBegin"/>.
    /// </summary>
    public virtual CallbackState? GetState() => null;

    /// <summary>Restores what <see cref="GetState"/> returned, when training resumes from a checkpoint.</summary>
    /// <exception cref="CheckpointFormatException">The state lacks a value this callback needs.</exception>
    public virtual void SetState(CallbackState state) { }
}
