namespace SharpGrad.History;

/// <summary>One training run of the generalized delta rule.</summary>
/// <param name="Seed">Seed of the initial weights.</param>
/// <param name="Converged">True when the criterion was met within the sweep budget.</param>
/// <param name="Sweeps">Weight updates made before the criterion held (the budget when not converged).</param>
/// <param name="ErrorCurve">E = ½ Σ_p Σ_k (t − o)² before each update, and finally at the end (length Sweeps + 1).</param>
/// <param name="Outputs">Final outputs, one row per pattern.</param>
/// <param name="HiddenActivations">Final hidden activations, one row per pattern.</param>
/// <param name="MaxHiddenGap">Max over sweeps and patterns of |h₁ − h₂| (the first two hidden units); null with fewer than two hidden units.</param>
/// <param name="Predict">The final network as a plain function of one input vector.</param>
public sealed record BackpropRun(ulong Seed, bool Converged, int Sweeps, double[] ErrorCurve, double[][] Outputs, double[][] HiddenActivations,
    double? MaxHiddenGap, Func<double[], double[]> Predict);
