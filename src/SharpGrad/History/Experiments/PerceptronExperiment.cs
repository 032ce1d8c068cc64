using System.Text;
using static SharpGrad.History.Experiments.Format;

namespace SharpGrad.History.Experiments;

/// <summary>
/// Rosenblatt (1958): the perceptron converges on AND, OR and seeded random separable sets, within Novikoff's bound.
/// <c>runs</c> = number of random separable sets (seeds seed, seed + 1, …; default 1).
/// </summary>
public sealed class PerceptronExperiment : IHistoryExperiment
{
    /// <inheritdoc/>
    public string Name => "perceptron";

    /// <inheritdoc/>
    public int Year => 1958;

    /// <inheritdoc/>
    public string Story => "Rosenblatt's perceptron learns AND, OR and a random separable set, with fewer updates than Novikoff's bound (R/γ)².";

    /// <inheritdoc/>
    public ExperimentResult Run(ulong seed, int? runs = null)
    {
        int sets = Math.Max(1, runs ?? 1);
        var data = new List<LinearDataset> { LinearDataset.And(), LinearDataset.Or() };
        for (int i = 0; i < sets; i++) data.Add(LinearDataset.RandomSeparable(seed + (ulong)i));
        var results = data.Select(d => Perceptron.Train(d)).ToList();
        var text = new StringBuilder();
        text.AppendLine("Perceptron (Rosenblatt 1958): w ← w + η(t − y)x, η = 1, w₀ = 0, bipolar inputs and targets, fixed order.");
        text.AppendLine("γ = margin of the max-margin hyperplane on the augmented inputs (1, x₁, x₂) from a small dual solver; R = max ‖(1, x)‖.");
        foreach (var (r, i) in results.Select((r, i) => (r, i)))
        {
            string name = r.Data.Name == "separable" ? $"separable (seed {seed + (ulong)(i - 2)}, n = {r.Data.Count})" : r.Data.Name;
            text.AppendLine($"  {name}: {(r.Converged ? "converged" : "did NOT converge")} after {r.Epochs} epochs ({r.Epochs - 1} with mistakes), " +
                $"{r.Updates} updates; R = {F(r.Radius)}, γ = {F(r.Margin, 4)}, bound (R/γ)² = {F(r.NovikoffBound, 1)} → " +
                $"{(r.WithinBound ? "within the bound" : "BOUND VIOLATED")}; boundary {Linear(r.Weights)} = 0");
            if (r.GeneratingMargin is { } g)
                text.AppendLine($"    (the generating line's margin on the augmented inputs is {F(g, 4)}, bound {F(Margin.NovikoffBound(r.Radius, g), 1)})");
        }
        return new ExperimentResult(Name, text.ToString().TrimEnd(), results.All(r => r.Converged && r.WithinBound),
            [.. results.Select(r => ($"mistakes per epoch, {r.Data.Name}", r.MistakesPerEpoch.Select(m => (double)m).ToArray()))],
            "epoch", "mistakes (updates)",
            [.. results.Select(r => LinearDecision($"perceptron on {r.Data.Name}", r.Data, r.Weights))])
        { Perceptron = results };
    }
}
