namespace SharpGrad;

/// <summary>Joining, splitting and index-based selection: Concat, Stack, Split, Chunk, IndexSelect, Gather, Embedding.</summary>
public partial class Tensor
{
    /// <summary>Joins tensors along an existing dim (like <c>torch.cat</c>); all other dims must match.</summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Concat: needs at least one tensor.", nameof(tensors));
        Tensor first = tensors[0];
        first.RequireRank(1, "Concat");
        int d = SharpGrad.Shape.NormalizeDim(dim, first.Rank, "Concat");
        var shape = first.ShapeArray;
        int total = 0;
        DType dtype = first.DType;
        foreach (var t in tensors)
        {
            if (t.Rank != first.Rank)
                throw new ShapeMismatchException("Concat", first._shape, t._shape, "all tensors must have the same number of dimensions");
            for (int i = 0; i < t.Rank; i++)
                if (i != d && t._shape[i] != first._shape[i])
                    throw new ShapeMismatchException("Concat", first._shape, t._shape, $"sizes must match except in dimension {d}, but dimension {i} differs");
            if (t.DType != dtype)
                throw new DTypeMismatchException($"Concat: all tensors must have the same dtype; got {dtype} and {t.DType}.");
            total += t._shape[d];
        }
        shape[d] = total;
        var result = Zeros(shape, dtype);
        int start = 0;
        foreach (var t in tensors)
        {
            result.NarrowRaw(d, start, t._shape[d]).AssignRaw(t);
            start += t._shape[d];
        }
        var sizes = tensors.Select(t => t._shape[d]).ToArray();
        Tensor[] inputs = [.. tensors];
        return result.Record("ConcatBackward", inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            int s = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (NeedsGradIn(inputs[i])) grads[i] = g.Narrow(d, s, sizes[i]);
                s += sizes[i];
            }
            return grads;
        });
    }

    /// <summary>Stacks equally shaped tensors along a new dim (like <c>torch.stack</c>).</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int dim = 0)
    {
        if (tensors.Count == 0) throw new ArgumentException("Stack: needs at least one tensor.", nameof(tensors));
        foreach (var t in tensors)
            if (!SharpGrad.Shape.Equal(t._shape, tensors[0]._shape))
                throw new ShapeMismatchException("Stack", tensors[0]._shape, t._shape, "all tensors must have the same shape");
        int d = SharpGrad.Shape.NormalizeDim(dim, tensors[0].Rank + 1, "Stack");
        return Concat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }

    /// <summary>Splits into pieces of <paramref name="splitSize"/> along <paramref name="dim"/> (the last may be smaller); views.</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (splitSize <= 0) throw new ArgumentOutOfRangeException(nameof(splitSize), splitSize, "Split: size must be positive.");
        RequireRank(1, "Split");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Split");
        var parts = new List<Tensor>();
        for (int s = 0; s < _shape[d]; s += splitSize) parts.Add(Narrow(d, s, Math.Min(splitSize, _shape[d] - s)));
        return [.. parts];
    }

    /// <summary>Splits into pieces of the given sizes along <paramref name="dim"/>; sizes must add up to the dim's size.</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        RequireRank(1, "Split");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Split");
        if (sizes.Sum() != _shape[d] || sizes.Any(s => s < 0))
            throw new ShapeMismatchException($"Split: sizes {SharpGrad.Shape.Format(sizes)} must be non-negative and add up to {_shape[d]} (dimension {d} of shape {SharpGrad.Shape.Format(_shape)}).");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, s = 0; i < sizes.Length; s += sizes[i], i++) parts[i] = Narrow(d, s, sizes[i]);
        return parts;
    }

    /// <summary>Splits into <paramref name="chunks"/> nearly equal pieces (like <c>torch.chunk</c>: size ⌈n/chunks⌉, possibly fewer pieces).</summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (chunks <= 0) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "Chunk: number of chunks must be positive.");
        RequireRank(1, "Chunk");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Chunk");
        return Split(Math.Max(1, (_shape[d] + chunks - 1) / chunks), d);
    }

    /// <summary>Selects entries along <paramref name="dim"/> by a 1-D Int64 <paramref name="index"/> (like <c>torch.index_select</c>). Repeated indices accumulate gradient.</summary>
    public Tensor IndexSelect(int dim, Tensor index)
    {
        RequireRank(1, "IndexSelect");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "IndexSelect");
        CheckIndexType(index, "IndexSelect", requireRank1: true);
        // the indices are read (and checked) by a kernel of their own, so that a replayed step reads the new ones
        long[] idx = TensorScope.RentArray<long>(index.Numel);
        Kernels.Launch.Run((index: index.ContiguousRaw(), idx, size: _shape[d]), static s => ReadIndex(s.index, s.idx, "IndexSelect", s.size));
        var shape = ShapeArray;
        shape[d] = idx.Length;
        // Viewed as (outer, size along d, inner): out[o, i, :] = x[o, idx[i], :] and, backward, gx[o, idx[i], :] += g[o, i, :].
        int outer = 1, inner = 1;
        for (int k = 0; k < d; k++) outer *= _shape[k];
        for (int k = d + 1; k < Rank; k++) inner *= _shape[k];
        int rows = _shape[d];
        var result = new Tensor(Storage.AllocateUninitialized(DType, SharpGrad.Shape.Numel(shape)), shape);
        Tensor source = ContiguousRaw();
        Kernels.Launch.Run((source, result, idx, outer, rows, inner), static s =>
        {
            switch (s.source.DType)
            {
                case DType.Float32: GatherRows<float>(s.source, s.result, s.idx, s.outer, s.rows, s.inner); break;
                case DType.Float64: GatherRows<double>(s.source, s.result, s.idx, s.outer, s.rows, s.inner); break;
                default: GatherRows<long>(s.source, s.result, s.idx, s.outer, s.rows, s.inner); break;
            }
        });
        int[] xShape = _shape;
        return result.Record("IndexSelectBackward", [this], g =>
        {
            var gx = Zeros(xShape, g.DType);
            Kernels.Launch.Run((gc: g.ContiguousRaw(), gx, idx, outer, rows, inner), static s =>
            {
                if (s.gc.DType == DType.Float32) ScatterAddRows<float>(s.gc, s.gx, s.idx, s.outer, s.rows, s.inner);
                else ScatterAddRows<double>(s.gc, s.gx, s.idx, s.outer, s.rows, s.inner);
            });
            return [gx];
        });
    }

    private static void GatherRows<T>(Tensor source, Tensor result, long[] idx, int outer, int rows, int inner)
    {
        ReadOnlySpan<T> x = source.Span<T>();
        Span<T> y = result.Span<T>();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < idx.Length; i++)
                x.Slice((o * rows + (int)idx[i]) * inner, inner).CopyTo(y.Slice((o * idx.Length + i) * inner, inner));
    }

    /// <summary>gx[o, idx[i], :] += g[o, i, :], in index order (repeated indices accumulate deterministically).</summary>
    private static void ScatterAddRows<T>(Tensor g, Tensor gx, long[] idx, int outer, int rows, int inner)
        where T : unmanaged, System.Numerics.INumberBase<T>
    {
        ReadOnlySpan<T> src = g.Span<T>();
        Span<T> dst = gx.Span<T>();
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < idx.Length; i++)
            {
                Span<T> row = dst.Slice((o * rows + (int)idx[i]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(row, src.Slice((o * idx.Length + i) * inner, inner), row);
            }
    }

    /// <summary>
    /// Embedding lookup: rows of this (num_embeddings, dim) table picked by Int64 <paramref name="ids"/> of any shape;
    /// result shape ids.shape + [dim].
    /// </summary>
    public Tensor Embedding(Tensor ids)
    {
        if (Rank != 2) throw new ShapeMismatchException($"Embedding: the table must be 2-D (num_embeddings, embedding_dim), got shape {SharpGrad.Shape.Format(_shape)}.");
        return IndexSelect(0, ids.Reshape(-1)).Reshape([.. ids._shape, _shape[1]]);
    }

    /// <summary>
    /// out[i][j] = this[i][index[i][j]] for dim 1 (and analogously for any dim), like <c>torch.gather</c>: picks target logits.
    /// <paramref name="index"/> is Int64 with the same rank; its size may be smaller than this tensor's in every dim.
    /// </summary>
    public Tensor Gather(int dim, Tensor index)
    {
        RequireRank(1, "Gather");
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Gather");
        if (index.Rank != Rank)
            throw new ShapeMismatchException("Gather", _shape, index._shape, "the index must have the same number of dimensions as the input");
        for (int i = 0; i < Rank; i++)
            if (i != d && index._shape[i] > _shape[i])
                throw new ShapeMismatchException("Gather", _shape, index._shape, $"index size {index._shape[i]} exceeds input size {_shape[i]} in dimension {i}");
        long[] idx = CheckIndexTensor(index, "Gather", _shape[d], requireRank1: false);
        int[] outShape = index.ShapeArray;
        var result = Zeros(outShape, DType);
        var pos = new int[Rank];
        for (int linear = 0; linear < idx.Length; linear++)
        {
            Unravel(linear, outShape, pos);
            pos[d] = (int)idx[linear];
            result.Storage.Set(linear, Storage.Get(StorageIndex(pos)));
        }
        Tensor x = this;
        return result.Record("GatherBackward", [x], g =>
        {
            var gx = Zeros(x._shape, g.DType);
            var gd = g.ContiguousRaw();
            var p = new int[x.Rank];
            for (int linear = 0; linear < idx.Length; linear++)
            {
                Unravel(linear, outShape, p);
                p[d] = (int)idx[linear];
                int at = gx.StorageIndex(p);
                gx.Storage.Set(at, gx.Storage.Get(at) + gd.Storage.Get(gd.Offset + linear));
            }
            return [gx];
        });
    }

    private static void Unravel(int linear, int[] shape, int[] pos)
    {
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            pos[i] = linear % shape[i];
            linear /= shape[i];
        }
    }

    private static long[] CheckIndexTensor(Tensor index, string op, int size, bool requireRank1)
    {
        CheckIndexType(index, op, requireRank1);
        long[] idx = new long[index.Numel];
        ReadIndex(index.ContiguousRaw(), idx, op, size);
        return idx;
    }

    private static void CheckIndexType(Tensor index, string op, bool requireRank1)
    {
        if (index.DType != DType.Int64)
            throw new DTypeMismatchException($"{op}: the index must be an Int64 tensor, got {index.DType}. Create it with Tensor.FromArray(new long[] {{...}}) or convert with .To(DType.Int64).");
        if (requireRank1 && index.Rank != 1)
            throw new ShapeMismatchException($"{op}: the index must be 1-D, got shape {SharpGrad.Shape.Format(index._shape)}.");
    }

    /// <summary>Copies a dense Int64 index into <paramref name="idx"/>, checking the range and wrapping negative indices.</summary>
    private static void ReadIndex(Tensor index, long[] idx, string op, int size)
    {
        index.Span<long>().CopyTo(idx);
        for (int i = 0; i < idx.Length; i++)
        {
            if (idx[i] < -size || idx[i] >= size)
                throw new IndexOutOfRangeException($"{op}: index {idx[i]} (at position {i}) is out of range for a dimension of size {size}.");
            if (idx[i] < 0) idx[i] += size;
        }
    }

    /// <summary>
    /// The transpose of a narrow/slice: a zero tensor of <paramref name="shape"/> with this tensor written at
    /// positions start, start+step, … along <paramref name="dim"/> (the backward of Narrow and Slice).
    /// </summary>
    internal Tensor PadInto(int[] shape, int dim, int start, int step)
    {
        var result = Zeros(shape, DType);
        int length = _shape[dim];
        var strides = result.ShapeStridesWithStep(dim, step);
        var target = new Tensor(result.Storage, ShapeArray, strides, start * result._strides[dim]);
        target.AssignRaw(this);
        Tensor g = this;
        return result.Record("PadBackward", [g], gg => [gg.Slice(dim, start, start + (length - 1) * step + 1, step)]);
    }

    private int[] ShapeStridesWithStep(int dim, int step)
    {
        var strides = (int[])_strides.Clone();
        strides[dim] *= step;
        return strides;
    }

    /// <summary>A narrow view without recording a node.</summary>
    internal Tensor NarrowRaw(int dim, int start, int length)
    {
        var shape = ShapeArray;
        shape[dim] = length;
        return new Tensor(Storage, shape, (int[])_strides.Clone(), Offset + start * _strides[dim]);
    }

    /// <summary>Copies <paramref name="source"/> (same shape or broadcastable) into this view's elements; no version bump, no autograd.</summary>
    internal void AssignRaw(Tensor source)
    {
        RequireWritable("Assign");
        Tensor src = source.DType == DType ? source : source.To(DType);
        if (ReferenceEquals(src.Storage, Storage)) src = src.CopyRaw(); // e.g. x.CopyFrom(x.T): read everything before writing
        if (!SharpGrad.Shape.Equal(src._shape, _shape)) src = src.ExpandRawTo(_shape);
        Kernels.Launch.Run((destination: this, src), static s => s.destination.AssignNow(s.src));
    }

    /// <summary>The copy of <see cref="AssignRaw"/>: <paramref name="src"/> has this tensor's shape and dtype.</summary>
    private void AssignNow(Tensor src)
    {
        if (IsContiguous)
        {
            switch (Storage.Data)
            {
                case float[] f: Kernels.ParallelStridedCopy.Copy((float[])src.Storage.Data, src.Offset, src._shape, src._strides, f, Offset, Numel); break;
                case double[] dd: Kernels.StridedCopy.Copy((double[])src.Storage.Data, src.Offset, src._shape, src._strides, dd.AsSpan(Offset, Numel)); break;
                case long[] l: Kernels.StridedCopy.Copy((long[])src.Storage.Data, src.Offset, src._shape, src._strides, l.AsSpan(Offset, Numel)); break;
            }
            return;
        }
        for (int i = 0; i < Numel; i++) Storage.Set(StorageIndexOfLinear(i), src.Storage.Get(src.StorageIndexOfLinear(i)));
    }
}
