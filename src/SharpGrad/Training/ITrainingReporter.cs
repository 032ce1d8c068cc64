namespace SharpGrad.Training;

/// <summary>
/// Receives training progress for display (the CLI renders it as a progress bar; tests can record it). The library never
/// writes to the console itself.
/// </summary>
public interface ITrainingReporter
{
    /// <summary>An epoch starts.</summary>
    void OnEpochBegin(int epoch, int epochs, int batches);

    /// <summary>A batch finished; <paramref name="logs"/> hold the running epoch averages so far.</summary>
    void OnBatchEnd(int epoch, int batch, int batches, IReadOnlyDictionary<string, double> logs, double samplesPerSecond);

    /// <summary>An epoch finished; <paramref name="logs"/> hold its final training and validation values.</summary>
    void OnEpochEnd(int epoch, int epochs, IReadOnlyDictionary<string, double> logs, double seconds);
}
