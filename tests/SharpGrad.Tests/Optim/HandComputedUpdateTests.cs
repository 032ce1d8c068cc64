using SharpGrad.Optim;

namespace SharpGrad.Tests.Optim;

/// <summary>
/// The first three updates of each optimizer on one float64 parameter θ₀ = 1 with the gradient sequence 0.5, −0.25, 1.0
/// (assigned, not computed), checked against arithmetic written out here. The same numbers come out of torch.optim 1.13.
/// </summary>
public class HandComputedUpdateTests
{
    private static readonly double[] Grads = [0.5, -0.25, 1.0];

    private static double[] Run(Func<Tensor[], Optimizer> make)
    {
        var theta = Tensor.FromArray([1.0], 1).RequiresGrad_();
        var opt = make([theta]);
        var after = new double[Grads.Length];
        for (int t = 0; t < Grads.Length; t++)
        {
            theta.Grad = Tensor.FromArray([Grads[t]], 1);
            opt.Step();
            after[t] = theta.ToArray<double>()[0];
        }
        return after;
    }

    private static void Close(double expected, double actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void SgdNesterovWithWeightDecay()
    {
        var r = Run(p => new SGD(p, lr: 0.1, momentum: 0.9, weightDecay: 0.1, nesterov: true));
        // t=1: g = 0.5 + 0.1·1 = 0.6;  b = g = 0.6;  g' = 0.6 + 0.9·0.6 = 1.14;  θ = 1 − 0.1·1.14 = 0.886
        Close(0.886, r[0], "step 1");
        // t=2: g = −0.25 + 0.1·0.886 = −0.1614;  b = 0.9·0.6 − 0.1614 = 0.3786;  g' = −0.1614 + 0.9·0.3786 = 0.17934;  θ = 0.886 − 0.017934
        Close(0.868066, r[1], "step 2");
        // t=3: g = 1 + 0.0868066 = 1.0868066;  b = 0.9·0.3786 + g = 1.4275466;  g' = g + 0.9·b = 2.37159854;  θ = 0.868066 − 0.237159854
        Close(0.630906146, r[2], "step 3");
    }

    [Fact]
    public void AdamWithL2AndBiasCorrection()
    {
        var r = Run(p => new Adam(p, lr: 0.1, weightDecay: 0.1));
        // t=1: g = 0.5 + 0.1·1 = 0.6;  m = 0.1·0.6 = 0.06;  v = 0.001·0.36 = 0.00036
        //      m̂ = 0.06/(1−0.9) = 0.6;  v̂ = 0.00036/(1−0.999) = 0.36;  θ = 1 − 0.1·0.6/(0.6 + 1e-8)
        double theta1 = 1 - 0.1 * 0.6 / (0.6 + 1e-8);
        Close(theta1, r[0], "step 1");
        // t=2: g = −0.25 + 0.1·θ₁;  m = 0.9·0.06 + 0.1g;  v = 0.999·0.00036 + 0.001g²;  θ₂ = θ₁ − 0.1·(m/(1−0.9²)) / (√(v/(1−0.999²)) + 1e-8)
        double g2 = -0.25 + 0.1 * theta1, m2 = 0.9 * 0.06 + 0.1 * g2, v2 = 0.999 * 0.00036 + 0.001 * g2 * g2;
        double theta2 = theta1 - 0.1 * (m2 / (1 - 0.81)) / (Math.Sqrt(v2 / (1 - 0.999 * 0.999)) + 1e-8);
        Close(theta2, r[1], "step 2");
        Close(0.8544413674617625, theta2, "step 2 (numeric)");
        // t=3: same with bias corrections 1 − 0.9³ = 0.271 and 1 − 0.999³
        double g3 = 1.0 + 0.1 * theta2, m3 = 0.9 * m2 + 0.1 * g3, v3 = 0.999 * v2 + 0.001 * g3 * g3;
        double theta3 = theta2 - 0.1 * (m3 / 0.271) / (Math.Sqrt(v3 / (1 - Math.Pow(0.999, 3))) + 1e-8);
        Close(theta3, r[2], "step 3");
        Close(0.7815043998631658, theta3, "step 3 (numeric)");
    }

    [Fact]
    public void AdamWDecoupledWithBiasCorrection()
    {
        var r = Run(p => new AdamW(p, lr: 0.1, weightDecay: 0.1));
        // t=1: θ ← θ(1 − 0.1·0.1) = 0.99;  m = 0.05;  v = 0.00025;  m̂ = 0.5;  v̂ = 0.25;  θ = 0.99 − 0.1·0.5/(0.5 + 1e-8)
        double theta1 = 0.99 - 0.1 * 0.5 / (0.5 + 1e-8);
        Close(theta1, r[0], "step 1");
        Close(0.890000002, theta1, "step 1 (numeric)");
        // t=2: θ ← 0.99θ₁;  m = 0.045 − 0.025 = 0.02;  v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;  m̂ = 0.02/0.19;  v̂ = v/(1−0.999²)
        double theta2 = 0.99 * theta1 - 0.1 * (0.02 / 0.19) / (Math.Sqrt(0.00031225 / (1 - 0.999 * 0.999)) + 1e-8);
        Close(theta2, r[1], "step 2");
        // t=3: m = 0.018 + 0.1 = 0.118;  v = 0.999·0.00031225 + 0.001 = 0.00131193775;  m̂ = 0.118/0.271
        double theta3 = 0.99 * theta2 - 0.1 * (0.118 / 0.271) / (Math.Sqrt(0.00131193775 / (1 - Math.Pow(0.999, 3))) + 1e-8);
        Close(theta3, r[2], "step 3");
        Close(0.7801104766702113, theta3, "step 3 (numeric)");
    }

    [Fact]
    public void RmsPropCenteredWithMomentum()
    {
        var r = Run(p => new RMSProp(p, lr: 0.1, alpha: 0.9, momentum: 0.5, centered: true));
        // t=1: v = 0.1·0.25 = 0.025;  ḡ = 0.1·0.5 = 0.05;  d = √(0.025 − 0.0025) + 1e-8 = 0.15 + 1e-8;  b = 0.5/d;  θ = 1 − 0.1b
        double b1 = 0.5 / (0.15 + 1e-8);
        Close(1 - 0.1 * b1, r[0], "step 1");
        // t=2: v = 0.0225 + 0.00625 = 0.02875;  ḡ = 0.045 − 0.025 = 0.02;  d = √(0.02875 − 0.0004) + 1e-8;  b = 0.5b₁ − 0.25/d
        double b2 = 0.5 * b1 - 0.25 / (Math.Sqrt(0.02875 - 0.0004) + 1e-8);
        Close(1 - 0.1 * b1 - 0.1 * b2, r[1], "step 2");
        // t=3: v = 0.025875 + 0.1 = 0.125875;  ḡ = 0.018 + 0.1 = 0.118;  d = √(0.125875 − 0.013924) + 1e-8;  b = 0.5b₂ + 1/d
        double b3 = 0.5 * b2 + 1.0 / (Math.Sqrt(0.125875 - 0.118 * 0.118) + 1e-8);
        Close(1 - 0.1 * (b1 + b2 + b3), r[2], "step 3");
        Close(0.3405118650006291, r[2], "step 3 (numeric)");
    }

    [Fact]
    public void AdagradWithLrDecayAndInitialAccumulator()
    {
        var r = Run(p => new Adagrad(p, lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.1));
        // t=1: η̃ = 0.1;  s = 0.1 + 0.25 = 0.35;  θ = 1 − 0.1·0.5/(√0.35 + 1e-10)
        double theta1 = 1 - 0.1 * 0.5 / (Math.Sqrt(0.35) + 1e-10);
        Close(theta1, r[0], "step 1");
        // t=2: η̃ = 0.1/(1 + 0.5) = 0.0666…;  s = 0.35 + 0.0625 = 0.4125;  θ = θ₁ + η̃·0.25/√0.4125
        double theta2 = theta1 + 0.1 / 1.5 * 0.25 / (Math.Sqrt(0.4125) + 1e-10);
        Close(theta2, r[1], "step 2");
        // t=3: η̃ = 0.1/(1 + 2·0.5) = 0.05;  s = 1.4125;  θ = θ₂ − 0.05/√1.4125
        double theta3 = theta2 - 0.05 * 1.0 / (Math.Sqrt(1.4125) + 1e-10);
        Close(theta3, r[2], "step 3");
        Close(0.8993642231551504, theta3, "step 3 (numeric)");
    }

    [Fact]
    public void Float32ParametersFollowTheFloat64Result()
    {
        var p32 = Tensor.FromArray([1f], 1).RequiresGrad_();
        var p64 = Tensor.FromArray([1.0], 1).RequiresGrad_();
        var a = new Adam([p32], lr: 0.1);
        var b = new Adam([p64], lr: 0.1);
        foreach (double g in Grads)
        {
            p32.Grad = Tensor.FromArray([(float)g], 1);
            p64.Grad = Tensor.FromArray([g], 1);
            a.Step();
            b.Step();
        }
        Assert.Equal(p64.ToArray<double>()[0], p32.ToArray<double>()[0], 5);
    }

    [Fact]
    public void ParametersWithoutGradientAreSkippedAndGetNoState()
    {
        var w = Tensor.FromArray([1.0, 2.0], 2).RequiresGrad_();
        var u = Tensor.FromArray([3.0], 1).RequiresGrad_();
        var opt = new Adam([w, u], lr: 0.1);
        w.Grad = Tensor.FromArray([1.0, -1.0], 2);
        opt.Step();
        Assert.Equal([3.0], u.ToArray<double>());
        Assert.Null(opt.StateOf(u));
        Assert.Equal(1, opt.StateOf(w)!.Step);
        // Adam's first step moves every coordinate by lr·sign(g) (up to ε).
        Assert.Equal(0.9, w.ToArray<double>()[0], 6);
        Assert.Equal(2.1, w.ToArray<double>()[1], 6);
    }
}
