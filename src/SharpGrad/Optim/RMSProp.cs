using System.Numerics;

namespace SharpGrad.Optim;

/// <summary>
/// RMSProp (Hinton, 2012) following <c>torch.optim.RMSprop</c> (defaults lr 1e-2, α = 0.99, ε = 1e-8, λ = 0, μ = 0,
/// not centered). Per parameter:
/// <code>
/// g ← g + λθ
/// v ← αv + (1 − α)g²
/// ḡ ← αḡ + (1 − α)g;   d ← √(v − ḡ²) + ε          (centered)
///                       d ← √v + ε                 (otherwise)
/// b ← μb + g/d;  θ ← θ − ηb                        (momentum μ &gt; 0)
/// θ ← θ − η·g/d                                     (otherwise)
/// </code>
/// State: <c>square_avg</c> (v), <c>momentum_buffer</c> (μ &gt; 0), <c>grad_avg</c> (ḡ, centered), <c>step</c>.
/// </summary>
public sealed class RMSProp : Optimizer
{
    private readonly string[] _bufferNames;

    /// <summary>Creates the optimizer over one group.</summary>
    /// <param name="parameters">Parameters to optimize.</param>
    /// <param name="lr">Learning rate η.</param>
    /// <param name="alpha">Smoothing constant α of the squared-gradient average.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 weight decay λ.</param>
    /// <param name="momentum">Momentum μ (0: none).</param>
    /// <param name="centered">Normalise by the estimated variance √(v − ḡ²) instead of √v.</param>
    public RMSProp(IEnumerable<Tensor> parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(parameters, lr, weightDecay)
    {
        (Alpha, Eps, Momentum, Centered) = Validate(alpha, eps, momentum, centered);
        _bufferNames = BufferNames();
    }

    /// <summary>Creates the optimizer over parameter groups; <paramref name="lr"/> and <paramref name="weightDecay"/> are the groups' defaults.</summary>
    /// <param name="groups">Parameter groups.</param>
    /// <param name="lr">Default learning rate η.</param>
    /// <param name="alpha">Smoothing constant α of the squared-gradient average.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Default L2 weight decay λ.</param>
    /// <param name="momentum">Momentum μ (0: none).</param>
    /// <param name="centered">Normalise by the estimated variance √(v − ḡ²) instead of √v.</param>
    public RMSProp(IEnumerable<ParamGroup> groups, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0, double momentum = 0, bool centered = false)
        : base(groups, lr, weightDecay)
    {
        (Alpha, Eps, Momentum, Centered) = Validate(alpha, eps, momentum, centered);
        _bufferNames = BufferNames();
    }

    /// <summary>Smoothing constant α.</summary>
    public double Alpha { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether the centered variant is used.</summary>
    public bool Centered { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames => _bufferNames;

    private string[] BufferNames()
    {
        var names = new List<string> { "square_avg" };
        if (Momentum > 0) names.Add("momentum_buffer");
        if (Centered) names.Add("grad_avg");
        return names.ToArray();
    }

    private static (double, double, double, bool) Validate(double alpha, double eps, double momentum, bool centered)
    {
        if (!(alpha >= 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "RMSProp: alpha must be non-negative.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "RMSProp: eps must be non-negative.");
        if (!(momentum >= 0)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "RMSProp: momentum must be non-negative.");
        return (alpha, eps, momentum, centered);
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(ParamGroup group, Tensor p, ParamState state, Tensor g)
    {
        Tensor v = state["square_avg"];
        Tensor? buf = Momentum > 0 ? state["momentum_buffer"] : null, gAvg = Centered ? state["grad_avg"] : null;
        if (p.DType == DType.Float32)
            Update(p.Span<float>(), g.Span<float>(), v.Span<float>(), buf is null ? default : buf.Span<float>(), gAvg is null ? default : gAvg.Span<float>(),
                group.LearningRate, group.WeightDecay, Alpha, Eps, Momentum, Centered);
        else
            Update(p.Span<double>(), g.Span<double>(), v.Span<double>(), buf is null ? default : buf.Span<double>(), gAvg is null ? default : gAvg.Span<double>(),
                group.LearningRate, group.WeightDecay, Alpha, Eps, Momentum, Centered);
    }

    private static void Update<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> v, Span<T> buf, Span<T> gAvg,
        double lr, double weightDecay, double alpha, double eps, double momentum, bool centered)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T wd = T.CreateTruncating(weightDecay), a = T.CreateTruncating(alpha), oneMinusA = T.CreateTruncating(1 - alpha);
        T e = T.CreateTruncating(eps), mu = T.CreateTruncating(momentum), negLr = T.CreateTruncating(-lr);
        bool decay = weightDecay != 0, useMomentum = momentum > 0;
        for (int i = 0; i < p.Length; i++)
        {
            T gi = g[i];
            if (decay) gi += wd * p[i];
            T vi = v[i] * a + oneMinusA * (gi * gi);
            v[i] = vi;
            T avg;
            if (centered)
            {
                T gm = gAvg[i] * a + oneMinusA * gi;
                gAvg[i] = gm;
                avg = T.Sqrt(vi + -(gm * gm)) + e;
            }
            else avg = T.Sqrt(vi) + e;
            if (useMomentum)
            {
                T b = buf[i] * mu + gi / avg;
                buf[i] = b;
                p[i] += negLr * b;
            }
            else p[i] += negLr * (gi / avg);
        }
    }
}
