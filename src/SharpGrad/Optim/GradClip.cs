namespace SharpGrad.Optim;

/// <summary>
/// Gradient clipping, like <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>. Both modify
/// <see cref="Tensor.Grad"/> in place and skip parameters whose gradient is null. Call them between
/// <c>loss.Backward()</c> and <c>optimizer.Step()</c>.
/// </summary>
public static class GradClip
{
    /// <summary>
    /// Scales all gradients together so that their joint norm is at most <paramref name="maxNorm"/>:
    /// <c>total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, …)‖ₚ</c> (the p-norm of all gradient elements as one vector; p = ∞ gives max |gᵢ|),
    /// then every gradient is multiplied by <c>min(1, maxNorm / (total + 1e-6))</c>. Norms are accumulated in float64.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">Largest allowed total norm.</param>
    /// <param name="normType">p of the p-norm (&gt; 0), or <see cref="double.PositiveInfinity"/>.</param>
    /// <param name="errorIfNonFinite">Throw when the total norm is NaN or infinite (otherwise the gradients are scaled by a
    /// non-finite factor, as in PyTorch, and become NaN).</param>
    /// <returns>The total norm before clipping (0 when no parameter has a gradient).</returns>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonFinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), normType, "ClipGradNorm: normType must be > 0 or +infinity.");
        if (double.IsNaN(maxNorm)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "ClipGradNorm: maxNorm is NaN.");
        var grads = new List<Tensor>();
        foreach (var p in parameters)
            if (p?.Grad is { } g) grads.Add(g);
        if (grads.Count == 0) return 0;

        // Norm and scaling run as one kernel, so a captured training step (StepGraph) clips each replay by that step's norm.
        var clip = new NormClip([.. grads], maxNorm, normType, errorIfNonFinite);
        Kernels.Launch.Run(clip, static c => c.Run());
        return clip.Total;
    }

    /// <summary>One clipping: the total norm of the gradients, then their scaling in place.</summary>
    private sealed class NormClip(Tensor[] grads, double maxNorm, double normType, bool errorIfNonFinite)
    {
        /// <summary>The total norm found by the last <see cref="Run"/>.</summary>
        public double Total { get; private set; }

        public void Run()
        {
            bool inf = double.IsPositiveInfinity(normType);
            double total = 0;
            foreach (var g in grads)
            {
                double n = Norm(g, normType);
                if (inf) total = double.IsNaN(n) || double.IsNaN(total) ? double.NaN : Math.Max(total, n);
                else total += Math.Pow(n, normType);
            }
            if (!inf) total = Math.Pow(total, 1 / normType);
            Total = total;
            if (errorIfNonFinite && !double.IsFinite(total))
                throw new ArithmeticException($"ClipGradNorm: the total norm of order {normType} of the gradients of {grads.Length} parameter(s) is non-finite ({total}), " +
                    "so they cannot be clipped; pass errorIfNonFinite: false to scale them anyway.");

            double coefficient = Math.Min(maxNorm / (total + 1e-6), 1.0);
            if (double.IsNaN(total)) coefficient = double.NaN; // Math.Min would hide the NaN; torch's clamp propagates it
            if (coefficient != 1.0)
            {
                using var _ = Autograd.NoGrad();
                foreach (var g in grads) g.MulInPlace(coefficient);
            }
        }
    }

    /// <summary>Clamps every gradient element to [−<paramref name="clipValue"/>, <paramref name="clipValue"/>] (NaN stays NaN).</summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="clipValue">Largest allowed magnitude (≥ 0).</param>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), clipValue, "ClipGradValue: clipValue must be non-negative.");
        using var _ = Autograd.NoGrad();
        foreach (var p in parameters)
        {
            if (p?.Grad is not { } g) continue;
            if (g.IsContiguous && g.DType == DType.Float32) Clamp(g.Span<float>(), (float)clipValue);
            else if (g.IsContiguous && g.DType == DType.Float64) Clamp(g.Span<double>(), clipValue);
            else
            {
                g.CopyFrom(g.Clamp(-clipValue, clipValue));
                continue;
            }
            g.Storage.Version++;
        }
    }

    private static void Clamp<T>(Span<T> x, T c) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        T lo = -c;
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            if (v < lo) x[i] = lo;
            else if (v > c) x[i] = c;
        }
    }

    /// <summary>‖g‖ₚ accumulated in float64 (p = ∞: max |gᵢ|, NaN if any element is NaN).</summary>
    private static double Norm(Tensor g, double p)
    {
        if (!g.IsContiguous || !g.DType.IsFloatingPoint()) g = g.Contiguous().To(DType.Float64);
        return g.DType == DType.Float32 ? Norm<float>(g.Span<float>(), p) : Norm<double>(g.Span<double>(), p);
    }

    private static double Norm<T>(ReadOnlySpan<T> x, double p) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        if (double.IsPositiveInfinity(p))
        {
            double m = 0;
            foreach (T v in x)
            {
                double a = Math.Abs(double.CreateTruncating(v));
                if (double.IsNaN(a)) return double.NaN;
                if (a > m) m = a;
            }
            return m;
        }
        double s = 0;
        if (p == 2)
            foreach (T v in x) { double d = double.CreateTruncating(v); s += d * d; }
        else if (p == 1)
            foreach (T v in x) s += Math.Abs(double.CreateTruncating(v));
        else
            foreach (T v in x) s += Math.Pow(Math.Abs(double.CreateTruncating(v)), p);
        return Math.Pow(s, 1 / p);
    }
}
