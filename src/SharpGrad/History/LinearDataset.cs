namespace SharpGrad.History;

/// <summary>
/// A two-class data set for single-layer units. Inputs are stored <b>augmented</b>: element 0 of every row is the constant 1,
/// so the bias (threshold) is the weight w₀ on that input and a unit is just w·x. Targets are bipolar: +1 or −1.
/// The logic-gate sets use bipolar inputs too (x₁, x₂ ∈ {−1, +1}), which keeps every perceptron weight an exact integer
/// when η = 1 (needed for the exact cycle detection of <see cref="Perceptron.TrainUntilCycle"/>).
/// </summary>
/// <param name="Name">Short name ("AND", "OR", "XOR", "separable").</param>
/// <param name="Inputs">Augmented inputs, one row per pattern: (1, x₁, …, x_d).</param>
/// <param name="Targets">Targets, +1 or −1, one per pattern.</param>
/// <param name="GeneratingWeights">For generated sets, the augmented weights (w₀, w₁, …) of the hyperplane that labelled the
/// points; null for the logic gates.</param>
public sealed record LinearDataset(string Name, double[][] Inputs, double[] Targets, double[]? GeneratingWeights = null)
{
    /// <summary>Number of patterns.</summary>
    public int Count => Targets.Length;

    /// <summary>Augmented input width (1 + number of features).</summary>
    public int Width => Inputs[0].Length;

    /// <summary>Logical AND on bipolar inputs: +1 only for (+1, +1).</summary>
    public static LinearDataset And() => Gate("AND", (a, b) => a > 0 && b > 0);

    /// <summary>Logical OR on bipolar inputs: −1 only for (−1, −1).</summary>
    public static LinearDataset Or() => Gate("OR", (a, b) => a > 0 || b > 0);

    /// <summary>Exclusive OR on bipolar inputs: +1 when exactly one input is +1. Not linearly separable.</summary>
    public static LinearDataset Xor() => Gate("XOR", (a, b) => (a > 0) ^ (b > 0));

    private static LinearDataset Gate(string name, Func<double, double, bool> rule)
    {
        double[] values = [-1, 1];
        var inputs = new List<double[]>();
        var targets = new List<double>();
        foreach (double a in values)
            foreach (double b in values)
            {
                inputs.Add([1, a, b]);
                targets.Add(rule(a, b) ? 1 : -1);
            }
        return new LinearDataset(name, [.. inputs], [.. targets]);
    }

    /// <summary>
    /// A seeded, linearly separable set in 2-D: a random hyperplane w₀ + w₁x₁ + w₂x₂ = 0 (unit normal (w₁, w₂), offset
    /// w₀ ∈ [−0.3, 0.3]), and <paramref name="count"/> points drawn uniformly from [−1, 1]² whose distance to that line is at
    /// least <paramref name="margin"/> (points closer are rejected), labelled by the side they fall on.
    /// </summary>
    /// <param name="seed">Seed of the generator.</param>
    /// <param name="count">Number of points.</param>
    /// <param name="margin">Minimum distance of every point to the generating line.</param>
    public static LinearDataset RandomSeparable(ulong seed, int count = 40, double margin = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (!(margin > 0 && margin < 0.5)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "margin must be in (0, 0.5).");
        var rng = new Generator(seed);
        double angle = 2 * Math.PI * rng.NextDouble();
        double[] w = [0.6 * rng.NextDouble() - 0.3, Math.Cos(angle), Math.Sin(angle)];
        var inputs = new double[count][];
        var targets = new double[count];
        int n = 0;
        while (n < count)
        {
            double x1 = 2 * rng.NextDouble() - 1, x2 = 2 * rng.NextDouble() - 1;
            double distance = w[0] + w[1] * x1 + w[2] * x2;  // (w₁, w₂) is a unit vector, so this is the signed distance
            if (Math.Abs(distance) < margin) continue;
            inputs[n] = [1, x1, x2];
            targets[n] = distance > 0 ? 1 : -1;
            n++;
        }
        return new LinearDataset("separable", inputs, targets, w);
    }

    /// <summary>
    /// A copy with the labels of round(<paramref name="fraction"/> · n) randomly chosen points flipped: an overlapping,
    /// generally not linearly separable set (the name gets the suffix "-noisy").
    /// </summary>
    /// <param name="seed">Seed choosing the points.</param>
    /// <param name="fraction">Fraction of labels to flip, in [0, 1].</param>
    public LinearDataset WithFlippedLabels(ulong seed, double fraction)
    {
        if (!(fraction >= 0 && fraction <= 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in [0, 1].");
        var targets = (double[])Targets.Clone();
        int[] order = new Generator(seed).Permutation(Count);
        for (int i = 0; i < (int)Math.Round(fraction * Count); i++) targets[order[i]] = -targets[order[i]];
        return this with { Name = Name + "-noisy", Targets = targets };
    }

    /// <summary>The training points as (x₁, x₂, target) for plotting; needs a 2-feature set.</summary>
    public IReadOnlyList<LabeledPoint> Points2D()
    {
        if (Width != 3) throw new InvalidOperationException($"{Name}: Points2D needs 2 features, the set has {Width - 1}.");
        return [.. Inputs.Select((x, i) => new LabeledPoint(x[1], x[2], Targets[i]))];
    }
}
