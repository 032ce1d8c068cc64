namespace SharpGrad.History;

/// <summary>
/// Geometry behind Novikoff's theorem (1962): if some unit vector u separates the augmented inputs with margin
/// γ = minᵢ tᵢ u·xᵢ &gt; 0 and R = maxᵢ ‖xᵢ‖, the perceptron started from w = 0 makes at most (R/γ)² updates.
/// Everything is measured on the augmented inputs (1, x₁, x₂, …), because that is the space the perceptron's weights live in.
/// </summary>
public static class Margin
{
    /// <summary>R = maxᵢ ‖xᵢ‖ over the augmented inputs.</summary>
    public static double Radius(LinearDataset data) => data.Inputs.Max(Norm);

    /// <summary>
    /// The margin minᵢ tᵢ w·xᵢ / ‖w‖ of the homogeneous hyperplane w·x = 0 on the augmented inputs (negative when w
    /// misclassifies a point, 0 for w = 0). Any separating w gives a valid γ for the bound.
    /// </summary>
    public static double Of(LinearDataset data, ReadOnlySpan<double> w)
    {
        double norm = Norm(w.ToArray());
        if (norm == 0) return 0;  // w = 0 separates nothing
        double min = double.PositiveInfinity;
        for (int i = 0; i < data.Count; i++) min = Math.Min(min, data.Targets[i] * Dot(w, data.Inputs[i]) / norm);
        return min;
    }

    /// <summary>
    /// The maximum-margin homogeneous hyperplane on the augmented inputs: the hard-margin SVM min ½‖w‖² s.t. tᵢ w·xᵢ ≥ 1,
    /// solved in the dual by coordinate ascent (αᵢ ← max(0, αᵢ + (1 − tᵢ w·xᵢ)/‖xᵢ‖²), w = Σ αᵢ tᵢ xᵢ; there is no
    /// equality constraint because the bias is an ordinary weight here). Returns the weights and their margin computed by
    /// <see cref="Of"/> — a valid lower bound on the maximum margin whatever the solver's accuracy, and equal to it at
    /// convergence. Returns margin ≤ 0 for data that are not linearly separable.
    /// </summary>
    /// <param name="data">The data set.</param>
    /// <param name="sweeps">Coordinate-ascent sweeps (stops early when the dual stops moving).</param>
    public static (double[] Weights, double Margin) MaxMargin(LinearDataset data, int sweeps = 20000)
    {
        int n = data.Count, d = data.Width;
        var alpha = new double[n];
        var w = new double[d];
        for (int s = 0; s < sweeps; s++)
        {
            double change = 0;
            for (int i = 0; i < n; i++)
            {
                double[] x = data.Inputs[i];
                double t = data.Targets[i];
                double next = Math.Max(0, alpha[i] + (1 - t * Dot(w, x)) / Dot(x, x));
                double delta = next - alpha[i];
                if (delta == 0) continue;
                alpha[i] = next;
                for (int k = 0; k < d; k++) w[k] += delta * t * x[k];
                change = Math.Max(change, Math.Abs(delta));
            }
            if (change < 1e-13) break;
            if (Norm(w) > 1e8) break;  // not separable: ‖w‖ grows without bound
        }
        return (w, Of(data, w));
    }

    /// <summary>Novikoff's bound (R/γ)² on the number of perceptron updates; +∞ when γ ≤ 0.</summary>
    public static double NovikoffBound(double radius, double margin) => margin > 0 ? radius * radius / (margin * margin) : double.PositiveInfinity;

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    internal static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
}
