namespace SharpGrad;

/// <summary>The outcome of <see cref="GradCheck.Check"/>.</summary>
/// <param name="Passed">True when every analytic derivative matched its finite-difference estimate within tolerance.</param>
/// <param name="MaxAbsError">Largest |analytic − numerical| over all inputs and elements.</param>
/// <param name="MaxRelError">Largest |analytic − numerical| / max(|numerical|, 1e-12) at failing or worst elements.</param>
/// <param name="Message">Where the worst mismatch is (input, element, both values), or "ok".</param>
public sealed record GradCheckResult(bool Passed, double MaxAbsError, double MaxRelError, string Message);

/// <summary>
/// Compares analytic gradients (from <see cref="Tensor.Backward"/>) with central finite differences
/// (f(x + ε) − f(x − ε)) / 2ε in float64, like <c>torch.autograd.gradcheck</c>. Non-scalar outputs are reduced with a fixed
/// random projection Σ vᵢ·outᵢ, so every output element takes part.
/// </summary>
public static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="function"/> at <paramref name="inputs"/>. Floating inputs are converted to Float64 leaves
    /// requiring grad; Int64 inputs (indices) are passed through unchanged. An element passes when
    /// |analytic − numerical| ≤ atol + rtol·|numerical|.
    /// </summary>
    public static GradCheckResult Check(Func<Tensor[], Tensor> function, Tensor[] inputs, double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3)
    {
        var leaves = inputs.Select(t => t.DType.IsFloatingPoint() ? t.Detach().To(DType.Float64).Clone().Detach().RequiresGrad_() : t).ToArray();

        Tensor output = function(leaves);
        if (!output.DType.IsFloatingPoint()) throw new ArgumentException("GradCheck: the function must return a floating-point tensor.");
        var projection = Tensor.Uniform(output.ShapeArray, 0.5, 1.5, new Generator(1234), DType.Float64);
        double Objective(Tensor[] args)
        {
            using var _ = Autograd.NoGrad();
            return function(args).To(DType.Float64).Mul(projection).Sum().Item();
        }

        output.To(DType.Float64).Mul(projection).Sum().Backward();

        double maxAbs = 0, maxRel = 0;
        string message = "ok";
        bool passed = true;
        for (int k = 0; k < leaves.Length; k++)
        {
            Tensor leaf = leaves[k];
            if (!leaf.DType.IsFloatingPoint()) continue;
            double[] analytic = leaf.Grad?.ToArray<double>() ?? new double[leaf.Numel];
            for (int i = 0; i < leaf.Numel; i++)
            {
                int at = leaf.StorageIndexOfLinear(i);
                double original = leaf.Storage.Get(at);
                leaf.Storage.Set(at, original + eps);
                double plus = Objective(leaves);
                leaf.Storage.Set(at, original - eps);
                double minus = Objective(leaves);
                leaf.Storage.Set(at, original);
                double numerical = (plus - minus) / (2 * eps);
                double err = Math.Abs(analytic[i] - numerical);
                if (double.IsNaN(analytic[i]) != double.IsNaN(numerical)) err = double.PositiveInfinity;
                else if (double.IsNaN(analytic[i])) err = 0;
                double rel = err / Math.Max(Math.Abs(numerical), 1e-12);
                bool ok = err <= atol + rtol * Math.Abs(numerical);
                if (err > maxAbs) maxAbs = err;
                if (!ok && passed)
                {
                    passed = false;
                    message = $"input {k} element {i}: analytic {analytic[i]:G6} vs numerical {numerical:G6} (|diff| {err:G3})";
                }
                if (!ok) maxRel = Math.Max(maxRel, rel);
            }
        }
        return new GradCheckResult(passed, maxAbs, maxRel, message);
    }
}
