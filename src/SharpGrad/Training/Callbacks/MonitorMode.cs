namespace SharpGrad.Training;

/// <summary>Whether a monitored quantity should go down or up.</summary>
public enum MonitorMode
{
    /// <summary>Decide from the name: accuracy-, AUC-, F1-, precision- and recall-like quantities go up; everything else down (as Keras does).</summary>
    Auto,
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}

internal static class MonitorRule
{
    public static bool HigherIsBetter(string monitor, MonitorMode mode) => mode switch
    {
        MonitorMode.Max => true,
        MonitorMode.Min => false,
        _ => new[] { "acc", "auc", "f1", "precision", "recall" }.Any(s => monitor.Contains(s, StringComparison.OrdinalIgnoreCase)),
    };

    public static double Read(IReadOnlyDictionary<string, double> logs, string monitor, string who) =>
        logs.TryGetValue(monitor, out double v) ? v
        : throw new KeyNotFoundException($"{who}: the monitored quantity \"{monitor}\" is not in the logs; available: {string.Join(", ", logs.Keys)}. " +
            "(val_ quantities need validation data.)");
}
