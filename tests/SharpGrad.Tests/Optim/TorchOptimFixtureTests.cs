using System.Text.Json;
using SharpGrad.Optim;
using SharpGrad.Tests.Data;

namespace SharpGrad.Tests.Optim;

/// <summary>Optimizers (with parameter groups), schedules and ReduceLROnPlateau against tools/make_optim_fixtures.py (torch.optim).</summary>
public class TorchOptimFixtureTests
{
    private static readonly JsonElement Root = FixtureSupport.Load("torch_optim.json");

    public static TheoryData<int, string> OptimizerRuns()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var run in Root.GetProperty("optimizers").EnumerateArray())
            data.Add(i++, run.GetProperty("optimizer").GetString() + " " + run.GetProperty("options").GetRawText() +
                (run.GetProperty("groups").ValueKind == JsonValueKind.Null ? "" : " groups " + run.GetProperty("groups").GetRawText()));
        return data;
    }

    private static double Opt(JsonElement options, string name, double fallback) =>
        options.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;

    private static bool Flag(JsonElement options, string name) => options.TryGetProperty(name, out var v) && v.GetBoolean();

    internal static Optimizer Build(string kind, JsonElement o, object parameters)
    {
        // parameters is IEnumerable<Tensor> or IEnumerable<ParamGroup>; both constructors take the same options.
        double lr = o.GetProperty("lr").GetDouble();
        double b1 = o.TryGetProperty("betas", out var betas) ? betas[0].GetDouble() : 0.9;
        double b2 = o.TryGetProperty("betas", out betas) ? betas[1].GetDouble() : 0.999;
        return (kind, parameters) switch
        {
            ("sgd", IEnumerable<ParamGroup> g) => new SGD(g, lr, Opt(o, "momentum", 0), Opt(o, "dampening", 0), Opt(o, "weight_decay", 0), Flag(o, "nesterov")),
            ("sgd", IEnumerable<Tensor> p) => new SGD(p, lr, Opt(o, "momentum", 0), Opt(o, "dampening", 0), Opt(o, "weight_decay", 0), Flag(o, "nesterov")),
            ("adam", IEnumerable<ParamGroup> g) => new Adam(g, lr, b1, b2, Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0), Flag(o, "amsgrad")),
            ("adam", IEnumerable<Tensor> p) => new Adam(p, lr, b1, b2, Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0), Flag(o, "amsgrad")),
            ("adamw", IEnumerable<ParamGroup> g) => new AdamW(g, lr, b1, b2, Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0.01), Flag(o, "amsgrad")),
            ("adamw", IEnumerable<Tensor> p) => new AdamW(p, lr, b1, b2, Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0.01), Flag(o, "amsgrad")),
            ("rmsprop", IEnumerable<ParamGroup> g) => new RMSProp(g, lr, Opt(o, "alpha", 0.99), Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0), Opt(o, "momentum", 0), Flag(o, "centered")),
            ("rmsprop", IEnumerable<Tensor> p) => new RMSProp(p, lr, Opt(o, "alpha", 0.99), Opt(o, "eps", 1e-8), Opt(o, "weight_decay", 0), Opt(o, "momentum", 0), Flag(o, "centered")),
            ("adagrad", IEnumerable<ParamGroup> g) => new Adagrad(g, lr, Opt(o, "lr_decay", 0), Opt(o, "weight_decay", 0), Opt(o, "initial_accumulator_value", 0), Opt(o, "eps", 1e-10)),
            ("adagrad", IEnumerable<Tensor> p) => new Adagrad(p, lr, Opt(o, "lr_decay", 0), Opt(o, "weight_decay", 0), Opt(o, "initial_accumulator_value", 0), Opt(o, "eps", 1e-10)),
            _ => throw new InvalidOperationException(kind),
        };
    }

    internal static Tensor[] InitialParameters() =>
        Root.GetProperty("initial").EnumerateArray().Zip(Root.GetProperty("shapes").EnumerateArray())
            .Select(z => Tensor.FromArray(z.First.Doubles(), z.Second.Ints()).RequiresGrad_()).ToArray();

    internal static void SetGrads(Tensor[] ps, int step)
    {
        var g = Root.GetProperty("grads")[step];
        for (int k = 0; k < ps.Length; k++) ps[k].Grad = Tensor.FromArray(g[k].Doubles(), ps[k].ShapeArray);
    }

    internal static Optimizer BuildRun(int index, Tensor[] ps)
    {
        var run = Root.GetProperty("optimizers")[index];
        string kind = run.GetProperty("optimizer").GetString()!;
        var o = run.GetProperty("options");
        var groups = run.GetProperty("groups");
        if (groups.ValueKind == JsonValueKind.Null) return Build(kind, o, ps);
        var pgs = new List<ParamGroup>();
        for (int k = 0; k < ps.Length; k++)
        {
            var g = groups[k];
            pgs.Add(new ParamGroup([ps[k]],
                g.TryGetProperty("lr", out var lr) ? lr.GetDouble() : null,
                g.TryGetProperty("weight_decay", out var wd) ? wd.GetDouble() : null));
        }
        return Build(kind, o, pgs);
    }

    [Theory]
    [MemberData(nameof(OptimizerRuns))]
    public void OptimizerMatchesTorch(int index, string name)
    {
        Tensor[] ps = InitialParameters();
        var opt = BuildRun(index, ps);
        var after = Root.GetProperty("optimizers")[index].GetProperty("after_step");
        for (int step = 0; step < after.GetArrayLength(); step++)
        {
            SetGrads(ps, step);
            opt.Step();
            for (int k = 0; k < ps.Length; k++)
                FixtureSupport.Close(after[step][k].Doubles(), ps[k].ToArray<double>(), 1e-12, $"{name}: parameter {k} after step {step + 1}");
        }
    }

    [Theory]
    [MemberData(nameof(OptimizerRuns))]
    public void SaveAfterTwoStepsLoadIntoFreshOptimizerContinuesIdentically(int index, string name)
    {
        var after = Root.GetProperty("optimizers")[index].GetProperty("after_step");
        Tensor[] ps = InitialParameters();
        var opt = BuildRun(index, ps);
        for (int step = 0; step < 2; step++) { SetGrads(ps, step); opt.Step(); }
        var saved = opt.StateDict();
        SetGrads(ps, 3); // a further step of the original must not leak into the saved snapshot
        opt.Step();

        // A fresh optimizer over fresh tensors holding the values after 2 steps, with the saved state: steps 3 and 4 as torch.
        Tensor[] resumed = ps.Select((p, k) => Tensor.FromArray(after[1][k].Doubles(), p.ShapeArray).RequiresGrad_()).ToArray();
        var opt2 = BuildRun(index, resumed);
        opt2.LoadStateDict(saved);
        for (int step = 2; step < after.GetArrayLength(); step++)
        {
            SetGrads(resumed, step);
            opt2.Step();
            for (int k = 0; k < resumed.Length; k++)
                FixtureSupport.Close(after[step][k].Doubles(), resumed[k].ToArray<double>(), 1e-12, $"{name}: parameter {k} after step {step + 1} (resumed)");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    public static TheoryData<int, string> ScheduleRuns()
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var s in Root.GetProperty("schedules").EnumerateArray()) data.Add(i++, s.GetRawText()[..Math.Min(90, s.GetRawText().IndexOf("\"lr\"", StringComparison.Ordinal))]);
        return data;
    }

    private static ILearningRateSchedule BuildSchedule(JsonElement s)
    {
        double b = s.GetProperty("base").GetDouble();
        return s.GetProperty("name").GetString() switch
        {
            "step" => new StepSchedule(b, s.GetProperty("step_size").GetInt64(), s.GetProperty("gamma").GetDouble()),
            "multistep" => new MultiStepSchedule(b, s.GetProperty("milestones").Longs(), s.GetProperty("gamma").GetDouble()),
            "exponential" => new ExponentialSchedule(b, s.GetProperty("gamma").GetDouble()),
            "linear" => new LinearSchedule(b, s.GetProperty("start_factor").GetDouble(), s.GetProperty("end_factor").GetDouble(), s.GetProperty("total_iters").GetInt64()),
            "onecycle" => new OneCycleSchedule(s.GetProperty("max_lr").GetDouble(), s.GetProperty("total_steps").GetInt64(),
                s.TryGetProperty("pct_start", out var pct) ? pct.GetDouble() : 0.3,
                s.TryGetProperty("div_factor", out var div) ? div.GetDouble() : 25,
                s.TryGetProperty("final_div_factor", out var fin) ? fin.GetDouble() : 1e4,
                !s.TryGetProperty("anneal_strategy", out var an) || an.GetString() == "cos"),
            "cosine" => new CosineWithWarmupSchedule(b, 0, s.GetProperty("t_max").GetInt64(), s.GetProperty("eta_min").GetDouble()),
            "polynomial" => new PolynomialWithWarmupSchedule(b, 0, s.GetProperty("total_iters").GetInt64(), s.GetProperty("power").GetDouble()),
            var n => throw new InvalidOperationException(n),
        };
    }

    [Theory]
    [MemberData(nameof(ScheduleRuns))]
    public void ScheduleMatchesTorch(int index, string name)
    {
        var s = Root.GetProperty("schedules")[index];
        var schedule = BuildSchedule(s);
        double[] expected = s.GetProperty("lr").Doubles();
        double[] actual = Enumerable.Range(0, expected.Length).Select(i => schedule.LearningRate(i)).ToArray();
        FixtureSupport.Close(expected, actual, 1e-9, name);
    }

    public static TheoryData<int> PlateauRuns()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Root.GetProperty("plateau").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(PlateauRuns))]
    public void ReduceLROnPlateauMatchesTorch(int index)
    {
        var run = Root.GetProperty("plateau")[index];
        var o = run.GetProperty("options");
        var plateau = new ReduceLROnPlateau(
            o.TryGetProperty("mode", out var mode) && mode.GetString() == "max" ? PlateauMode.Max : PlateauMode.Min,
            Opt(o, "factor", 0.1), (int)Opt(o, "patience", 10), Opt(o, "threshold", 1e-4),
            o.TryGetProperty("threshold_mode", out var tm) && tm.GetString() == "abs" ? ThresholdMode.Abs : ThresholdMode.Rel,
            (int)Opt(o, "cooldown", 0), Opt(o, "min_lr", 0));
        var opt = new SGD([Tensor.Zeros(1).RequiresGrad_()], lr: 0.1);
        double[] metrics = run.GetProperty("metrics").Doubles(), expected = run.GetProperty("lr").Doubles();
        double[] actual = new double[metrics.Length];
        for (int i = 0; i < metrics.Length; i++)
        {
            double before = opt.LearningRate;
            bool reduced = plateau.Observe(metrics[i], opt);
            actual[i] = opt.LearningRate;
            Assert.Equal(actual[i] < before, reduced);
        }
        FixtureSupport.Close(expected, actual, 1e-12, $"plateau run {index}");
    }
}
