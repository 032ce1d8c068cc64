namespace SharpGrad.History;

/// <summary>
/// Evidence that a network started with all weights equal cannot learn XOR: its hidden units receive identical inputs and
/// identical error signals, so they stay identical and the network behaves as if it had one hidden unit.
/// </summary>
/// <param name="EqualRuns">Runs from equal initial weights (one shared value per seed).</param>
/// <param name="EqualConverged">How many of them met the criterion.</param>
/// <param name="MaxHiddenGap">Max |h₁ − h₂| over all equal-start runs, sweeps and patterns (float64).</param>
/// <param name="RandomConverged">How many runs from the same seeds with independent random weights met the criterion.</param>
/// <param name="RandomRuns">Number of those random-start runs.</param>
public sealed record SymmetryBreakingResult(IReadOnlyList<BackpropRun> EqualRuns, int EqualConverged, double MaxHiddenGap, int RandomConverged,
    int RandomRuns);
