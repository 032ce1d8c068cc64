using System.Text;
using static SharpGrad.History.Experiments.Format;

namespace SharpGrad.History.Experiments;

/// <summary>
/// Symmetry breaking: the 2-2-1 XOR network started with every weight equal never learns XOR, because its two hidden units
/// stay identical; the same seeds with independent random weights mostly do.
/// </summary>
public sealed class EqualWeightsExperiment : IHistoryExperiment
{
    /// <summary>The settings (those of "xor-backprop"); <see cref="BackpropConfig.Init"/> is overridden per arm.</summary>
    public BackpropConfig Config { get; init; } = new(Hidden: 2, LearningRate: 0.5, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 5000);

    /// <inheritdoc/>
    public string Name => "equal-weights";

    /// <inheritdoc/>
    public int Year => 1986;

    /// <inheritdoc/>
    public string Story => "Start every weight equal and the hidden units get the same error signal forever: the network never learns XOR.";

    /// <inheritdoc/>
    public ExperimentResult Run(ulong seed, int? runs = null)
    {
        int n = Math.Max(1, runs ?? 10);
        BooleanTask xor = BooleanTask.Xor();
        var equal = Enumerable.Range(0, n).Select(i => GeneralizedDeltaRule.Train(xor, Config with { Init = WeightInit.Equal }, seed + (ulong)i)).ToList();
        var random = Enumerable.Range(0, n).Select(i => GeneralizedDeltaRule.Train(xor, Config with { Init = WeightInit.Uniform }, seed + (ulong)i)).ToList();
        double gap = equal.Max(r => r.MaxHiddenGap ?? 0);
        var result = new SymmetryBreakingResult(equal, equal.Count(r => r.Converged), gap, random.Count(r => r.Converged), n);
        var text = new StringBuilder();
        text.AppendLine($"XOR, 2-2-1 logistic network, ε = {G(Config.LearningRate)}, α = {G(Config.Momentum)}, {Config.MaxSweeps} sweeps, float64, seeds {seed}…{seed + (ulong)n - 1}.");
        text.AppendLine($"  Equal start (all weights and biases = one value from U(±{G(Config.InitRange)}) per seed): {result.EqualConverged}/{n} met the criterion; " +
            $"max |h₁ − h₂| over all runs, sweeps and patterns = {G(gap)}.");
        text.AppendLine($"  Final E of the equal-start runs: {string.Join(", ", equal.Select(r => F(r.ErrorCurve[^1], 4)))} " +
            "(a network with effectively one hidden unit and no direct connections cannot compute XOR).");
        text.AppendLine($"  Same seeds, independent U(±{G(Config.InitRange)}) weights: {result.RandomConverged}/{n} met the criterion.");
        BackpropRun first = equal[0];
        var points = xor.Inputs.Select((x, i) => new LabeledPoint(x[0], x[1], xor.Targets[i][0])).ToList();
        return new ExperimentResult(Name, text.ToString().TrimEnd(), result.EqualConverged == 0 && gap == 0,
            [($"E, equal start (seed {first.Seed})", first.ErrorCurve),
             ($"E, random start (seed {random[0].Seed})", random[0].ErrorCurve)],
            "sweep", "E = ½ Σ (t − o)²",
            [new Decision2D($"equal start, seed {first.Seed}", points, (a, b) => first.Predict([a, b])[0], 0.5)])
        { EqualWeights = result };
    }
}
