namespace SharpGrad;

/// <summary>View ops: they share storage with their input and record how to route the gradient back.</summary>
public partial class Tensor
{
    private Tensor ViewOf(int[] shape, int[] strides, int offset) => new(Storage, shape, strides, offset);

    /// <summary>
    /// The same elements with a new shape; one dimension may be -1 (inferred). Needs a contiguous tensor
    /// (use <see cref="Reshape"/> when it may not be).
    /// </summary>
    /// <exception cref="ShapeMismatchException">When the element counts differ.</exception>
    /// <exception cref="InvalidOperationException">When the tensor is not contiguous.</exception>
    public Tensor View(params int[] shape)
    {
        int[] resolved = InferShape(shape, "View");
        if (!IsContiguous)
            throw new InvalidOperationException($"View: a tensor of shape {SharpGrad.Shape.Format(_shape)} with strides {SharpGrad.Shape.Format(_strides)} is not contiguous, " +
                "so its size and stride are not compatible with a view; use Reshape(...) instead (it copies when needed).");
        var original = _shape;
        return ViewOf(resolved, SharpGrad.Shape.ContiguousStrides(resolved), Offset).Record("ViewBackward", [this], g => [g.Reshape(original)]);
    }

    /// <summary>The same elements with a new shape (-1 infers one dim); a view when possible, otherwise a copy.</summary>
    public Tensor Reshape(params int[] shape) => Contiguous().View(shape);

    /// <summary>Flattens dims <paramref name="startDim"/>..<paramref name="endDim"/> into one (like <c>torch.flatten</c>).</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = SharpGrad.Shape.NormalizeDim(startDim, Rank, "Flatten"), e = SharpGrad.Shape.NormalizeDim(endDim, Rank, "Flatten");
        if (s > e) throw new ArgumentException($"Flatten: startDim ({startDim}) must not come after endDim ({endDim}).");
        var shape = new List<int>();
        for (int i = 0; i < s; i++) shape.Add(_shape[i]);
        int merged = 1;
        for (int i = s; i <= e; i++) merged *= _shape[i];
        shape.Add(merged);
        for (int i = e + 1; i < Rank; i++) shape.Add(_shape[i]);
        return Reshape([.. shape]);
    }

    private int[] InferShape(int[] shape, string op)
    {
        var resolved = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (infer >= 0) throw new ShapeMismatchException($"{op}: only one dimension can be inferred (-1), got shape {SharpGrad.Shape.Format(shape)}.");
                infer = i;
            }
            else if (resolved[i] < 0) throw new ShapeMismatchException($"{op}: invalid dimension {resolved[i]} in shape {SharpGrad.Shape.Format(shape)}.");
            else known *= resolved[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ShapeMismatchException($"{op}: shape {SharpGrad.Shape.Format(shape)} is invalid for input of shape {SharpGrad.Shape.Format(_shape)} ({Numel} elements).");
            resolved[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
            throw new ShapeMismatchException($"{op}: shape {SharpGrad.Shape.Format(shape)} ({known} elements) is invalid for input of shape {SharpGrad.Shape.Format(_shape)} ({Numel} elements).");
        return resolved;
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = SharpGrad.Shape.NormalizeDim(dim0, Rank, "Transpose"), b = SharpGrad.Shape.NormalizeDim(dim1, Rank, "Transpose");
        if (Rank == 0) return this;
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        (shape[a], shape[b]) = (shape[b], shape[a]);
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return ViewOf(shape, strides, Offset).Record("TransposeBackward", [this], g => [g.Transpose(a, b)]);
    }

    /// <summary>The transpose of a matrix (rank ≤ 2), like <c>tensor.T</c>.</summary>
    public Tensor T => Rank switch
    {
        < 2 => this,
        2 => Transpose(0, 1),
        _ => throw new InvalidOperationException($"T: expects a tensor of rank <= 2, got shape {SharpGrad.Shape.Format(_shape)}; use Transpose(dim0, dim1) or Permute(...)."),
    };

    /// <summary>Reorders dimensions: result dim i is input dim <c>dims[i]</c> (a view).</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Rank)
            throw new ShapeMismatchException($"Permute: got {dims.Length} dims {SharpGrad.Shape.Format(dims)} for a tensor of rank {Rank} (shape {SharpGrad.Shape.Format(_shape)}).");
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = SharpGrad.Shape.NormalizeDim(dims[i], Rank, "Permute");
            if (seen[d]) throw new ArgumentException($"Permute: dim {d} repeats in {SharpGrad.Shape.Format(dims)}.");
            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
            inverse[d] = i;
        }
        return ViewOf(shape, strides, Offset).Record("PermuteBackward", [this], g => [g.Permute(inverse)]);
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (a view).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank + 1, "Unsqueeze");
        var shape = new List<int>(_shape);
        var strides = new List<int>(_strides);
        shape.Insert(d, 1);
        strides.Insert(d, d < Rank ? _strides[d] * _shape[d] : 1);
        return ViewOf([.. shape], [.. strides], Offset).Record("UnsqueezeBackward", [this], g => [g.Squeeze(d)]);
    }

    /// <summary>Removes dimension <paramref name="dim"/> if its size is 1 (a view); with no dim, removes every size-1 dimension.</summary>
    public Tensor Squeeze(int? dim = null)
    {
        var original = _shape;
        var shape = new List<int>();
        var strides = new List<int>();
        int only = dim is int dd ? SharpGrad.Shape.NormalizeDim(dd, Rank, "Squeeze") : -1;
        for (int i = 0; i < Rank; i++)
        {
            bool drop = _shape[i] == 1 && (only < 0 || only == i);
            if (drop) continue;
            shape.Add(_shape[i]);
            strides.Add(_strides[i]);
        }
        if (shape.Count == Rank) return this;
        return ViewOf([.. shape], [.. strides], Offset).Record("SqueezeBackward", [this], g => [g.Reshape(original)]);
    }

    /// <summary>Elements <paramref name="start"/> .. start+length−1 along <paramref name="dim"/> (a view).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the range does not fit in the dimension.</exception>
    public Tensor Narrow(int dim, int start, int length)
    {
        RequireRank(1, "Narrow");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Narrow");
        if (start < 0) start += _shape[d];
        if (start < 0 || length < 0 || start + length > _shape[d])
            throw new ArgumentOutOfRangeException(nameof(start), $"Narrow: range [{start}, {start + length}) does not fit in dimension {d} of size {_shape[d]} (shape {SharpGrad.Shape.Format(_shape)}).");
        var shape = (int[])_shape.Clone();
        shape[d] = length;
        var original = _shape;
        return ViewOf(shape, (int[])_strides.Clone(), Offset + start * _strides[d])
            .Record("NarrowBackward", [this], g => [g.PadInto(original, d, start, 1)]);
    }

    /// <summary>Python-style slice <c>[start:end:step]</c> along <paramref name="dim"/> (a view); negative start/end count from the end and are clamped.</summary>
    public Tensor Slice(int dim, int? start = null, int? end = null, int step = 1)
    {
        RequireRank(1, "Slice");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Slice");
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Slice: step must be positive.");
        int n = _shape[d];
        int s = Math.Clamp(start is int a ? (a < 0 ? a + n : a) : 0, 0, n);
        int e = Math.Clamp(end is int b ? (b < 0 ? b + n : b) : n, s, n);
        int length = (e - s + step - 1) / step;
        var shape = (int[])_shape.Clone();
        var strides = (int[])_strides.Clone();
        shape[d] = length;
        strides[d] *= step;
        var original = _shape;
        return ViewOf(shape, strides, Offset + s * _strides[d]).Record("SliceBackward", [this], g => [g.PadInto(original, d, s, step)]);
    }

    /// <summary>Broadcasts size-1 dims to larger sizes without copying (stride 0); -1 keeps a size. Leading dims may be added.</summary>
    /// <exception cref="ShapeMismatchException">When a non-1 dimension would have to change.</exception>
    public Tensor Expand(params int[] shape)
    {
        if (shape.Length < Rank)
            throw new ShapeMismatchException("Expand", _shape, shape, "the target shape has fewer dimensions than the tensor");
        var newShape = new int[shape.Length];
        var strides = new int[shape.Length];
        int lead = shape.Length - Rank;
        for (int i = 0; i < shape.Length; i++)
        {
            int want = shape[i];
            if (want < -1) throw new ShapeMismatchException("Expand", _shape, shape, $"size {want} at dimension {i} is invalid (sizes must be ≥ 0, or -1 to keep one)");
            if (i < lead)
            {
                if (want < 0) throw new ShapeMismatchException("Expand", _shape, shape, "-1 is not allowed for a new leading dimension");
                newShape[i] = want;
                strides[i] = 0;
                continue;
            }
            int have = _shape[i - lead];
            if (want == -1 || want == have)
            {
                newShape[i] = have;
                strides[i] = _strides[i - lead];
            }
            else if (have == 1)
            {
                newShape[i] = want;
                strides[i] = 0;
            }
            else throw new ShapeMismatchException("Expand", _shape, shape, $"dimension {i} has size {have}, which is not 1, so it cannot expand to {want}");
        }
        if (Shape.SequenceEqual(newShape)) return this;
        var original = _shape;
        return ViewOf(newShape, strides, Offset).Record("ExpandBackward", [this], g => [g.SumTo(original)]);
    }

    /// <summary>Expands to the shape of <paramref name="other"/>.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other._shape);
}
