namespace SharpGrad.Metrics;

/// <summary>
/// A metric accumulated over batches during training or evaluation: <see cref="Reset"/> at the start of an epoch,
/// <see cref="Update"/> with each batch's model output and target, <see cref="Compute"/> for the value so far.
/// </summary>
public interface IMetric
{
    /// <summary>The name under which the value is logged (e.g. "accuracy", "top5_accuracy", "f1").</summary>
    string Name { get; }

    /// <summary>Forgets everything accumulated.</summary>
    void Reset();

    /// <summary>Adds one batch: <paramref name="output"/> as the model produced it (logits, probabilities, scores) and its target.</summary>
    void Update(Tensor output, Tensor target);

    /// <summary>The metric over everything since the last <see cref="Reset"/>.</summary>
    double Compute();
}
