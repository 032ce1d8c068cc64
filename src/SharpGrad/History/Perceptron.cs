namespace SharpGrad.History;

/// <summary>
/// Rosenblatt's perceptron (1958): a threshold unit y = +1 if w·x &gt; 0 else −1 on augmented inputs (bias = w₀ on the
/// constant input), trained online by the error-correction rule w ← w + η(t − y)x, patterns presented in the fixed order
/// of the data set, starting from w = 0. With bipolar targets, t − y is 0 or ±2, so each mistake moves w by ±2ηx.
/// </summary>
public static class Perceptron
{
    /// <summary>The unit's output: +1 if w·x &gt; 0, else −1 (w·x = 0 counts as −1, Rosenblatt's strict threshold).</summary>
    public static double Output(ReadOnlySpan<double> w, ReadOnlySpan<double> x) => Margin.Dot(w, x) > 0 ? 1 : -1;

    /// <summary>
    /// Trains until an epoch has no mistakes or <paramref name="maxEpochs"/> epochs, and compares the number of updates with
    /// Novikoff's bound (R/γ)², γ from <see cref="Margin.MaxMargin"/>.
    /// </summary>
    /// <param name="data">Training data.</param>
    /// <param name="learningRate">η (the update count does not depend on it when w starts at 0).</param>
    /// <param name="maxEpochs">Epoch limit.</param>
    public static PerceptronResult Train(LinearDataset data, double learningRate = 1, int maxEpochs = 1000)
    {
        var w = new double[data.Width];
        var mistakes = new List<int>();
        bool converged = false;
        int updates = 0;
        while (!converged && mistakes.Count < maxEpochs)
        {
            int m = Epoch(data, w, learningRate);
            mistakes.Add(m);
            updates += m;
            converged = m == 0;
        }
        double radius = Margin.Radius(data);
        double gamma = Margin.MaxMargin(data).Margin;
        double? generating = data.GeneratingWeights is { } g ? Margin.Of(data, g) : null;
        return new PerceptronResult(data, converged, mistakes.Count, updates, [.. mistakes], w, radius, gamma, generating,
            Margin.NovikoffBound(radius, gamma));
    }

    /// <summary>
    /// Runs the rule with exact cycle detection: the weight vector at each epoch boundary is recorded, and the run stops as
    /// soon as one repeats (exact equality, which is reliable for integer or ±1 data with η = 1), when an epoch has no
    /// mistakes, or after <paramref name="maxEpochs"/> epochs.
    /// </summary>
    /// <param name="data">Training data (e.g. <see cref="LinearDataset.Xor"/>).</param>
    /// <param name="learningRate">η; use 1 (or any value that keeps the weights exactly representable).</param>
    /// <param name="maxEpochs">Guard against running forever when the weights never repeat exactly.</param>
    public static CycleResult TrainUntilCycle(LinearDataset data, double learningRate = 1, int maxEpochs = 10000)
    {
        var w = new double[data.Width];
        var seen = new Dictionary<string, int>();
        var states = new List<double[]>();
        var mistakes = new List<int>();
        int updates = 0;
        for (int epoch = 0; epoch < maxEpochs; epoch++)
        {
            string key = string.Join(",", w.Select(v => BitConverter.DoubleToInt64Bits(v).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (seen.TryGetValue(key, out int first))
                return new CycleResult(data, false, true, first, epoch - first, epoch, updates, [.. mistakes], states.GetRange(first, epoch - first), w);
            seen[key] = epoch;
            states.Add((double[])w.Clone());
            int m = Epoch(data, w, learningRate);
            mistakes.Add(m);
            updates += m;
            if (m == 0) return new CycleResult(data, true, false, -1, 0, epoch + 1, updates, [.. mistakes], [], w);
        }
        return new CycleResult(data, false, false, -1, 0, maxEpochs, updates, [.. mistakes], [], w);
    }

    // One pass in the data set's order; returns the number of mistakes (= updates).
    private static int Epoch(LinearDataset data, double[] w, double learningRate)
    {
        int mistakes = 0;
        for (int i = 0; i < data.Count; i++)
        {
            double[] x = data.Inputs[i];
            double t = data.Targets[i];
            double y = Output(w, x);
            if (y == t) continue;
            mistakes++;
            double step = learningRate * (t - y);
            for (int k = 0; k < w.Length; k++) w[k] += step * x[k];
        }
        return mistakes;
    }
}
