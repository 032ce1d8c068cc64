namespace SharpGrad.History;

/// <summary>Outcome of training a perceptron until an epoch without mistakes (or the epoch limit).</summary>
/// <param name="Data">The data set it was trained on.</param>
/// <param name="Converged">True when an epoch made no mistake.</param>
/// <param name="Epochs">Epochs run, including the final mistake-free one.</param>
/// <param name="Updates">Weight updates (= mistakes) over all epochs.</param>
/// <param name="MistakesPerEpoch">Mistakes in each epoch.</param>
/// <param name="Weights">Final augmented weights (w₀ = bias, w₁, w₂, …).</param>
/// <param name="Radius">R = max ‖x‖ over the augmented inputs.</param>
/// <param name="Margin">γ of the solver's maximum-margin hyperplane (<see cref="History.Margin.MaxMargin"/>), a valid lower bound on the maximum margin.</param>
/// <param name="GeneratingMargin">γ of the generating hyperplane on the augmented inputs, for generated sets; else null.</param>
/// <param name="NovikoffBound">(R/γ)² with γ = <paramref name="Margin"/>.</param>
public sealed record PerceptronResult(LinearDataset Data, bool Converged, int Epochs, int Updates, int[] MistakesPerEpoch, double[] Weights,
    double Radius, double Margin, double? GeneratingMargin, double NovikoffBound)
{
    /// <summary>True when the number of updates is within Novikoff's bound.</summary>
    public bool WithinBound => Updates <= NovikoffBound;
}
