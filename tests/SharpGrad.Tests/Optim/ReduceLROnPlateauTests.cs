using SharpGrad.Optim;

namespace SharpGrad.Tests.Optim;

public class ReduceLROnPlateauTests
{
    private static SGD Opt(double lr = 1.0) => new([Tensor.Zeros(1).RequiresGrad_()], lr);

    [Fact]
    public void ReducesAfterPatienceIsExceeded()
    {
        var opt = Opt();
        var p = new ReduceLROnPlateau(patience: 2, factor: 0.5);
        Assert.False(p.Observe(1.0, opt));   // best 1.0
        Assert.False(p.Observe(1.0, opt));   // bad 1
        Assert.False(p.Observe(1.0, opt));   // bad 2 (= patience: still tolerated)
        Assert.True(p.Observe(1.0, opt));    // bad 3 > patience: reduce
        Assert.Equal(0.5, opt.LearningRate);
        Assert.Equal(0, p.NumBadEpochs);
    }

    [Fact]
    public void CooldownIgnoresBadEpochs()
    {
        var opt = Opt();
        var p = new ReduceLROnPlateau(patience: 0, factor: 0.5, cooldown: 2);
        p.Observe(1.0, opt);
        Assert.True(p.Observe(2.0, opt));    // bad, patience 0: reduce → 0.5; cooldown 2
        Assert.False(p.Observe(2.0, opt));   // cooldown 2 → 1
        Assert.False(p.Observe(2.0, opt));   // cooldown 1 → 0
        Assert.True(p.Observe(2.0, opt));    // counting again: reduce → 0.25
        Assert.Equal(0.25, opt.LearningRate);
    }

    [Fact]
    public void ThresholdMinLrAndMaxMode()
    {
        var opt = Opt(0.1);
        var p = new ReduceLROnPlateau(PlateauMode.Max, patience: 0, threshold: 0.1, minLr: 0.05);
        p.Observe(1.0, opt);
        Assert.True(p.Observe(1.05, opt));   // +5 % < +10 % relative threshold: not an improvement
        Assert.Equal(0.05, opt.LearningRate, 15); // max(0.01, minLr)
        Assert.False(p.Observe(1.0, opt));  // already at min_lr: nothing to reduce
        Assert.Equal(0.05, opt.LearningRate, 15);
    }

    [Fact]
    public void ReducesEveryGroup()
    {
        var opt = new Adam([new ParamGroup([Tensor.Zeros(1).RequiresGrad_()], learningRate: 1e-3), new ParamGroup([Tensor.Zeros(1).RequiresGrad_()], learningRate: 1e-2)]);
        var p = new ReduceLROnPlateau(patience: 0);
        p.Observe(1, opt);
        Assert.True(p.Observe(double.NaN, opt)); // NaN never improves
        Assert.Equal(1e-4, opt.ParamGroups[0].LearningRate, 15);
        Assert.Equal(1e-3, opt.ParamGroups[1].LearningRate, 15);
    }
}
