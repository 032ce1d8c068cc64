using SharpGrad.Optim;

namespace SharpGrad.History;

/// <summary>
/// Rumelhart, Hinton and Williams (1986): gradient descent on E = ½ Σ_patterns Σ_outputs (t − o)² with momentum,
/// Δw(t) = −ε ∂E/∂w(t) + α Δw(t−1), the gradient accumulated over all patterns before each update (one update per sweep).
/// The gradient comes from SharpGrad's autograd (<c>E.Backward()</c>) and the update from <see cref="SGD"/> with momentum:
/// its buffer b ← αb + g, w ← w − εb is the same recursion with Δw = −εb.
/// </summary>
public static class GeneralizedDeltaRule
{
    /// <summary>Trains one network from <paramref name="seed"/> until every output is within the tolerance of its target.</summary>
    /// <param name="task">The patterns.</param>
    /// <param name="config">Network and rule settings.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public static BackpropRun Train(BooleanTask task, BackpropConfig config, ulong seed)
    {
        var net = new DeltaRuleNetwork(task.InputSize, task.OutputSize, config, seed);
        var x = Tensor.FromArray(task.Inputs.SelectMany(r => r).ToArray(), task.Count, task.InputSize);
        var t = Tensor.FromArray(task.Targets.SelectMany(r => r).ToArray(), task.Count, task.OutputSize);
        var optimizer = new SGD(net.Parameters(), lr: config.LearningRate, momentum: config.Momentum);
        var curve = new List<double>();
        double? gap = config.Hidden >= 2 ? 0 : null;
        bool converged = false;
        int sweeps = 0;
        double[] outputs, hidden;
        while (true)
        {
            var (h, o) = net.Forward(x);
            Tensor error = (o - t).Pow(2).Sum() * 0.5;
            curve.Add(error.Item());
            outputs = o.ToArray<double>();
            hidden = h.ToArray<double>();
            if (gap is not null)
                for (int p = 0; p < task.Count; p++) gap = Math.Max(gap.Value, Math.Abs(hidden[p * config.Hidden] - hidden[p * config.Hidden + 1]));
            converged = MeetsCriterion(outputs, task, config.Tolerance);
            if (converged || sweeps >= config.MaxSweeps) break;
            optimizer.ZeroGrad();
            error.Backward();
            optimizer.Step();
            sweeps++;
        }
        return new BackpropRun(seed, converged, sweeps, [.. curve], Rows(outputs, task.OutputSize), Rows(hidden, config.Hidden), gap, net.Snapshot());
    }

    /// <summary>
    /// Trains <paramref name="runs"/> networks from seeds <paramref name="seed"/>, <paramref name="seed"/> + 1, … and summarises
    /// the sweeps to the criterion.
    /// </summary>
    /// <param name="task">The patterns.</param>
    /// <param name="config">Network and rule settings.</param>
    /// <param name="seed">First seed.</param>
    /// <param name="runs">Number of runs.</param>
    public static BackpropStats RunMany(BooleanTask task, BackpropConfig config, ulong seed, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var all = new List<BackpropRun>(runs);
        for (int i = 0; i < runs; i++) all.Add(Train(task, config, seed + (ulong)i));
        return BackpropStats.From(task, config, all);
    }

    /// <summary>True when |o − t| &lt; tolerance for every output of every pattern.</summary>
    public static bool MeetsCriterion(ReadOnlySpan<double> outputs, BooleanTask task, double tolerance)
    {
        int o = task.OutputSize;
        for (int p = 0; p < task.Count; p++)
            for (int k = 0; k < o; k++)
                if (!(Math.Abs(outputs[p * o + k] - task.Targets[p][k]) < tolerance)) return false;
        return true;
    }

    private static double[][] Rows(double[] flat, int width) => [.. flat.Chunk(width)];
}
