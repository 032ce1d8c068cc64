namespace SharpGrad.Training;

/// <summary>
/// Stops training at the first batch whose loss is NaN or infinite, like Keras' <c>TerminateOnNaN</c>, and says where:
/// the epoch, the optimisation step, and the first parameter (or gradient) that is not finite.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>The step at which a non-finite loss was seen (0 if never).</summary>
    public long StoppedAtStep { get; private set; }

    /// <summary>A description of what was found, or null.</summary>
    public string? Message { get; private set; }

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        StoppedAtStep = 0;
        Message = null;
    }

    /// <inheritdoc/>
    public override void OnBatchEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue("loss", out double loss) || double.IsFinite(loss)) return;
        StoppedAtStep = context.Step;
        Message = $"TerminateOnNaN: the loss became {loss} at epoch {context.Epoch}, step {context.Step}; {FirstNonFinite(context)}.";
        context.StopTraining = true;
        context.StopReason = Message;
    }

    private static string FirstNonFinite(TrainingContext context)
    {
        foreach (var (name, p) in context.Model.NamedParameters())
        {
            if (!AllFinite(p)) return $"first non-finite tensor: parameter \"{name}\"";
            if (p.Grad is { } g && !AllFinite(g)) return $"first non-finite tensor: gradient of \"{name}\"";
        }
        return "all parameters and gradients are still finite (the loss overflowed first)";
    }

    private static bool AllFinite(Tensor t)
    {
        foreach (double v in t.ToArray<double>())
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
