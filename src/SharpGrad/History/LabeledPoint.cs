namespace SharpGrad.History;

/// <summary>One training point of a 2-D experiment, for decision-boundary plots.</summary>
/// <param name="X">First input.</param>
/// <param name="Y">Second input.</param>
/// <param name="Label">Target (+1/−1 for the single-layer units, 1/0 for the logistic networks).</param>
public readonly record struct LabeledPoint(double X, double Y, double Label);
