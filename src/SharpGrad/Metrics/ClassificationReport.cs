using System.Globalization;
using System.Numerics;
using System.Text;

namespace SharpGrad.Metrics;

/// <summary>One line of a <see cref="ClassificationReport"/>.</summary>
/// <param name="Name">Class name, or "accuracy" / "micro avg" / "macro avg" / "weighted avg".</param>
/// <param name="Precision">Precision (0 where ill-defined).</param>
/// <param name="Recall">Recall (0 where ill-defined).</param>
/// <param name="F1Score">F1 score (0 where ill-defined).</param>
/// <param name="Support">Number of true instances.</param>
public readonly record struct ClassificationReportRow(string Name, double Precision, double Recall, double F1Score, int Support);

/// <summary>
/// Per-class precision / recall / F1 / support with the accuracy (or micro average), macro and weighted averages — the
/// result of <see cref="Metrics.ClassificationReport"/>. <see cref="ToString"/> renders it exactly like
/// <c>sklearn.metrics.classification_report</c> (including Python's round-half-even formatting).
/// </summary>
public sealed class ClassificationReport
{
    internal ClassificationReport(IReadOnlyList<ClassificationReportRow> classes, ClassificationReportRow micro, ClassificationReportRow macro,
        ClassificationReportRow weighted, int digits, IReadOnlyList<string> warnings)
    {
        Classes = classes;
        Micro = micro;
        MacroAverage = macro;
        WeightedAverage = weighted;
        Digits = digits;
        Warnings = warnings;
    }

    /// <summary>One row per class, in label order.</summary>
    public IReadOnlyList<ClassificationReportRow> Classes { get; }

    /// <summary>The pooled row: named "accuracy" (its F1 is the accuracy) when all present labels are reported, else "micro avg".</summary>
    public ClassificationReportRow Micro { get; }

    /// <summary>Overall accuracy when the report covers every present label (the micro-averaged F1).</summary>
    public double Accuracy => Micro.F1Score;

    /// <summary>Unweighted mean over classes.</summary>
    public ClassificationReportRow MacroAverage { get; }

    /// <summary>Support-weighted mean over classes.</summary>
    public ClassificationReportRow WeightedAverage { get; }

    /// <summary>Decimals shown by <see cref="ToString"/>.</summary>
    public int Digits { get; }

    /// <summary>Scores that were ill-defined and set to 0 (e.g. a class never predicted); empty when none.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The report as scikit-learn prints it.</summary>
    public override string ToString()
    {
        const string lastHeading = "weighted avg";
        int width = Math.Max(Classes.Select(c => c.Name.Length).DefaultIfEmpty(0).Max(), Math.Max(lastHeading.Length, Digits));
        var sb = new StringBuilder();
        sb.Append(' ', width).Append(' ');
        foreach (string h in new[] { "precision", "recall", "f1-score", "support" }) sb.Append(' ').Append(h.PadLeft(9));
        sb.Append("\n\n");
        foreach (var row in Classes) Row(sb, row, width, includePR: true);
        sb.Append('\n');
        Row(sb, Micro, width, includePR: Micro.Name != "accuracy");
        Row(sb, MacroAverage, width, includePR: true);
        Row(sb, WeightedAverage, width, includePR: true);
        return sb.ToString();
    }

    private void Row(StringBuilder sb, ClassificationReportRow row, int width, bool includePR)
    {
        sb.Append(row.Name.PadLeft(width)).Append(' ');
        sb.Append(' ').Append((includePR ? Fixed(row.Precision, Digits) : "").PadLeft(9));
        sb.Append(' ').Append((includePR ? Fixed(row.Recall, Digits) : "").PadLeft(9));
        sb.Append(' ').Append(Fixed(row.F1Score, Digits).PadLeft(9));
        sb.Append(' ').Append(row.Support.ToString(CultureInfo.InvariantCulture).PadLeft(9)).Append('\n');
    }

    /// <summary>
    /// Python's <c>format(x, ".{digits}f")</c>: the exact binary value rounded half-to-even, so 0.125 → "0.12" as in
    /// scikit-learn's output (.NET's "F2" would print "0.13").
    /// </summary>
    internal static string Fixed(double x, int digits)
    {
        if (!double.IsFinite(x)) return x.ToString(CultureInfo.InvariantCulture);
        bool negative = x < 0;
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        int exp = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exp == 0) exp = 1; else mantissa |= 1L << 52;
        exp -= 1075;                                      // |x| = mantissa · 2^exp exactly
        BigInteger scaled = new BigInteger(mantissa) * BigInteger.Pow(10, digits);
        BigInteger q;
        if (exp >= 0) q = scaled << exp;
        else
        {
            q = scaled >> -exp;
            BigInteger rem = scaled - (q << -exp), half = BigInteger.One << (-exp - 1);
            int cmp = rem.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        }
        string s = q.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        string result = digits == 0 ? s : s[..^digits] + "." + s[^digits..];
        return negative ? "-" + result : result;
    }
}
