using SharpGrad.Optim;

namespace SharpGrad.Tests.Optim;

public class ParamGroupAndStateDictTests
{
    private static Tensor Param(params double[] v) => Tensor.FromArray(v, v.Length).RequiresGrad_();

    // loss = Σ (w ⊙ x − y)² + Σ b²; real gradients through autograd.
    private static void LossBackward(Tensor w, Tensor b, int step)
    {
        var x = Tensor.FromArray([1.0 + step, -2.0, 0.5], 3);
        var y = Tensor.FromArray([0.3, 1.0, -step * 0.1], 3);
        var d = w.Mul(x).Sub(y);
        d.Mul(d).Sum().Add(b.Mul(b).Sum()).Backward();
    }

    private static Optimizer Make(string kind, Tensor w, Tensor b) => kind switch
    {
        "sgd" => new SGD([new ParamGroup([w], learningRate: 0.05), new ParamGroup([b], weightDecay: 0.1)], lr: 0.01, momentum: 0.9, nesterov: true),
        "adam" => new Adam([new ParamGroup([w]), new ParamGroup([b], learningRate: 0.02, weightDecay: 0.1)], lr: 0.01, amsgrad: true),
        "adamw" => new AdamW([new ParamGroup([w]), new ParamGroup([b], weightDecay: 0)], lr: 0.01),
        "rmsprop" => new RMSProp([new ParamGroup([w]), new ParamGroup([b], learningRate: 0.001)], lr: 0.01, momentum: 0.5, centered: true),
        "adagrad" => new Adagrad([new ParamGroup([w]), new ParamGroup([b])], lr: 0.1, lrDecay: 0.1, initialAccumulatorValue: 0.2),
        _ => throw new ArgumentException(kind),
    };

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    public void ThreeStepsSaveLoadTwoMoreEqualsFiveStraight(string kind)
    {
        var w = Param(0.5, -1, 2); var b = Param(1, 2);
        var straight = Make(kind, w, b);
        for (int s = 0; s < 5; s++) { straight.ZeroGrad(); LossBackward(w, b, s); straight.Step(); }

        var w2 = Param(0.5, -1, 2); var b2 = Param(1, 2);
        var first = Make(kind, w2, b2);
        for (int s = 0; s < 3; s++) { first.ZeroGrad(); LossBackward(w2, b2, s); first.Step(); }
        var state = first.StateDict();

        var second = Make(kind, w2, b2);
        second.LoadStateDict(state);
        for (int s = 3; s < 5; s++) { second.ZeroGrad(); LossBackward(w2, b2, s); second.Step(); }

        Assert.Equal(w.ToArray<double>(), w2.ToArray<double>());
        Assert.Equal(b.ToArray<double>(), b2.ToArray<double>());
    }

    [Fact]
    public void StateDictHasFlatPyTorchNames()
    {
        var w = Param(1, 2); var b = Param(3);
        var opt = new Adam([new ParamGroup([w], learningRate: 0.1), new ParamGroup([b], weightDecay: 0.5)], lr: 0.01, amsgrad: true);
        w.Grad = Tensor.FromArray([1.0, 1.0], 2);
        opt.Step();
        var d = opt.StateDict();
        Assert.Equal(new[]
        {
            "param_groups.0.initial_lr", "param_groups.0.lr", "param_groups.0.params", "param_groups.0.weight_decay",
            "param_groups.1.initial_lr", "param_groups.1.lr", "param_groups.1.params", "param_groups.1.weight_decay",
            "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.0.step",
        }, d.Keys.ToArray());
        Assert.Equal(1, d["state.0.step"].Item());
        Assert.Equal(DType.Int64, d["state.0.step"].DType);
        Assert.Equal(0.1, d["param_groups.0.lr"].Item());
        Assert.Equal(0.01, d["param_groups.1.lr"].Item());
        Assert.Equal(0.5, d["param_groups.1.weight_decay"].Item());
        Assert.Equal([1L], d["param_groups.1.params"].ToArray<long>());
        Assert.Equal([2], d["state.0.exp_avg"].ShapeArray);
    }

    [Fact]
    public void LoadStateDictReportsMissingUnexpectedAndMisshapenEntries()
    {
        var w = Param(1, 2);
        var opt = new Adam([w], lr: 0.1);
        w.Grad = Tensor.FromArray([1.0, 1.0], 2);
        opt.Step();
        var good = opt.StateDict();

        var missing = good.Where(kv => kv.Key != "state.0.exp_avg_sq").ToDictionary();
        var e1 = Assert.Throws<KeyNotFoundException>(() => new Adam([Param(1, 2)]).LoadStateDict(missing));
        Assert.Contains("state.0.exp_avg_sq", e1.Message);

        var extra = good.ToDictionary();
        extra["state.7.exp_avg"] = Tensor.Zeros(2);
        var e2 = Assert.Throws<ArgumentException>(() => new Adam([Param(1, 2)]).LoadStateDict(extra));
        Assert.Contains("state.7.exp_avg", e2.Message);

        var e3 = Assert.Throws<ShapeMismatchException>(() => new Adam([Param(1, 2, 3)]).LoadStateDict(good));
        Assert.Contains("state.0.exp_avg", e3.Message);

        // AMSGrad needs max_exp_avg_sq; a plain Adam dict lacks it.
        var e4 = Assert.Throws<KeyNotFoundException>(() => new Adam([Param(1, 2)], amsgrad: true).LoadStateDict(good));
        Assert.Contains("max_exp_avg_sq", e4.Message);

        // A failed load changes nothing.
        var target = new Adam([Param(1, 2)], lr: 0.5);
        Assert.ThrowsAny<Exception>(() => target.LoadStateDict(missing));
        Assert.Equal(0.5, target.LearningRate);
        Assert.DoesNotContain(target.StateDict().Keys, k => k.StartsWith("state.", StringComparison.Ordinal));

        // Grouping must match.
        var grouped = new Adam([new ParamGroup([Param(1)]), new ParamGroup([Param(2)])]);
        Assert.Throws<ArgumentException>(() => grouped.LoadStateDict(new Adam([Param(1), Param(2)]).StateDict()));
    }

    [Fact]
    public void GroupsGetTheirOwnLearningRateAndWeightDecay()
    {
        // SGD without momentum: θ ← θ − η(g + λθ), per group.
        var a = Param(1.0); var b = Param(1.0);
        var opt = new SGD([new ParamGroup([a], learningRate: 0.1), new ParamGroup([b], weightDecay: 0.5)], lr: 0.2, weightDecay: 0);
        a.Grad = Tensor.FromArray([1.0], 1);
        b.Grad = Tensor.FromArray([1.0], 1);
        opt.Step();
        Assert.Equal(1 - 0.1 * 1, a.ToArray<double>()[0], 15);
        Assert.Equal(1 - 0.2 * (1 + 0.5), b.ToArray<double>()[0], 15);
        Assert.Equal(0.1, opt.LearningRate);
        Assert.Equal(0.2, opt.ParamGroups[1].LearningRate);
    }

    [Fact]
    public void LearningRateSetsAllGroupsAndScaleKeepsRatios()
    {
        var opt = new AdamW([new ParamGroup([Param(1)], learningRate: 1e-4), new ParamGroup([Param(1)], learningRate: 1e-3)], lr: 5e-4);
        Assert.Equal(0.01, opt.ParamGroups[0].WeightDecay); // AdamW's default weight decay
        opt.SetLearningRateScale(0.5);
        Assert.Equal(0.5e-4, opt.ParamGroups[0].LearningRate, 15);
        Assert.Equal(0.5e-3, opt.ParamGroups[1].LearningRate, 15);
        new StepSchedule(1e-3, 2, 0.1).Apply(opt, 2); // factor 0.1
        Assert.Equal(1e-5, opt.ParamGroups[0].LearningRate, 15);
        Assert.Equal(1e-4, opt.ParamGroups[1].LearningRate, 15);
        opt.LearningRate = 0.3;
        Assert.All(opt.ParamGroups, g => Assert.Equal(0.3, g.LearningRate));
        Assert.Equal(1e-4, opt.ParamGroups[0].InitialLearningRate);
    }

    [Fact]
    public void ConstructorRejectsBadParameterLists()
    {
        var p = Param(1);
        Assert.Throws<ArgumentException>(() => new Adam(Array.Empty<Tensor>()));
        Assert.Throws<ArgumentException>(() => new Adam([new ParamGroup([p]), new ParamGroup([p])]));
        Assert.Throws<ArgumentException>(() => new Adam([Tensor.Zeros(2)]));
        var g = new ParamGroup([Param(1)]);
        _ = new SGD([g], lr: 0.1);
        Assert.Throws<ArgumentException>(() => new SGD([g], lr: 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam([Param(1)], beta1: 1.0));
        Assert.Throws<ArgumentException>(() => new SGD([Param(1)], lr: 0.1, nesterov: true));
    }

    [Fact]
    public void StepAllocatesStateOnceAndUpdatesInPlace()
    {
        var w = Param(1, 2, 3);
        var opt = new RMSProp([w], momentum: 0.9, centered: true);
        w.Grad = Tensor.FromArray([1.0, 1, 1], 3);
        opt.Step();
        var s = opt.StateOf(w)!;
        var before = s.Buffers.Values.ToArray();
        for (int i = 0; i < 5; i++) opt.Step();
        Assert.Equal(6, s.Step);
        Assert.Same(s, opt.StateOf(w));
        Assert.Equal(before, s.Buffers.Values.ToArray()); // same tensor objects
        Assert.Equal(["square_avg", "momentum_buffer", "grad_avg"], s.Buffers.Keys.ToArray());
    }

    [Fact]
    public void AStepBumpsTheParameterVersionSoAutogradNoticesTheChange()
    {
        var w = Param(1, 2);
        var y = w.Mul(w).Sum(); // saves w for backward
        var opt = new SGD([w], lr: 0.1);
        w.Grad = Tensor.FromArray([1.0, 1.0], 2);
        opt.Step();
        Assert.Throws<AutogradException>(() => y.Backward());
    }
}
