namespace SharpGrad.Kernels;

/// <summary>Special functions .NET does not provide.</summary>
public static class SpecialFunctions
{
    private const double TwoOverSqrtPi = 1.1283791670955126;

    /// <summary>
    /// The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, accurate to about 1e-15.
    /// |x| &lt; 2.5: Maclaurin series Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)); otherwise 1 − erfc(x) with erfc from its
    /// continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated by the modified Lentz method.
    /// </summary>
    public static double Erf(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        double ax = Math.Abs(x);
        if (ax < 2.5)
        {
            double x2 = x * x, term = x, sum = x;
            for (int n = 1; n < 100; n++)
            {
                term *= -x2 / n;
                double contribution = term / (2 * n + 1);
                sum += contribution;
                if (Math.Abs(contribution) < 1e-17 * Math.Abs(sum)) break;
            }
            return TwoOverSqrtPi * sum;
        }
        if (ax > 6) return Math.Sign(x);
        double erfc = ErfcContinuedFraction(ax);
        return x > 0 ? 1 - erfc : erfc - 1;
    }

    private static double ErfcContinuedFraction(double x)
    {
        // erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + a1/(x + a2/(x + ...))) with a_k = k/2.
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int k = 1; k < 300; k++)
        {
            double a = k / 2.0;
            d = x + a * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = x + a / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return Math.Exp(-x * x) / Math.Sqrt(Math.PI) / f;
    }
}
