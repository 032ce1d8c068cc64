namespace SharpGrad.Training;

/// <summary>Thrown when a loss becomes NaN or infinite during training; says at which epoch and step, so the run can be diagnosed.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>The epoch (1-based) in which the non-finite loss appeared.</summary>
    public int Epoch { get; }

    /// <summary>The global optimisation step (1-based) in which it appeared.</summary>
    public long Step { get; }

    /// <summary>The offending loss value.</summary>
    public double Loss { get; }

    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(int epoch, long step, double loss)
        : base($"Training diverged: the loss became {loss} at epoch {epoch}, step {step}. Lower the learning rate, check the inputs for NaN/Inf, or clip gradients.")
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
    }
}
