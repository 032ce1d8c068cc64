namespace SharpGrad.History;

/// <summary>
/// What a plot of a 2-D experiment needs: the training points and the trained unit or network as a function of (x₁, x₂).
/// The decision boundary is the level set <c>Predict(x, y) = Threshold</c>.
/// </summary>
/// <param name="Title">Panel title, e.g. "perceptron on AND".</param>
/// <param name="Points">Training points with their targets.</param>
/// <param name="Predict">The trained model's raw output at (x₁, x₂): w·x for the linear units, the logistic output for networks.</param>
/// <param name="Threshold">The output level that separates the classes (0 for bipolar units, 0.5 for logistic outputs).</param>
/// <param name="Weights">For linear units, the augmented weights (w₀, w₁, w₂) of the boundary w₀ + w₁x₁ + w₂x₂ = 0; null for networks.</param>
public sealed record Decision2D(string Title, IReadOnlyList<LabeledPoint> Points, Func<double, double, double> Predict, double Threshold,
    double[]? Weights = null);
