namespace SharpGrad.History;

/// <summary>
/// Outcome of running the perceptron rule on data that may not be separable, watching for a repeated weight vector at
/// epoch boundaries. Because the presentation order is fixed, the state (w, position in the epoch) at an epoch boundary is
/// just w; once it repeats, every later epoch repeats too, so the rule can never converge.
/// </summary>
/// <param name="Data">The data set.</param>
/// <param name="Converged">True when an epoch made no mistake (then no cycle is reported).</param>
/// <param name="CycleDetected">True when a weight vector at an epoch boundary repeated.</param>
/// <param name="CycleStartEpoch">The epoch (0-based: weights before that epoch) where the repeated state was first seen.</param>
/// <param name="CycleLength">Epochs between the two visits of the state (0 when no cycle).</param>
/// <param name="EpochsRun">Epochs run before stopping.</param>
/// <param name="Updates">Updates made over all epochs.</param>
/// <param name="MistakesPerEpoch">Mistakes in each epoch.</param>
/// <param name="CycleStates">The distinct weight vectors at the epoch boundaries inside the cycle, in order.</param>
/// <param name="FinalWeights">Weights when stopped.</param>
public sealed record CycleResult(LinearDataset Data, bool Converged, bool CycleDetected, int CycleStartEpoch, int CycleLength, int EpochsRun,
    int Updates, int[] MistakesPerEpoch, IReadOnlyList<double[]> CycleStates, double[] FinalWeights);
