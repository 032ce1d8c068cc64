namespace SharpGrad.Metrics;

/// <summary>How per-class scores are combined into one number, as scikit-learn's <c>average=</c> parameter.</summary>
public enum Average
{
    /// <summary>Only the positive class (<c>posLabel</c>); the data must have at most two classes.</summary>
    Binary,
    /// <summary>Unweighted mean of the per-class scores.</summary>
    Macro,
    /// <summary>Score of the pooled counts (true positives, false positives, false negatives summed over classes).</summary>
    Micro,
    /// <summary>Mean of the per-class scores weighted by each class's support (number of true instances).</summary>
    Weighted,
}
