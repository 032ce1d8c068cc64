using System.Numerics;

namespace SharpGrad.Optim;

/// <summary>
/// Adagrad (Duchi et al., 2011) following <c>torch.optim.Adagrad</c> (defaults lr 1e-2, lr_decay 0, λ = 0,
/// initial_accumulator_value 0, ε = 1e-10). Per parameter, at step t (1 for the first update):
/// <code>
/// g ← g + λθ
/// η̃ ← η / (1 + (t − 1)·lr_decay)
/// s ← s + g²                       (s starts at initial_accumulator_value)
/// θ ← θ − η̃ · g / (√s + ε)
/// </code>
/// State: <c>sum</c> (s), <c>step</c>.
/// </summary>
public sealed class Adagrad : Optimizer
{
    private static readonly string[] Buffers = ["sum"];

    /// <summary>Creates the optimizer over one group.</summary>
    /// <param name="parameters">Parameters to optimize.</param>
    /// <param name="lr">Learning rate η.</param>
    /// <param name="lrDecay">Learning-rate decay: η̃ = η / (1 + (t − 1)·lrDecay).</param>
    /// <param name="weightDecay">L2 weight decay λ.</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum of squared gradients.</param>
    /// <param name="eps">ε added to the denominator.</param>
    public Adagrad(IEnumerable<Tensor> parameters, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(parameters, lr, weightDecay)
    {
        (LrDecay, InitialAccumulatorValue, Eps) = Validate(lrDecay, initialAccumulatorValue, eps);
    }

    /// <summary>Creates the optimizer over parameter groups; <paramref name="lr"/> and <paramref name="weightDecay"/> are the groups' defaults.</summary>
    /// <param name="groups">Parameter groups.</param>
    /// <param name="lr">Default learning rate η.</param>
    /// <param name="lrDecay">Learning-rate decay: η̃ = η / (1 + (t − 1)·lrDecay).</param>
    /// <param name="weightDecay">Default L2 weight decay λ.</param>
    /// <param name="initialAccumulatorValue">Starting value of the sum of squared gradients.</param>
    /// <param name="eps">ε added to the denominator.</param>
    public Adagrad(IEnumerable<ParamGroup> groups, double lr = 1e-2, double lrDecay = 0, double weightDecay = 0, double initialAccumulatorValue = 0, double eps = 1e-10)
        : base(groups, lr, weightDecay)
    {
        (LrDecay, InitialAccumulatorValue, Eps) = Validate(lrDecay, initialAccumulatorValue, eps);
    }

    /// <summary>Learning-rate decay.</summary>
    public double LrDecay { get; }

    /// <summary>Starting value of the accumulator.</summary>
    public double InitialAccumulatorValue { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames => Buffers;

    /// <inheritdoc/>
    protected override double InitialBufferValue(string name) => InitialAccumulatorValue;

    private static (double, double, double) Validate(double lrDecay, double initial, double eps)
    {
        if (!(lrDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(lrDecay), lrDecay, "Adagrad: lrDecay must be non-negative.");
        if (!(initial >= 0)) throw new ArgumentOutOfRangeException(nameof(initial), initial, "Adagrad: initialAccumulatorValue must be non-negative.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "Adagrad: eps must be non-negative.");
        return (lrDecay, initial, eps);
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(ParamGroup group, Tensor p, ParamState state, Tensor g)
    {
        double clr = group.LearningRate / (1 + (state.Step - 1) * LrDecay);
        Tensor sum = state["sum"];
        if (p.DType == DType.Float32) Update(p.Span<float>(), g.Span<float>(), sum.Span<float>(), clr, group.WeightDecay, Eps);
        else Update(p.Span<double>(), g.Span<double>(), sum.Span<double>(), clr, group.WeightDecay, Eps);
    }

    private static void Update<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> sum, double clr, double weightDecay, double eps)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T wd = T.CreateTruncating(weightDecay), e = T.CreateTruncating(eps), negClr = T.CreateTruncating(-clr);
        bool decay = weightDecay != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            if (decay) gi += wd * p[i];
            T s = sum[i] + gi * gi;
            sum[i] = s;
            p[i] += negClr * (gi / (T.Sqrt(s) + e));
        }
    }
}
