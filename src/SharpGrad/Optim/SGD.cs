using System.Numerics;

namespace SharpGrad.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay, following
/// <c>torch.optim.SGD</c>. Per parameter, with g its gradient:
/// <code>
/// g ← g + λθ                              (weight decay λ ≠ 0)
/// b ← g (first step);  b ← μb + (1 − τ)g  (momentum μ ≠ 0, dampening τ)
/// g ← g + μb (Nesterov)  or  g ← b
/// θ ← θ − η·g
/// </code>
/// State: <c>momentum_buffer</c> (only when μ ≠ 0).
/// </summary>
public sealed class SGD : Optimizer
{
    private static readonly string[] MomentumBuffer = ["momentum_buffer"];

    /// <summary>Creates the optimizer over one group.</summary>
    /// <param name="parameters">Parameters to optimize.</param>
    /// <param name="lr">Learning rate η.</param>
    /// <param name="momentum">Momentum μ (0: none).</param>
    /// <param name="dampening">Dampening τ of the momentum.</param>
    /// <param name="weightDecay">L2 weight decay λ.</param>
    /// <param name="nesterov">Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters, lr, weightDecay)
    {
        (Momentum, Dampening, Nesterov) = Validate(momentum, dampening, nesterov);
    }

    /// <summary>Creates the optimizer over parameter groups; <paramref name="lr"/> and <paramref name="weightDecay"/> are the groups' defaults.</summary>
    /// <param name="groups">Parameter groups.</param>
    /// <param name="lr">Default learning rate η.</param>
    /// <param name="momentum">Momentum μ (0: none).</param>
    /// <param name="dampening">Dampening τ of the momentum.</param>
    /// <param name="weightDecay">Default L2 weight decay λ.</param>
    /// <param name="nesterov">Nesterov momentum (needs μ &gt; 0 and τ = 0).</param>
    public SGD(IEnumerable<ParamGroup> groups, double lr = 1e-3, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(groups, lr, weightDecay)
    {
        (Momentum, Dampening, Nesterov) = Validate(momentum, dampening, nesterov);
    }

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }

    /// <summary>Dampening τ.</summary>
    public double Dampening { get; }

    /// <summary>The first group's weight decay λ (each group has its own: <see cref="ParamGroup.WeightDecay"/>).</summary>
    public double WeightDecay => ParamGroups[0].WeightDecay;

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames => Momentum != 0 ? MomentumBuffer : [];

    private static (double, double, bool) Validate(double momentum, double dampening, bool nesterov)
    {
        if (!(momentum >= 0)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "SGD: momentum must be non-negative.");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening.");
        return (momentum, dampening, nesterov);
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(ParamGroup group, Tensor p, ParamState state, Tensor g)
    {
        Tensor? buf = Momentum != 0 ? state["momentum_buffer"] : null;
        bool first = state.Step == 1;
        if (p.DType == DType.Float32)
            Update(p.Span<float>(), g.Span<float>(), buf is null ? default : buf.Span<float>(), first, group.LearningRate, group.WeightDecay, Momentum, Dampening, Nesterov);
        else
            Update(p.Span<double>(), g.Span<double>(), buf is null ? default : buf.Span<double>(), first, group.LearningRate, group.WeightDecay, Momentum, Dampening, Nesterov);
    }

    private static void Update<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> buf, bool first, double lr, double weightDecay, double momentum, double dampening, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T wd = T.CreateTruncating(weightDecay), mu = T.CreateTruncating(momentum), oneMinusTau = T.CreateTruncating(1 - dampening);
        T negLr = T.CreateTruncating(-lr);
        bool decay = weightDecay != 0, useMomentum = momentum != 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            if (decay) gi += wd * p[i];
            if (useMomentum)
            {
                T b = first ? gi : buf[i] * mu + oneMinusTau * gi;
                buf[i] = b;
                gi = nesterov ? gi + mu * b : b;
            }
            p[i] += negLr * gi;
        }
    }
}
