using System.Globalization;

namespace SharpGrad.NN;

/// <summary>Formats values the way Python prints them, so module printouts read like PyTorch's (1e-05, 0.1, True, (5,)).</summary>
internal static class PyRepr
{
    /// <summary>Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 or from 1e16 on.</summary>
    public static string Float(double v)
    {
        if (double.IsNaN(v)) return "nan";
        if (double.IsInfinity(v)) return v > 0 ? "inf" : "-inf";
        double a = Math.Abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e16))
        {
            string r = v.ToString("R", CultureInfo.InvariantCulture); // e.g. 1E-05
            int e = r.IndexOf('E');
            if (e < 0) return r;
            string mantissa = r[..e];
            int exp = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
            return $"{mantissa}e{(exp < 0 ? "-" : "+")}{Math.Abs(exp):00}";
        }
        string f = v.ToString("R", CultureInfo.InvariantCulture);
        if (f.Contains('E'))
        {
            // .NET switches to exponent form earlier than Python (e.g. 1E+15); write it out.
            f = v.ToString("F1", CultureInfo.InvariantCulture);
        }
        return f.Contains('.') ? f : f + ".0";
    }

    /// <summary>Python's True/False.</summary>
    public static string Bool(bool b) => b ? "True" : "False";

    /// <summary>A Python tuple of ints: (5,) or (2, 3).</summary>
    public static string Tuple(IReadOnlyList<int> values) =>
        values.Count == 1 ? $"({values[0]},)" : "(" + string.Join(", ", values) + ")";
}
