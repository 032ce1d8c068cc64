namespace SharpGrad.History;

/// <summary>
/// What a history experiment computed: a text summary, curves for plotting, 2-D decision data where the inputs are 2-D,
/// an outcome flag, and the experiment's typed results (only the ones that apply are set).
/// </summary>
/// <param name="Name">The experiment's name.</param>
/// <param name="Summary">Multi-line account of what happened, built from the computed values.</param>
/// <param name="Succeeded">True when the run reproduced the historical claim (for the negative results — XOR for the
/// perceptron, equal initial weights — that means the failure was observed and explained by the computed evidence).</param>
/// <param name="Curves">Curves per epoch or sweep (x = index), with a label each.</param>
/// <param name="XLabel">What a curve's index counts ("epoch" or "sweep").</param>
/// <param name="YLabel">What a curve's values are.</param>
/// <param name="Decisions">Decision-boundary data for 2-D cases (empty otherwise).</param>
public sealed record ExperimentResult(string Name, string Summary, bool Succeeded, IReadOnlyList<(string Label, double[] Values)> Curves,
    string XLabel, string YLabel, IReadOnlyList<Decision2D> Decisions)
{
    /// <summary>Perceptron runs (experiments "perceptron" and "adaline").</summary>
    public IReadOnlyList<PerceptronResult> Perceptron { get; init; } = [];

    /// <summary>ADALINE runs (experiment "adaline").</summary>
    public IReadOnlyList<AdalineResult> Adaline { get; init; } = [];

    /// <summary>The detected weight cycle (experiment "xor-perceptron").</summary>
    public CycleResult? Cycle { get; init; }

    /// <summary>Sweeps-to-criterion statistics (the backprop experiments).</summary>
    public BackpropStats? Backprop { get; init; }

    /// <summary>The learned hidden codes (experiment "encoder").</summary>
    public EncoderCodes? Encoder { get; init; }

    /// <summary>The symmetric-start evidence (experiment "equal-weights").</summary>
    public SymmetryBreakingResult? EqualWeights { get; init; }
}
