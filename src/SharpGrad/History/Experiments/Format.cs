using System.Globalization;

namespace SharpGrad.History.Experiments;

// Invariant number formatting for the summaries.
internal static class Format
{
    public static string F(double v, int digits = 3) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    public static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    public static string Vec(double[] w, int digits = 3) => "(" + string.Join(", ", w.Select(v => F(v, digits))) + ")";

    public static string Linear(double[] w) => $"{F(w[0])} + {F(w[1])}·x₁ + {F(w[2])}·x₂";

    public static Decision2D LinearDecision(string title, LinearDataset data, double[] w) =>
        new(title, data.Points2D(), (x, y) => w[0] + w[1] * x + w[2] * y, 0, (double[])w.Clone());
}
