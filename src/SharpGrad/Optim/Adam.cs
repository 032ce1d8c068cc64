using System.Numerics;

namespace SharpGrad.Optim;

/// <summary>
/// Adam (Kingma &amp; Ba, 2015) with L2 weight decay added to the gradient, following <c>torch.optim.Adam</c>
/// (defaults lr 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0). Per parameter, at step t (1 for the first update):
/// <code>
/// g ← g + λθ
/// m ← β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// v̂max ← max(v̂max, v)                           (AMSGrad; then v is replaced by v̂max below)
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// State: <c>exp_avg</c> (m), <c>exp_avg_sq</c> (v), <c>max_exp_avg_sq</c> (AMSGrad only), <c>step</c>.
/// For decoupled weight decay use <see cref="AdamW"/>.
/// </summary>
public class Adam : Optimizer
{
    private static readonly string[] Buffers = ["exp_avg", "exp_avg_sq"];
    private static readonly string[] AmsBuffers = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    /// <summary>Creates the optimizer over one group.</summary>
    /// <param name="parameters">Parameters to optimize.</param>
    /// <param name="lr">Learning rate η.</param>
    /// <param name="beta1">β₁, decay of the first moment.</param>
    /// <param name="beta2">β₂, decay of the second moment.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">L2 weight decay λ (added to the gradient).</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    public Adam(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false)
    {
    }

    /// <summary>Creates the optimizer over parameter groups; <paramref name="lr"/> and <paramref name="weightDecay"/> are the groups' defaults.</summary>
    /// <param name="groups">Parameter groups.</param>
    /// <param name="lr">Default learning rate η.</param>
    /// <param name="beta1">β₁, decay of the first moment.</param>
    /// <param name="beta2">β₂, decay of the second moment.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Default L2 weight decay λ.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    public Adam(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
        : this(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false)
    {
    }

    private protected Adam(IEnumerable<Tensor> parameters, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool decoupled)
        : base(parameters, lr, weightDecay)
    {
        (Beta1, Beta2, Eps, AmsGrad, _decoupled) = Validate(beta1, beta2, eps, amsgrad, decoupled);
    }

    private protected Adam(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay, bool amsgrad, bool decoupled)
        : base(groups, lr, weightDecay)
    {
        (Beta1, Beta2, Eps, AmsGrad, _decoupled) = Validate(beta1, beta2, eps, amsgrad, decoupled);
    }

    private readonly bool _decoupled;

    /// <summary>β₁.</summary>
    public double Beta1 { get; }

    /// <summary>β₂.</summary>
    public double Beta2 { get; }

    /// <summary>ε.</summary>
    public double Eps { get; }

    /// <summary>Whether AMSGrad is used.</summary>
    public bool AmsGrad { get; }

    /// <inheritdoc/>
    protected override IReadOnlyList<string> StateBufferNames => AmsGrad ? AmsBuffers : Buffers;

    private (double, double, double, bool, bool) Validate(double beta1, double beta2, double eps, bool amsgrad, bool decoupled)
    {
        string name = GetType().Name;
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{name}: beta1 must be in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{name}: beta2 must be in [0, 1).");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, $"{name}: eps must be non-negative.");
        return (beta1, beta2, eps, amsgrad, decoupled);
    }

    /// <inheritdoc/>
    protected override void UpdateParameter(ParamGroup group, Tensor p, ParamState state, Tensor g)
    {
        double lr = group.LearningRate, wd = group.WeightDecay, t = state.Step;
        var c = new Coefficients(
            L2: _decoupled ? 0 : wd,
            Shrink: _decoupled ? 1 - lr * wd : 1,
            Beta1: Beta1, Beta2: Beta2,
            StepSize: lr / (1 - Math.Pow(Beta1, t)),
            BiasCorrection2Sqrt: Math.Sqrt(1 - Math.Pow(Beta2, t)),
            Eps: Eps);
        Tensor m = state["exp_avg"], v = state["exp_avg_sq"];
        Tensor? vmax = AmsGrad ? state["max_exp_avg_sq"] : null;
        if (p.DType == DType.Float32 && !AmsGrad && p.Numel >= ParallelThreshold)
            UpdateInParallel(state, p, g, m, v, c);
        else if (p.DType == DType.Float32)
            Update(p.Span<float>(), g.Span<float>(), m.Span<float>(), v.Span<float>(), vmax is null ? default : vmax.Span<float>(), AmsGrad, c);
        else
            Update(p.Span<double>(), g.Span<double>(), m.Span<double>(), v.Span<double>(), vmax is null ? default : vmax.Span<double>(), AmsGrad, c);
    }

    // Parameters of at least this many elements are updated in fixed chunks on the kernel threads (the update is
    // elementwise, so the result does not depend on the thread count).
    private const int ParallelThreshold = 1 << 16, ChunkSize = 1 << 14;

    private static void UpdateInParallel(ParamState state, Tensor p, Tensor g, Tensor m, Tensor v, in Coefficients c)
    {
        // one job per parameter, kept in its state and refilled each step
        var job = state.Work as UpdateJob ?? (UpdateJob)(state.Work = new UpdateJob());
        job.Set(p, g, m, v, c);
        try { Kernels.KernelThreads.Run(job, (p.Numel + ChunkSize - 1) / ChunkSize, Kernels.KernelThreads.Count); }
        finally { job.Clear(); }
    }

    private sealed class UpdateJob : Kernels.KernelThreads.Job
    {
        private Tensor? _p, _g, _m, _v;
        private Coefficients _c;

        public void Set(Tensor p, Tensor g, Tensor m, Tensor v, in Coefficients c) => (_p, _g, _m, _v, _c) = (p, g, m, v, c);

        public void Clear() => _p = _g = _m = _v = null;

        internal override void RunPart(int part)
        {
            int start = part * ChunkSize, count = Math.Min(ChunkSize, _p!.Numel - start);
            Update(_p.Span<float>().Slice(start, count), _g!.Span<float>().Slice(start, count), _m!.Span<float>().Slice(start, count),
                _v!.Span<float>().Slice(start, count), default, amsgrad: false, _c);
        }
    }

    private readonly record struct Coefficients(double L2, double Shrink, double Beta1, double Beta2, double StepSize, double BiasCorrection2Sqrt, double Eps);

    // One fused pass per parameter, in torch's order of operations (so float64 results agree to rounding).
    private static void Update<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, Span<T> vmax, bool amsgrad, in Coefficients c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T l2 = T.CreateTruncating(c.L2), shrink = T.CreateTruncating(c.Shrink);
        T b1 = T.CreateTruncating(c.Beta1), b2 = T.CreateTruncating(c.Beta2);
        T oneMinusB1 = T.CreateTruncating(1 - c.Beta1), oneMinusB2 = T.CreateTruncating(1 - c.Beta2);
        T negStepSize = T.CreateTruncating(-c.StepSize), bc2Sqrt = T.CreateTruncating(c.BiasCorrection2Sqrt), eps = T.CreateTruncating(c.Eps);
        bool decay = c.L2 != 0, decoupled = c.Shrink != 1;
        int i = 0;
        if (Vector.IsHardwareAccelerated && !amsgrad)
        {
            // The same operations, in the same order, Vector<T>.Count lanes at a time (IEEE sqrt and division are exact,
            // and no fused multiply-add is used, so lanes give bit-identical results to the scalar loop below).
            var vShrink = new Vector<T>(shrink); var vL2 = new Vector<T>(l2);
            var vB1 = new Vector<T>(b1); var vB2 = new Vector<T>(b2); var v1mB1 = new Vector<T>(oneMinusB1); var v1mB2 = new Vector<T>(oneMinusB2);
            var vStep = new Vector<T>(negStepSize); var vBc2 = new Vector<T>(bc2Sqrt); var vEps = new Vector<T>(eps);
            int w = Vector<T>.Count;
            for (; i <= p.Length - w; i += w)
            {
                var pi = new Vector<T>(p.Slice(i, w));
                if (decoupled) pi *= vShrink;
                var gi = new Vector<T>(g.Slice(i, w));
                if (decay) gi += vL2 * pi;
                var mi = new Vector<T>(m.Slice(i, w)) * vB1 + v1mB1 * gi;
                var vi = new Vector<T>(v.Slice(i, w)) * vB2 + v1mB2 * (gi * gi);
                mi.CopyTo(m.Slice(i, w));
                vi.CopyTo(v.Slice(i, w));
                var denom = Vector.SquareRoot(vi) / vBc2 + vEps;
                (pi + vStep * (mi / denom)).CopyTo(p.Slice(i, w));
            }
        }
        for (; i < p.Length; i++)
        {
            T pi = p[i];
            if (decoupled) pi *= shrink;              // AdamW: θ ← θ(1 − ηλ) before the Adam step
            T gi = g[i];
            if (decay) gi += l2 * pi;                 // Adam: L2 penalty in the gradient
            T mi = m[i] * b1 + oneMinusB1 * gi;
            T vi = v[i] * b2 + oneMinusB2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            if (amsgrad) vi = vmax[i] = T.Max(vmax[i], vi);
            T denom = T.Sqrt(vi) / bc2Sqrt + eps;
            p[i] = pi + negStepSize * (mi / denom);
        }
    }
}
