using System.Globalization;
using System.Text;

namespace SharpGrad.History;

/// <summary>Settings for <see cref="BackpropTracer"/>. Null tolerances and step pick defaults for the computation's precision.</summary>
public sealed record TraceOptions
{
    /// <summary>
    /// Finite-difference step ε (scaled by max(1, |x|)). The estimate is Richardson-extrapolated central differences,
    /// D = D(ε) + (D(ε) − D(2ε))/3 with D(h) = (L(x + h) − L(x − h))/2h, error O(ε⁴). Default 1e-2 in float32, 1e-4 in float64.
    /// </summary>
    public double? Epsilon { get; init; }

    /// <summary>An element passes when |analytic − numerical| ≤ atol + rtol·|numerical|. Default atol 1e-4 (float32) or 1e-8 (float64).</summary>
    public double? AbsoluteTolerance { get; init; }

    /// <summary>Relative part of the pass criterion. Default 1e-3 (float32) or 1e-6 (float64).</summary>
    public double? RelativeTolerance { get; init; }

    /// <summary>At most this many elements of each tensor are checked numerically (each costs four forward passes). Default 256.</summary>
    public int MaxCheckedElements { get; init; } = 256;

    /// <summary>Tensors with more elements than this print only their first values. Default 8.</summary>
    public int MaxPrintedElements { get; init; } = 8;

    /// <summary>Whether to verify gradients with finite differences at all. Default true.</summary>
    public bool CheckWithFiniteDifferences { get; init; } = true;
}

/// <summary>A finite-difference verdict on one printed gradient.</summary>
/// <param name="Numerical">The central-difference estimate of the same quantity (first <paramref name="CheckedElements"/> elements).</param>
/// <param name="MaxAbsError">max |analytic − numerical| over the checked elements.</param>
/// <param name="Passed">True when every checked element is within tolerance.</param>
/// <param name="CheckedElements">How many elements were checked (all of them unless the tensor is larger than <see cref="TraceOptions.MaxCheckedElements"/>).</param>
/// <param name="Against">What the analytic value was compared with, e.g. "dL/d#2" or "Σ of the 2 contributions vs dL/dx".</param>
public sealed record TraceCheck(double[] Numerical, double MaxAbsError, bool Passed, int CheckedElements, string Against)
{
    /// <summary>"✓ 3.1e-07" or "✗ 0.25": the mark and the max abs error.</summary>
    public string Mark => (Passed ? "✓" : "✗") + " err " + MaxAbsError.ToString("0.0e+0", CultureInfo.InvariantCulture);
}

/// <summary>One op recorded during the forward pass, in creation order.</summary>
/// <param name="Index">Creation index; the output is referred to as <c>#Index</c>.</param>
/// <param name="NodeName">The autograd node's name, e.g. "SigmoidBackward".</param>
/// <param name="Op">The forward op's name (the node name without "Backward"), e.g. "Sigmoid".</param>
/// <param name="Inputs">Labels of the inputs: <c>#k</c> for the output of node k, the given name of a leaf or constant, or an automatic <c>leafN</c>/<c>constN</c>.</param>
/// <param name="InputShapes">The inputs' shapes.</param>
/// <param name="OutputShape">The output's shape.</param>
/// <param name="OutputValues">The output's values in row-major order.</param>
/// <param name="OnLossPath">False for ops whose output does not reach the loss (they get no backward step).</param>
public sealed record TraceForwardNode(int Index, string NodeName, string Op, IReadOnlyList<string> Inputs, IReadOnlyList<int[]> InputShapes,
    int[] OutputShape, double[] OutputValues, bool OnLossPath)
{
    /// <summary>"#Index".</summary>
    public string Label => "#" + Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A gradient printed by the trace: dL/d(<paramref name="Target"/>) as seen by one backward step.</summary>
/// <param name="Target">Label of the tensor the gradient belongs to (<c>#k</c> or a leaf/constant name).</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Values">The gradient's values, or null when the tensor needs no gradient (a constant such as the input or target).</param>
/// <param name="Check">The finite-difference verdict, or null when unchecked.</param>
/// <param name="Contributions">How many backward edges send a gradient to <paramref name="Target"/>: above 1 this value is one
/// contribution, and the check compares the sum of all of them with the numerical dL/d(target).</param>
public sealed record TraceGradient(string Target, int[] Shape, double[]? Values, TraceCheck? Check, int Contributions);

/// <summary>One backward step: a node's rule applied to its incoming gradient.</summary>
/// <param name="Order">1-based position in execution order (the loss node is step 1).</param>
/// <param name="NodeIndex">The forward node this step differentiates (<see cref="TraceForwardNode.Index"/>).</param>
/// <param name="NodeName">The node's name, e.g. "LinearBackward".</param>
/// <param name="Rule">The local derivative rule (<see cref="TraceRules.For"/>).</param>
/// <param name="Incoming">dL/d(output), accumulated over every consumer of the output.</param>
/// <param name="Outgoing">dL/d(input) along this node's edge to each input, in input order.</param>
public sealed record TraceBackwardStep(int Order, int NodeIndex, string NodeName, string Rule, TraceGradient Incoming, IReadOnlyList<TraceGradient> Outgoing);

/// <summary>The final gradient of one leaf (what <see cref="Tensor.Backward"/> leaves in <see cref="Tensor.Grad"/>).</summary>
/// <param name="Name">The leaf's label.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Gradient">Autograd's accumulated gradient.</param>
/// <param name="Check">Finite differences on the leaf itself, or null when unchecked.</param>
public sealed record TraceLeaf(string Name, int[] Shape, double[] Gradient, TraceCheck? Check);

/// <summary>
/// What <see cref="BackpropTracer.Trace(Func{Tensor}, IEnumerable{ValueTuple{string, Tensor}}?, TraceOptions?)"/> saw: the forward
/// nodes, the backward steps in execution order (reverse topological, loss first), the leaf gradients, and a finite-difference
/// verdict on every printed gradient. <see cref="ToString"/> renders it as text.
/// </summary>
/// <param name="Loss">The loss value.</param>
/// <param name="DType">Precision the checks assumed (Float32 unless every tensor on the path is Float64).</param>
/// <param name="Forward">Forward nodes in creation order.</param>
/// <param name="Backward">Backward steps in execution order.</param>
/// <param name="Leaves">Leaf gradients, in order of first use.</param>
/// <param name="Options">The options used (with defaults resolved in <paramref name="Epsilon"/> and the tolerances).</param>
/// <param name="Epsilon">Finite-difference step used.</param>
/// <param name="AbsoluteTolerance">Absolute tolerance used.</param>
/// <param name="RelativeTolerance">Relative tolerance used.</param>
public sealed record BackwardTrace(double Loss, DType DType, IReadOnlyList<TraceForwardNode> Forward, IReadOnlyList<TraceBackwardStep> Backward,
    IReadOnlyList<TraceLeaf> Leaves, TraceOptions Options, double Epsilon, double AbsoluteTolerance, double RelativeTolerance)
{
    /// <summary>Every finite-difference verdict in the trace: incoming and outgoing gradients of each step, then the leaves.</summary>
    public IEnumerable<TraceCheck> Checks =>
        Backward.SelectMany(s => s.Outgoing.Prepend(s.Incoming)).Select(g => g.Check)
            .Concat(Leaves.Select(l => l.Check)).OfType<TraceCheck>();

    /// <summary>True when every check passed (vacuously true when checks were turned off).</summary>
    public bool AllChecksPassed => Checks.All(c => c.Passed);

    /// <summary>The leaf gradient named <paramref name="name"/>.</summary>
    public TraceLeaf Leaf(string name) => Leaves.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"The trace has no leaf named \"{name}\"; it has {string.Join(", ", Leaves.Select(l => l.Name))}.");

    /// <summary>The trace as text: forward nodes, backward steps with rules and ✓/✗ checks, leaf gradients, a summary line.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        int max = Options.MaxPrintedElements;
        sb.AppendLine($"Forward pass: {Forward.Count} recorded ops, in creation order");
        int opWidth = Forward.Count == 0 ? 0 : Forward.Max(n => n.Op.Length);
        foreach (var n in Forward)
        {
            string args = string.Join(", ", n.Inputs.Select((label, i) => $"{label} {TraceFormat.Shape(n.InputShapes[i])}"));
            sb.Append($"  {n.Label,-4} {n.Op.PadRight(opWidth)}  ({args}) → {TraceFormat.Shape(n.OutputShape)} = {TraceFormat.Values(n.OutputValues, n.OutputShape, max)}");
            sb.AppendLine(n.OnLossPath ? "" : "   (does not reach the loss)");
        }
        sb.AppendLine($"  loss L = {TraceFormat.Number(Loss)}");
        sb.AppendLine();
        sb.AppendLine($"Backward pass: {Backward.Count} steps in execution order (reverse topological: the loss node first)");
        sb.AppendLine($"  g = dL/d(output) flowing in; each printed gradient is checked against central finite differences (✓/✗ with max |error|)");
        foreach (var s in Backward)
        {
            var node = Forward[s.NodeIndex];
            sb.AppendLine($"  step {s.Order}: {s.NodeName} of {node.Label} {TraceFormat.Shape(node.OutputShape)}");
            sb.AppendLine($"      rule  {s.Rule}");
            AppendGradient(sb, "in ", s.Incoming, max);
            foreach (var o in s.Outgoing) AppendGradient(sb, "out", o, max);
        }
        sb.AppendLine();
        sb.AppendLine("Leaf gradients (accumulated by autograd) vs finite differences on the leaf");
        int nameWidth = Leaves.Count == 0 ? 0 : Leaves.Max(l => l.Name.Length);
        foreach (var l in Leaves)
            sb.AppendLine($"  dL/d{l.Name.PadRight(nameWidth)} {TraceFormat.Shape(l.Shape),-7} = {TraceFormat.Values(l.Gradient, l.Shape, max)}" +
                (l.Check is { } c ? $"   {c.Mark}" : ""));
        int total = Checks.Count(), failed = Checks.Count(c => !c.Passed);
        sb.Append(total == 0
            ? "No finite-difference checks were run."
            : failed == 0
                ? $"All {total} gradient checks passed (ε = {TraceFormat.Number(Epsilon)}, tolerance {TraceFormat.Number(AbsoluteTolerance)} + {TraceFormat.Number(RelativeTolerance)}·|numerical|)."
                : $"{failed} of {total} gradient checks FAILED (ε = {TraceFormat.Number(Epsilon)}, tolerance {TraceFormat.Number(AbsoluteTolerance)} + {TraceFormat.Number(RelativeTolerance)}·|numerical|).");
        return sb.ToString();
    }

    private static void AppendGradient(StringBuilder sb, string direction, TraceGradient g, int max)
    {
        string head = $"      {direction}  dL/d{g.Target}";
        if (g.Values is null)
        {
            sb.AppendLine($"{head,-24} (constant: no gradient needed)");
            return;
        }
        string text = $"{head,-24} = {TraceFormat.Values(g.Values, g.Shape, max)}";
        if (g.Check is { } c)
            text += $"   {c.Mark}" + (g.Contributions > 1 ? $" (one of {g.Contributions} contributions; checked: {c.Against})" : "");
        else if (g.Contributions > 1)
            text += $"   (1 of {g.Contributions} contributions)";
        sb.AppendLine(text);
    }
}

/// <summary>Number and tensor formatting shared by the trace and the textbook view.</summary>
internal static class TraceFormat
{
    public static string Number(double v)
    {
        if (double.IsNaN(v) || double.IsInfinity(v)) return v.ToString(CultureInfo.InvariantCulture);
        double a = Math.Abs(v);
        return a == 0 || (a >= 1e-3 && a < 1e6)
            ? v.ToString("0.######", CultureInfo.InvariantCulture)
            : v.ToString("0.###e+0", CultureInfo.InvariantCulture);
    }

    public static string Shape(int[] shape) => "[" + string.Join(",", shape) + "]";

    /// <summary>Nested brackets by shape for small tensors; the first <paramref name="max"/> values and "…" for larger ones.</summary>
    public static string Values(double[] values, int[] shape, int max)
    {
        if (values.Length > max)
            return "[" + string.Join(", ", values.Take(max).Select(Number)) + ", … (" + values.Length.ToString(CultureInfo.InvariantCulture) + " values)]";
        if (shape.Length == 0) return values.Length == 1 ? Number(values[0]) : "[]";
        var sb = new StringBuilder();
        int pos = 0;
        Nest(sb, values, shape, 0, ref pos);
        return sb.ToString();
    }

    private static void Nest(StringBuilder sb, double[] values, int[] shape, int dim, ref int pos)
    {
        sb.Append('[');
        for (int i = 0; i < shape[dim]; i++)
        {
            if (i > 0) sb.Append(", ");
            if (dim == shape.Length - 1) sb.Append(Number(values[pos++]));
            else Nest(sb, values, shape, dim + 1, ref pos);
        }
        sb.Append(']');
    }
}
