using SharpGrad.Optim;

namespace SharpGrad.Tests.Optim;

/// <summary>Every schedule at step 0, the end of its warmup, its total and beyond (steps are 0-based).</summary>
public class ScheduleBoundaryTests
{
    private static void At(ILearningRateSchedule s, long step, double expected) =>
        Assert.True(Math.Abs(s.LearningRate(step) - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)),
            $"{s} at step {step}: expected {expected:R}, got {s.LearningRate(step):R}");

    [Fact]
    public void Constant()
    {
        var s = new ConstantSchedule(0.1);
        At(s, 0, 0.1); At(s, 1_000_000, 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.LearningRate(-1));
    }

    [Fact]
    public void Step()
    {
        var s = new StepSchedule(1.0, 10, 0.5);
        At(s, 0, 1); At(s, 9, 1); At(s, 10, 0.5); At(s, 19, 0.5); At(s, 20, 0.25); At(s, 1000, Math.Pow(0.5, 100));
        Assert.Equal([10L, 20], s.Boundaries(30));
    }

    [Fact]
    public void MultiStep()
    {
        var s = new MultiStepSchedule(1.0, [30, 10], 0.1);
        At(s, 0, 1); At(s, 9, 1); At(s, 10, 0.1); At(s, 29, 0.1); At(s, 30, 0.01); At(s, 10_000, 0.01);
    }

    [Fact]
    public void Exponential()
    {
        var s = new ExponentialSchedule(2.0, 0.5);
        At(s, 0, 2); At(s, 1, 1); At(s, 10, 2.0 / 1024);
    }

    [Fact]
    public void Linear()
    {
        var s = new LinearSchedule(0.3); // PyTorch defaults: 1/3 → 1 over 5 steps
        At(s, 0, 0.1); At(s, 5, 0.3); At(s, 6, 0.3); At(s, 100, 0.3);
        var decay = new LinearSchedule(1.0, 1.0, 0.0, 100);
        At(decay, 0, 1); At(decay, 50, 0.5); At(decay, 100, 0); At(decay, 200, 0);
    }

    [Fact]
    public void CosineWithWarmup()
    {
        var s = new CosineWithWarmupSchedule(1.0, WarmupSteps: 10, TotalSteps: 110, MinLearningRate: 0.1);
        At(s, 0, 0); At(s, 5, 0.5); At(s, 10, 1.0);           // warmup 0 → lr_base at w
        At(s, 60, 0.1 + 0.9 * 0.5);                         // halfway through the decay: cos(π/2) = 0
        At(s, 109, 0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 99 / 100)));
        At(s, 110, 0.1); At(s, 1000, 0.1);                  // min from T on
        Assert.Equal([10L, 110], s.Boundaries(200));
    }

    [Fact]
    public void PolynomialWithWarmupIsTheCorrectedSeedSchedule()
    {
        var s = new PolynomialWithWarmupSchedule(1.0, WarmupSteps: 10, TotalSteps: 110, Power: 2, MinLearningRate: 0.01);
        At(s, 0, 0); At(s, 10, 1.0); At(s, 9, 0.9);
        At(s, 60, 0.01 + 0.99 * 0.25);                      // (1 − 50/100)² = 0.25
        At(s, 109, 0.01 + 0.99 * 1e-4);                     // (1/100)²: continuous into min at T
        At(s, 110, 0.01); At(s, 5000, 0.01);
    }

    [Fact]
    public void InverseSqrt()
    {
        var s = new InverseSqrtSchedule(1.0, WarmupSteps: 4);
        At(s, 0, 0); At(s, 2, 0.5); At(s, 4, 1.0); At(s, 16, 0.5); At(s, 400, 0.1);
        var noWarmup = new InverseSqrtSchedule(1.0, 0);
        At(noWarmup, 0, 1); At(noWarmup, 4, 0.5);
    }

    [Fact]
    public void OneCycle()
    {
        // T = 100, pct 0.3: peak at step 29 (= 0.3·100 − 1); lr₀ = 0.04, final = 4e-6.
        var s = new OneCycleSchedule(1.0, 100);
        At(s, 0, 0.04); At(s, 29, 1.0); At(s, 99, 0.04 / 1e4); At(s, 100, 0.04 / 1e4); At(s, 1000, 0.04 / 1e4);
        At(s, 64, 4e-6 + (1 - 4e-6) / 2 * (Math.Cos(Math.PI * 35 / 70) + 1)); // midway down
        Assert.Equal([29L, 99], s.Boundaries(100));
    }

    [Fact]
    public void SeedScheduleKeepsItsQuirks()
    {
        // t = step + 1; w = 10, T = 100, β = 2, lr_base = 0.01, min 0.001.
        var s = new SeedSchedule(0.01, WarmupSteps: 10, TotalSteps: 100, Power: 2, MinLearningRate: 0.001);
        At(s, 0, 1.0);                                       // 1/√1: starts at 1, ignoring lr_base
        At(s, 3, 0.5);                                       // 1/√4: falls during "warmup"
        At(s, 8, 1 / 3.0);                                   // t = 9 = w − 1: last warmup value 1/√9
        At(s, 9, 0.01);                                      // t = w: jumps down to lr_base (discontinuity)
        At(s, 98, 0.01 * Math.Pow(1 - 89.0 / 100, 2));       // t = T − 1: divides by T, so still 0.01·0.11², not 0
        At(s, 99, 0.001); At(s, 10_000, 0.001);              // t ≥ T: min_lr
        var corrected = new PolynomialWithWarmupSchedule(0.01, 10, 100, 2, 0.001);
        Assert.True(corrected.LearningRate(0) < corrected.LearningRate(9));
    }

    [Fact]
    public void RegistryBuildsEveryNameAndRejectsUnknownOnes()
    {
        Assert.Equal(["constant", "step", "multistep", "exponential", "linear", "cosine", "polynomial", "inverse-sqrt", "onecycle", "seed"], Schedules.Names);
        foreach (var name in Schedules.Names)
        {
            var s = Schedules.Create(name, 0.1, 1000);
            for (long step = 0; step <= 1100; step += 50)
                Assert.True(double.IsFinite(s.LearningRate(step)) && s.LearningRate(step) >= 0, $"{name} at {step}");
        }
        Assert.IsType<InverseSqrtSchedule>(Schedules.Create("Inverse_Sqrt", 0.1, 10));
        Assert.Equal(0.001, Schedules.Create("exponential", 0.1, 1000).LearningRate(1000), 12);
        var e = Assert.Throws<ArgumentException>(() => Schedules.Create("warmup-magic", 0.1, 10));
        Assert.Contains("cosine", e.Message);
    }
}
