using SharpGrad.History;
using Xunit.Abstractions;

namespace SharpGrad.Tests.HistoryExperiments;

public class HistoryExperimentTests(ITestOutputHelper output)
{
    public static TheoryData<string> SeparableSets => ["AND", "OR", "separable-1", "separable-7", "separable-42"];

    private static LinearDataset Set(string name) => name switch
    {
        "AND" => LinearDataset.And(),
        "OR" => LinearDataset.Or(),
        _ => LinearDataset.RandomSeparable(ulong.Parse(name["separable-".Length..], System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Theory]
    [MemberData(nameof(SeparableSets))]
    public void Perceptron_converges_within_Novikoff_bound(string name)
    {
        PerceptronResult r = Perceptron.Train(Set(name));
        output.WriteLine($"{name}: {r.Epochs} epochs, {r.Updates} updates, γ = {r.Margin}, bound {r.NovikoffBound}");
        Assert.True(r.Converged);
        Assert.True(r.Margin > 0);
        Assert.True(r.Updates <= r.NovikoffBound, $"{r.Updates} updates > bound {r.NovikoffBound}");
        Assert.Equal(1.0, Adaline.Accuracy(r.Data, r.Weights));
        if (r.GeneratingMargin is { } g) Assert.True(r.Margin >= g - 1e-9, "the max-margin solver must not do worse than the generating line");
    }

    [Fact]
    public void Max_margin_of_AND_is_exact()
    {
        // Augmented bipolar AND: w = (−1, 1, 1)/√3 gives margin 1/√3, the maximum (KKT: three support vectors).
        Assert.Equal(1 / Math.Sqrt(3), Margin.MaxMargin(LinearDataset.And()).Margin, 9);
    }

    [Fact]
    public void Perceptron_on_XOR_cycles()
    {
        CycleResult c = Perceptron.TrainUntilCycle(LinearDataset.Xor());
        output.WriteLine($"cycle from epoch {c.CycleStartEpoch}, length {c.CycleLength}, mistakes {string.Join(",", c.MistakesPerEpoch)}");
        Assert.False(c.Converged);
        Assert.True(c.CycleDetected);
        Assert.True(c.CycleLength > 0);
        Assert.All(c.MistakesPerEpoch, m => Assert.True(m > 0));
        Assert.True(Margin.MaxMargin(LinearDataset.Xor()).Margin <= 0);
    }

    [Fact]
    public void Adaline_error_decreases_and_approaches_least_squares()
    {
        foreach (LinearDataset data in new[] { LinearDataset.And(), LinearDataset.RandomSeparable(3), LinearDataset.RandomSeparable(3).WithFlippedLabels(3, 0.15) })
        {
            AdalineResult a = Adaline.Train(data, 0.01, 200);
            output.WriteLine($"{data.Name}: MSE {a.MseCurve[0]} → {a.MseCurve[^1]} (LS {a.LeastSquaresMse}), ‖w − w_LS‖ = {a.DistanceToLeastSquares}");
            Assert.True(a.MseCurve[^1] < a.MseCurve[1] && a.MseCurve[1] < a.MseCurve[0]);
            Assert.True(a.MseCurve[^1] - a.LeastSquaresMse < 1e-3);
            Assert.True(a.DistanceToLeastSquares < 0.05);
        }
        // On AND the least-squares weights are (−½, ½, ½) exactly (XᵀX = 4I, Xᵀt = (−2, 2, 2)).
        Assert.Equal([-0.5, 0.5, 0.5], Adaline.LeastSquares(LinearDataset.And()).Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Adaline_keeps_updating_after_the_classes_are_separated()
    {
        AdalineResult a = Adaline.Train(LinearDataset.And(), 0.05, 20);
        Assert.NotNull(a.FirstEpochAllCorrect);
        Assert.True(a.LastEpochWeightChange > 0);
        Assert.True(a.FirstEpochAllCorrect < 20);
    }

    [Fact]
    public void Backprop_solves_XOR_for_most_seeds()
    {
        var config = new BackpropConfig(Hidden: 2, LearningRate: 0.5, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 3000);
        BackpropStats s = GeneralizedDeltaRule.RunMany(BooleanTask.Xor(), config, 1, 20);
        output.WriteLine($"XOR 2-2-1: {s.Converged}/20 converged, median {s.MedianSweeps} sweeps ({s.MinSweeps}–{s.MaxSweeps}), {s.Stuck} stuck");
        Assert.True(s.Converged >= 14, $"{s.Converged}/20 converged");
        Assert.NotNull(s.MedianSweeps);
        Assert.True(double.IsFinite(s.MedianSweeps!.Value) && s.MedianSweeps > 0);
        BackpropRun median = s.MedianRun!;
        Assert.True(GeneralizedDeltaRule.MeetsCriterion(median.Outputs.SelectMany(r => r).ToArray(), s.Task, 0.1));
        // The snapshot predicts what the tensors computed.
        for (int p = 0; p < 4; p++) Assert.Equal(median.Outputs[p][0], median.Predict(s.Task.Inputs[p])[0], 9);
    }

    [Fact]
    public void Backprop_solves_the_papers_one_hidden_unit_XOR_network()
    {
        var config = new BackpropConfig(Hidden: 1, LearningRate: 0.5, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 3000, DirectConnections: true);
        BackpropStats s = GeneralizedDeltaRule.RunMany(BooleanTask.Xor(), config, 1, 10);
        output.WriteLine($"XOR 2-1-1+direct: {s.Converged}/10, median {s.MedianSweeps}");
        Assert.True(s.Converged >= 7);
    }

    [Fact]
    public void Equal_weights_never_learn_XOR_and_hidden_units_stay_identical()
    {
        var config = new BackpropConfig(Hidden: 2, LearningRate: 0.5, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 2000, Init: WeightInit.Equal);
        for (ulong seed = 1; seed <= 3; seed++)
        {
            BackpropRun r = GeneralizedDeltaRule.Train(BooleanTask.Xor(), config, seed);
            output.WriteLine($"seed {seed}: converged {r.Converged}, max |h1 − h2| {r.MaxHiddenGap}, final E {r.ErrorCurve[^1]}");
            Assert.False(r.Converged);
            Assert.Equal(0.0, r.MaxHiddenGap);
        }
    }

    [Fact]
    public void Encoder_learns_distinct_hidden_codes()
    {
        var config = new BackpropConfig(Hidden: 3, LearningRate: 0.25, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 5000);
        BooleanTask task = BooleanTask.Encoder(8);
        EncoderCodes? codes = null;
        for (ulong seed = 1; seed <= 10 && codes is null; seed++)
        {
            BackpropRun r = GeneralizedDeltaRule.Train(task, config, seed);
            if (r.Converged && EncoderCodes.From(r) is { AllDistinct: true } c) codes = c;
        }
        Assert.NotNull(codes);
        output.WriteLine($"seed {codes!.Seed}: {string.Join(" ", codes.Codes)}");
        Assert.Equal(8, codes.DistinctCount);
    }

    [Fact]
    public void Parity_and_symmetry_reduced_runs_converge_for_some_seed()
    {
        BackpropStats parity = GeneralizedDeltaRule.RunMany(BooleanTask.Parity(4),
            new BackpropConfig(Hidden: 4, LearningRate: 0.5, Momentum: 0.9, InitRange: 1.0, MaxSweeps: 2000), 1, 4);
        BackpropStats symmetry = GeneralizedDeltaRule.RunMany(BooleanTask.Symmetry(6),
            new BackpropConfig(Hidden: 2, LearningRate: 0.1, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 3000), 1, 4);
        output.WriteLine($"parity {parity.Converged}/4 median {parity.MedianSweeps}; symmetry {symmetry.Converged}/4 median {symmetry.MedianSweeps}");
        Assert.True(parity.Converged >= 1);
        Assert.True(symmetry.Converged >= 1);
    }

    [Fact]
    public void Tasks_have_the_papers_patterns()
    {
        BooleanTask sym = BooleanTask.Symmetry(6);
        Assert.Equal(64, sym.Count);
        Assert.Equal(8, sym.Targets.Count(t => t[0] == 1));   // 2³ palindromes of length 6
        Assert.Equal(8, BooleanTask.Parity(4).Targets.Count(t => t[0] == 1));
        Assert.Equal([0.0, 1, 1, 0], BooleanTask.Xor().Targets.Select(t => t[0]));
    }

    [Fact]
    public void Registry_lists_the_experiments_and_quick_ones_run()
    {
        string[] names = [.. History.HistoryExperiments.All.Select(e => e.Name)];
        Assert.Equal(["perceptron", "adaline", "xor-perceptron", "xor-backprop", "xor-1986", "parity", "symmetry", "encoder", "equal-weights"], names);
        Assert.All(History.HistoryExperiments.All, e => Assert.False(string.IsNullOrWhiteSpace(e.Story)));
        foreach (string name in new[] { "perceptron", "adaline", "xor-perceptron" })
        {
            ExperimentResult r = History.HistoryExperiments.Find(name)!.Run(5);
            output.WriteLine(r.Summary);
            Assert.True(r.Succeeded, name);
            Assert.NotEmpty(r.Curves);
            Assert.NotEmpty(r.Decisions);
        }
        ExperimentResult xor = History.HistoryExperiments.Find("xor-backprop")!.Run(1, runs: 5);
        Assert.NotNull(xor.Backprop);
        Assert.Single(xor.Decisions);
        ExperimentResult eq = History.HistoryExperiments.Find("equal-weights")!.Run(1, runs: 2);
        Assert.True(eq.Succeeded);
        Assert.Equal(0.0, eq.EqualWeights!.MaxHiddenGap);
    }
}
