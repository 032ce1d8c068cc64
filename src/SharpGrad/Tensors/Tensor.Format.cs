using System.Globalization;
using System.Text;

namespace SharpGrad;

/// <summary>A readable <see cref="ToString"/> in PyTorch's layout.</summary>
public partial class Tensor
{
    private const int SummarizeThreshold = 1000;
    private const int EdgeItems = 3;
    private const int LineWidth = 80;

    /// <summary>
    /// Prints like PyTorch: <c>tensor([[ 1.0000, -2.5000], [ 0.1250,  3.0000]], requires_grad=True)</c> with rows on
    /// separate lines, a shared number format (integers as <c>1.</c>, fixed 4 decimals, or scientific when the range is wide),
    /// "..." for large tensors, and the dtype when it is neither Float32 nor Int64 (PyTorch's defaults for floats and integers).
    /// </summary>
    public override string ToString()
    {
        if (!IsAlive) return $"tensor(<released by its TensorScope>, shape={SharpGrad.Shape.Format(_shape)})";
        bool summarize = Numel > SummarizeThreshold;
        var values = new List<double>();
        CollectShown(this, summarize, values);
        Func<double, string> fmt = ChooseFormat(values);
        int width = values.Count == 0 ? 1 : values.Max(v => fmt(v).Length);
        var sb = new StringBuilder("tensor(");
        if (Numel == 0 && Rank > 0) sb.Append("[]");
        else AppendLevel(sb, this, fmt, width, indent: 7, summarize);
        var suffixes = new List<string>();
        if (DType is not (DType.Float32 or DType.Int64)) suffixes.Add($"dtype={DType}");
        if (GradFn is not null) suffixes.Add($"grad_fn=<{GradFn.Name}>");
        else if (RequiresGrad) suffixes.Add("requires_grad=True");
        // Like PyTorch, a suffix that would push the last line past the line width goes on its own line.
        string text = sb.ToString();
        int lastLineLength = text.Length - text.LastIndexOf('\n') + 1;
        foreach (string suffix in suffixes)
        {
            if (lastLineLength + suffix.Length + 2 > LineWidth)
            {
                sb.Append(",\n").Append(' ', 7).Append(suffix);
                lastLineLength = 7 + suffix.Length;
            }
            else
            {
                sb.Append(", ").Append(suffix);
                lastLineLength += suffix.Length + 2;
            }
        }
        return sb.Append(')').ToString();
    }

    private static IEnumerable<int> ShownIndices(int size, bool summarize) =>
        summarize && size > 2 * EdgeItems
            ? Enumerable.Range(0, EdgeItems).Concat(Enumerable.Range(size - EdgeItems, EdgeItems))
            : Enumerable.Range(0, size);

    private static void CollectShown(Tensor t, bool summarize, List<double> into)
    {
        if (t.Rank == 0)
        {
            into.Add(t.Storage.Get(t.Offset));
            return;
        }
        foreach (int i in ShownIndices(t._shape[0], summarize)) CollectShown(t.SelectRaw(i), summarize, into);
    }

    private Tensor SelectRaw(int i) => new(Storage, _shape[1..], _strides[1..], Offset + i * _strides[0]);

    private Func<double, string> ChooseFormat(List<double> values)
    {
        var inv = CultureInfo.InvariantCulture;
        if (DType == DType.Int64) return v => ((long)v).ToString(inv);
        var finite = values.Where(double.IsFinite).ToList();
        static string Special(double v) => double.IsNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
        if (finite.Count == 0) return Special;
        double maxAbs = finite.Max(Math.Abs);
        double minAbs = finite.Where(v => v != 0).Select(Math.Abs).DefaultIfEmpty(0).Min();
        // PyTorch's rules: integer-valued data prints as "1." unless its range is wide (max/min > 1000 or max > 1e8);
        // other data prints with 4 decimals unless the range is wide or a non-zero magnitude is below 1e-4.
        bool wide = maxAbs > 1e8 || (minAbs > 0 && maxAbs / minAbs > 1000);
        if (finite.All(v => v == Math.Floor(v)) && !wide)
            return v => double.IsFinite(v) ? v.ToString("0", inv) + "." : Special(v);
        bool scientific = wide || (minAbs > 0 && minAbs < 1e-4);
        if (scientific) return v => double.IsFinite(v) ? HalfEven(v, scientific: true) : Special(v);
        return v => double.IsFinite(v) ? HalfEven(v, scientific: false) : Special(v);
    }

    /// <summary>
    /// Formats with 4 decimals, rounding exact ties to even like Python's format (which PyTorch uses): 249.625 prints as
    /// 2.4962e+02, where .NET alone rounds the tie away from zero.
    /// </summary>
    private static string HalfEven(double v, bool scientific)
    {
        var inv = CultureInfo.InvariantCulture;
        double a = Math.Abs(v);
        // The exact decimal expansion (well past where a non-tie double could still look like a tie).
        string exact = a.ToString(scientific ? "E40" : "F40", inv);
        if (scientific) exact = exact[..exact.IndexOf('E')];
        int kept = exact.IndexOf('.') + 4; // index of the last digit kept
        bool tie = exact[kept + 1] == '5' && exact.AsSpan(kept + 2).IndexOfAnyExcept('0') < 0;
        if (tie && (exact[kept] - '0') % 2 == 0) a = Math.BitDecrement(a); // just below the tie: rounds down to the even digit
        // "F4"/"e4" format the exact binary value (custom formats like "0.0000" would first round to 15 digits).
        string text = (v < 0 ? -a : a).ToString(scientific ? "e4" : "F4", inv);
        if (!scientific) return text;
        int e = text.IndexOf('e');
        int exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, inv);
        return $"{text[..e]}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent):00}";
    }

    private static void AppendLevel(StringBuilder sb, Tensor t, Func<double, string> fmt, int width, int indent, bool summarize)
    {
        if (t.Rank == 0)
        {
            sb.Append(fmt(t.Storage.Get(t.Offset)).PadLeft(width));
            return;
        }
        sb.Append('[');
        int size = t._shape[0];
        if (t.Rank == 1)
        {
            // Elements (and PyTorch's " ..." marker) wrap so that a line holds ⌊(80 − indent) / (width + 2)⌋ of them.
            var items = new List<string>();
            int last = -1;
            foreach (int i in ShownIndices(size, summarize))
            {
                if (last >= 0 && i != last + 1) items.Add(" ...");
                items.Add(fmt(t.Storage.Get(t.Offset + i * t._strides[0])).PadLeft(width));
                last = i;
            }
            int perLine = Math.Max(1, (LineWidth - indent) / (width + 2));
            for (int k = 0; k < items.Count; k++)
            {
                if (k > 0) sb.Append(k % perLine == 0 ? ",\n" + new string(' ', indent + 1) : ", ");
                sb.Append(items[k]);
            }
            sb.Append(']');
            return;
        }
        bool first = true;
        int previous = -1;
        foreach (int i in ShownIndices(size, summarize))
        {
            if (!first) sb.Append(',').Append('\n', t.Rank - 1).Append(' ', indent + 1);
            if (previous >= 0 && i != previous + 1) sb.Append("...,").Append('\n', t.Rank - 1).Append(' ', indent + 1);
            AppendLevel(sb, t.SelectRaw(i), fmt, width, indent + 1, summarize);
            first = false;
            previous = i;
        }
        sb.Append(']');
    }
}
