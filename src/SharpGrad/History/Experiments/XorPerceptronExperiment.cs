using System.Text;
using static SharpGrad.History.Experiments.Format;

namespace SharpGrad.History.Experiments;

/// <summary>Minsky and Papert (1969): the perceptron rule on XOR cycles forever; the cycle is detected and reported.</summary>
public sealed class XorPerceptronExperiment : IHistoryExperiment
{
    /// <summary>Epoch guard.</summary>
    public int MaxEpochs { get; init; } = 10000;

    /// <inheritdoc/>
    public string Name => "xor-perceptron";

    /// <inheritdoc/>
    public int Year => 1969;

    /// <inheritdoc/>
    public string Story => "Minsky and Papert: no single threshold unit computes XOR; the perceptron rule's weights fall into a cycle instead of converging.";

    /// <inheritdoc/>
    public ExperimentResult Run(ulong seed, int? runs = null)
    {
        LinearDataset xor = LinearDataset.Xor();
        CycleResult c = Perceptron.TrainUntilCycle(xor, 1, MaxEpochs);
        (double[] _, double gamma) = Margin.MaxMargin(xor);
        var text = new StringBuilder();
        text.AppendLine("Perceptron rule on XOR (bipolar inputs/targets, η = 1, w₀ = 0, fixed order; the seed is not used: nothing is random).");
        if (c.CycleDetected)
        {
            text.AppendLine($"  The weights after {c.EpochsRun} epochs equal those after {c.CycleStartEpoch}: " +
                $"a cycle of {c.CycleLength} epoch(s), entered after {c.CycleStartEpoch} epoch(s); {c.Updates} updates made before stopping.");
            text.AppendLine($"  Weights visited at epoch boundaries inside the cycle: {string.Join(" → ", c.CycleStates.Select(w => Vec(w, 0)))}");
            text.AppendLine($"  Mistakes per epoch: {string.Join(", ", c.MistakesPerEpoch)} (never 0, so the rule never stops).");
        }
        else
        {
            text.AppendLine(c.Converged ? $"  Converged after {c.EpochsRun} epochs (unexpected for XOR)." : $"  No exact repeat within {MaxEpochs} epochs.");
        }
        text.AppendLine($"  The max-margin solver finds margin {F(gamma, 4)} ≤ 0: no separating hyperplane exists.");
        return new ExperimentResult(Name, text.ToString().TrimEnd(), c.CycleDetected && c.CycleLength > 0,
            [("mistakes per epoch, XOR", c.MistakesPerEpoch.Select(m => (double)m).ToArray())], "epoch", "mistakes (updates)",
            [LinearDecision("perceptron on XOR (weights when the cycle closed)", xor, c.FinalWeights)])
        { Cycle = c };
    }
}
