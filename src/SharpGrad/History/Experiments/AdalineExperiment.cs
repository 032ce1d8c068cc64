using System.Text;
using static SharpGrad.History.Experiments.Format;

namespace SharpGrad.History.Experiments;

/// <summary>
/// Widrow and Hoff (1960): LMS on AND, on a random separable set and on a noisy (overlapping) version of it, each compared
/// with the perceptron on the same data and with the closed-form least-squares solution.
/// </summary>
public sealed class AdalineExperiment : IHistoryExperiment
{
    /// <summary>LMS step size η.</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Epochs of LMS.</summary>
    public int Epochs { get; init; } = 200;

    /// <inheritdoc/>
    public string Name => "adaline";

    /// <inheritdoc/>
    public int Year => 1960;

    /// <inheritdoc/>
    public string Story => "Widrow and Hoff's ADALINE minimises squared error: it keeps moving after the classes are separated and lands on the least-squares weights, separable or not.";

    /// <inheritdoc/>
    public ExperimentResult Run(ulong seed, int? runs = null)
    {
        var separable = LinearDataset.RandomSeparable(seed);
        LinearDataset[] sets = [LinearDataset.And(), separable, separable.WithFlippedLabels(seed, 0.15)];
        var adaline = sets.Select(d => Adaline.Train(d, LearningRate, Epochs)).ToList();
        var perceptron = sets.Select(d => Perceptron.Train(d)).ToList();
        var text = new StringBuilder();
        text.AppendLine($"ADALINE (Widrow–Hoff 1960): w ← w + η(t − w·x)x on the linear output, η = {G(LearningRate)}, {Epochs} epochs, w₀ = 0, bipolar data (seed {seed}).");
        for (int i = 0; i < sets.Length; i++)
        {
            AdalineResult a = adaline[i];
            PerceptronResult p = perceptron[i];
            text.AppendLine($"  {a.Data.Name} (n = {a.Data.Count}):");
            text.AppendLine($"    MSE {F(a.MseCurve[0], 4)} → {F(a.MseCurve[1], 4)} (epoch 1) → {F(a.MseCurve[^1], 4)} (epoch {Epochs}); least squares {F(a.LeastSquaresMse, 4)}");
            text.AppendLine($"    weights {Vec(a.Weights, 4)} vs least squares {Vec(a.LeastSquaresWeights, 4)}: ‖w − w_LS‖ = {G(a.DistanceToLeastSquares)}");
            text.AppendLine((a.FirstEpochAllCorrect is { } first ? $"    all points on the right side from epoch {first}; " : "    never all points on the right side; ") +
                $"final accuracy {F(a.Accuracy * 100, 1)} %; ‖Δw‖ in the last epoch {G(a.LastEpochWeightChange)} (LMS never stops updating)");
            text.AppendLine($"    perceptron on the same data: {(p.Converged ? $"stopped after {p.Epochs} epochs ({p.Updates} updates)" : $"still making mistakes after {p.Epochs} epochs ({p.Updates} updates)")}, " +
                $"accuracy {F(Adaline.Accuracy(p.Data, p.Weights) * 100, 1)} %; angle between the two boundaries' normals {F(AngleDegrees(a.Weights, p.Weights), 1)}°");
        }
        bool ok = adaline.All(a => a.MseCurve[^1] < a.MseCurve[0] && a.DistanceToLeastSquares < 0.05);
        return new ExperimentResult(Name, text.ToString().TrimEnd(), ok,
            [.. adaline.Select(a => ($"ADALINE MSE, {a.Data.Name}", a.MseCurve))], "epoch", "mean squared error of w·x",
            [.. sets.SelectMany((d, i) => new[]
            {
                LinearDecision($"ADALINE on {d.Name}", d, adaline[i].Weights),
                LinearDecision($"perceptron on {d.Name}", d, perceptron[i].Weights),
            })])
        { Adaline = adaline, Perceptron = perceptron };
    }

    // Angle between the normals (w₁, w₂) of two lines in the input plane.
    private static double AngleDegrees(double[] a, double[] b)
    {
        double dot = a[1] * b[1] + a[2] * b[2];
        double na = Math.Sqrt(a[1] * a[1] + a[2] * a[2]), nb = Math.Sqrt(b[1] * b[1] + b[2] * b[2]);
        return na == 0 || nb == 0 ? double.NaN : Math.Acos(Math.Clamp(dot / (na * nb), -1, 1)) * 180 / Math.PI;
    }
}
