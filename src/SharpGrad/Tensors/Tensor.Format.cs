using System.Globalization;
using System.Text;

namespace SharpGrad;

/// <summary>A readable <see cref="ToString"/> in PyTorch's layout.</summary>
public sealed partial class Tensor
{
    private const int SummarizeThreshold = 1000;
    private const int EdgeItems = 3;

    /// <summary>
    /// Prints like PyTorch: <c>tensor([[ 1.0000, -2.5000], [ 0.1250,  3.0000]], requires_grad=True)</c> with rows on
    /// separate lines, a shared number format (integers as <c>1.</c>, fixed 4 decimals, or scientific when the range is wide),
    /// "..." for large tensors, and the dtype when it is not Float32.
    /// </summary>
    public override string ToString()
    {
        bool summarize = Numel > SummarizeThreshold;
        var values = new List<double>();
        CollectShown(this, summarize, values);
        Func<double, string> fmt = ChooseFormat(values);
        // Like PyTorch, the column width comes from the non-zero finite values only.
        int width = values.Where(v => double.IsFinite(v) && (v != 0 || DType == DType.Int64)).Select(v => fmt(v).Length).DefaultIfEmpty(1).Max();
        var sb = new StringBuilder("tensor(");
        if (Numel == 0 && Rank > 0) sb.Append("[]");
        else AppendLevel(sb, this, fmt, width, indent: 7, summarize);
        if (DType != DType.Float32) sb.Append(", dtype=").Append(DType);
        if (GradFn is not null) sb.Append(", grad_fn=<").Append(GradFn.Name).Append('>');
        else if (RequiresGrad) sb.Append(", requires_grad=True");
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
        bool wideRange = maxAbs > 1e8 || (minAbs > 0 && maxAbs / minAbs > 1000);
        if (finite.All(v => v == Math.Floor(v)) && !wideRange)
            return v => double.IsFinite(v) ? v.ToString("0", inv) + "." : Special(v);
        bool scientific = wideRange || (minAbs > 0 && minAbs < 1e-4);
        if (scientific) return v => double.IsFinite(v) ? v.ToString("0.0000e+00", inv) : Special(v);
        return v => double.IsFinite(v) ? v.ToString("0.0000", inv) : Special(v);
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
        bool first = true;
        int previous = -1;
        foreach (int i in ShownIndices(size, summarize))
        {
            if (!first)
            {
                sb.Append(',');
                if (t.Rank == 1) sb.Append(' ');
                else sb.Append('\n', t.Rank - 1).Append(' ', indent + 1);
            }
            if (previous >= 0 && i != previous + 1)
            {
                sb.Append(t.Rank == 1 ? " ..." : "...");
                if (t.Rank == 1) sb.Append(", ");
                else sb.Append(",\n").Append(' ', indent + 1);
            }
            AppendLevel(sb, t.SelectRaw(i), fmt, width, indent + 1, summarize);
            first = false;
            previous = i;
        }
        sb.Append(']');
    }
}
