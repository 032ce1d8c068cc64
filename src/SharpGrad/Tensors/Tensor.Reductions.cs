using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>Reductions along dims (sum, mean, max, min, var, argmax) with keepdim, and the broadcast-undoing SumTo.</summary>
public partial class Tensor
{
    /// <summary>Sum of all elements (a scalar tensor).</summary>
    public Tensor Sum() => Sum(AllDims(), keepDim: false);

    /// <summary>Sum along <paramref name="dim"/>.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum([dim], keepDim);

    /// <summary>Sum along several dims.</summary>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        Tensor x = this;
        bool[] reduced = ReducedDims(dims, "Sum");
        Tensor result = ReduceRaw(ReduceKind.Sum, reduced, keepDim, "Sum");
        return result.Record("SumBackward", [x], g => [g.ReshapeKeepDim(x._shape, reduced).Expand(x._shape)]);
    }

    /// <summary>Mean of all elements.</summary>
    public Tensor Mean() => Mean(AllDims(), keepDim: false);

    /// <summary>Mean along <paramref name="dim"/>.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean([dim], keepDim);

    /// <summary>Mean along several dims.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        bool[] reduced = ReducedDims(dims, "Mean");
        int count = 1;
        for (int i = 0; i < Rank; i++) if (reduced[i]) count *= _shape[i];
        return Sum(dims, keepDim).MulScalar(1.0 / count);
    }

    /// <summary>Maximum of all elements. The gradient is shared equally among tied maxima (like <c>torch.amax</c>).</summary>
    public Tensor Max() => Max(AllDims(), keepDim: false);

    /// <summary>Maximum along <paramref name="dim"/> (values; see <see cref="Argmax(int, bool)"/> for indices).</summary>
    public Tensor Max(int dim, bool keepDim = false) => Max([dim], keepDim);

    /// <summary>Maximum along several dims.</summary>
    public Tensor Max(int[] dims, bool keepDim = false) => Extreme(ReduceKind.Max, dims, keepDim, "Max");

    /// <summary>Minimum of all elements.</summary>
    public Tensor Min() => Min(AllDims(), keepDim: false);

    /// <summary>Minimum along <paramref name="dim"/>.</summary>
    public Tensor Min(int dim, bool keepDim = false) => Min([dim], keepDim);

    /// <summary>Minimum along several dims.</summary>
    public Tensor Min(int[] dims, bool keepDim = false) => Extreme(ReduceKind.Min, dims, keepDim, "Min");

    private Tensor Extreme(ReduceKind kind, int[] dims, bool keepDim, string op)
    {
        Tensor x = this;
        bool[] reduced = ReducedDims(dims, op);
        foreach (int i in Enumerable.Range(0, Rank))
            if (reduced[i] && _shape[i] == 0) throw new ArgumentException($"{op}: cannot reduce over dimension {i} of size 0 (shape {SharpGrad.Shape.Format(_shape)}).");
        Tensor result = ReduceRaw(kind, reduced, keepDim, op);
        Tensor output = result.Detach();
        return result.Record(op + "Backward", [x], g =>
        {
            // route g to the extreme elements, split evenly among ties: mask / count
            Tensor mask = x.Eq(output.ReshapeKeepDim(x._shape, reduced));
            Tensor count = mask.ReduceRaw(ReduceKind.Sum, reduced, keepDim: true, op);
            return [g.ReshapeKeepDim(x._shape, reduced).Mul(mask).Div(count)];
        }, x, result);
    }

    /// <summary>Variance along dims with Bessel's correction by default (<paramref name="correction"/> = 1, like <c>torch.var</c>).</summary>
    public Tensor Var(int[] dims, int correction = 1, bool keepDim = false)
    {
        bool[] reduced = ReducedDims(dims, "Var");
        int count = 1;
        for (int i = 0; i < Rank; i++) if (reduced[i]) count *= _shape[i];
        Tensor centered = Sub(Mean(dims, keepDim: true));
        return centered.Mul(centered).Sum(dims, keepDim).MulScalar(1.0 / Math.Max(count - correction, 0));
    }

    /// <summary>Variance along <paramref name="dim"/>.</summary>
    public Tensor Var(int dim, int correction = 1, bool keepDim = false) => Var([dim], correction, keepDim);

    /// <summary>Variance of all elements.</summary>
    public Tensor Var(int correction = 1) => Var(AllDims(), correction);

    /// <summary>Index (Int64) of the first maximum along <paramref name="dim"/>.</summary>
    public Tensor Argmax(int dim, bool keepDim = false) => ArgExtreme(true, dim, keepDim);

    /// <summary>Index (Int64) of the first maximum of the flattened tensor.</summary>
    public Tensor Argmax() => Reshape(-1).ArgExtreme(true, 0, false);

    /// <summary>Index (Int64) of the first minimum along <paramref name="dim"/>.</summary>
    public Tensor Argmin(int dim, bool keepDim = false) => ArgExtreme(false, dim, keepDim);

    private Tensor ArgExtreme(bool max, int dim, bool keepDim)
    {
        string op = max ? "Argmax" : "Argmin";
        Tensor x = DType == DType.Int64 ? To(DType.Float64) : this;
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, op);
        if (Rank == 0) return Zeros([], DType.Int64);
        var src = x.ContiguousRaw();
        int outer = 1, inner = 1, n = _shape[d];
        for (int i = 0; i < d; i++) outer *= _shape[i];
        for (int i = d + 1; i < Rank; i++) inner *= _shape[i];
        var shape = ReducedShape(SingleDim(d), keepDim);
        var result = Zeros(shape, DType.Int64);
        Kernels.Launch.Run((max, src, result, outer, n, inner), static s =>
        {
            if (s.src.DType == DType.Float32) Reduce.ArgAxis(s.max, s.src.Span<float>(), s.outer, s.n, s.inner, s.result.Span<long>());
            else Reduce.ArgAxis(s.max, s.src.Span<double>(), s.outer, s.n, s.inner, s.result.Span<long>());
        });
        return result;
    }

    /// <summary>Sums this tensor down to <paramref name="shape"/>, undoing a broadcast (the backward of every broadcasting op).</summary>
    public Tensor SumTo(ReadOnlySpan<int> shape)
    {
        if (SharpGrad.Shape.Equal(_shape, shape)) return this;
        int lead = Rank - shape.Length;
        if (lead < 0) throw new ShapeMismatchException("SumTo", _shape, shape, "the target has more dimensions than the tensor");
        var dims = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (i < lead) dims.Add(i);
            else if (shape[i - lead] == 1 && _shape[i] != 1) dims.Add(i);
            else if (shape[i - lead] != _shape[i])
                throw new ShapeMismatchException("SumTo", _shape, shape, $"dimension {i} cannot be summed to {shape[i - lead]}");
        }
        Tensor summed = dims.Count > 0 ? Sum([.. dims], keepDim: true) : this;
        return summed.Reshape(shape.ToArray());
    }

    private int[] AllDims() => Enumerable.Range(0, Rank).ToArray();

    private bool[] SingleDim(int d)
    {
        var r = new bool[Rank];
        r[d] = true;
        return r;
    }

    private bool[] ReducedDims(int[] dims, string op)
    {
        var reduced = new bool[Rank];
        foreach (int dim in dims)
        {
            int d = SharpGrad.Shape.NormalizeDim(dim, Rank, op);
            if (Rank > 0 && reduced[d]) throw new ArgumentException($"{op}: dim {d} appears more than once in {SharpGrad.Shape.Format(dims)}.");
            if (Rank > 0) reduced[d] = true;
        }
        return reduced;
    }

    private int[] ReducedShape(bool[] reduced, bool keepDim)
    {
        var shape = new List<int>();
        for (int i = 0; i < Rank; i++)
        {
            if (!reduced[i]) shape.Add(_shape[i]);
            else if (keepDim) shape.Add(1);
        }
        return [.. shape];
    }

    /// <summary>Reshapes a reduced tensor (with or without keepdim) to the keepdim shape of the original.</summary>
    private Tensor ReshapeKeepDim(int[] originalShape, bool[] reduced)
    {
        var keep = new int[originalShape.Length];
        for (int i = 0; i < keep.Length; i++) keep[i] = reduced[i] ? 1 : originalShape[i];
        return Rank == keep.Length && SharpGrad.Shape.Equal(_shape, keep) ? this : Reshape(keep);
    }

    /// <summary>One dim of <see cref="ReduceRaw"/>: <paramref name="source"/> (outer, n, inner) into <paramref name="destination"/> (outer, inner).</summary>
    private static void ReduceAxisNow(ReduceKind kind, Tensor source, Tensor destination, int outer, int n, int inner)
    {
        if (source.DType == DType.Float32 && kind == ReduceKind.Sum && outer == 1 && inner >= Kernels.ParallelColumnSum.MinInner && (long)n * inner >= Kernels.ParallelElementwise.AddMinLength)
            Kernels.ParallelColumnSum.Run((float[])source.Storage.Data, source.Offset, n, inner, (float[])destination.Storage.Data, destination.Offset);
        else if (source.DType == DType.Float32) Reduce.Axis(kind, source.Span<float>(), outer, n, inner, destination.Span<float>());
        else Reduce.Axis(kind, source.Span<double>(), outer, n, inner, destination.Span<double>());
    }

    /// <summary>Reduction kernel over the marked dims, one dim at a time (last first), no autograd.</summary>
    private Tensor ReduceRaw(ReduceKind kind, bool[] reduced, bool keepDim, string op)
    {
        RequireFloating(op);
        Tensor current = ContiguousRaw();
        var shape = (int[])_shape.Clone();
        for (int d = Rank - 1; d >= 0; d--)
        {
            if (!reduced[d]) continue;
            int outer = 1, inner = 1, n = shape[d];
            for (int i = 0; i < d; i++) outer *= shape[i];
            for (int i = d + 1; i < shape.Length; i++) inner *= shape[i];
            shape[d] = 1;
            var next = new Tensor(Storage.Allocate(DType, outer * inner), (int[])shape.Clone());
            Kernels.Launch.Run((kind, current, next, outer, n, inner), static s => ReduceAxisNow(s.kind, s.current, s.next, s.outer, s.n, s.inner));
            current = next;
        }
        if (ReferenceEquals(current, this)) current = Clone().Detach(); // nothing reduced: still return a new tensor
        int[] final = ReducedShape(reduced, keepDim);
        return SharpGrad.Shape.Equal(current._shape, final) ? current : new Tensor(current.Storage, final);
    }
}
