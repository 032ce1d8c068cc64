namespace SharpGrad.Metrics;

/// <summary>Per-class precision, recall, F1 and support, as scikit-learn's <c>precision_recall_fscore_support(average=None)</c>.</summary>
/// <param name="Labels">The classes, in the order of the other arrays (sorted unless given explicitly).</param>
/// <param name="Precision">tp / (tp + fp) per class; 0 (with a warning) where the class was never predicted.</param>
/// <param name="Recall">tp / (tp + fn) per class; 0 (with a warning) where the class never occurs in the truth.</param>
/// <param name="F1">2·P·R / (P + R) per class; 0 where P + R = 0.</param>
/// <param name="Support">Number of true instances of each class.</param>
/// <param name="Warnings">What was ill-defined and set to 0 (empty when nothing was).</param>
public sealed record ClassScores(int[] Labels, double[] Precision, double[] Recall, double[] F1, int[] Support, IReadOnlyList<string> Warnings);
