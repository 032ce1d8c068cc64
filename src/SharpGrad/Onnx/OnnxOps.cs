using SharpGrad.NN;

namespace SharpGrad.Onnx;

/// <summary>
/// The ONNX ops of <see cref="OnnxModule"/>, each mapped onto SharpGrad's differentiable ops (floating tensors) or evaluated
/// directly (Int64 tensors: shapes and indices), following the ONNX operator specification's defaults.
/// </summary>
internal static class OnnxOps
{
    public static Tensor Apply(OnnxNode node, Tensor?[] a, bool training)
    {
        Tensor X(int i) => i < a.Length && a[i] is { } t ? t : throw new ArgumentException($"input {i} is missing.");
        return node.OpType switch
        {
            "Identity" or "Dropout" => X(0),
            "Constant" => Constant(node),
            "Add" => Binary(X(0), X(1), (p, q) => p.Add(q), (p, q) => p + q),
            "Sub" => Binary(X(0), X(1), (p, q) => p.Sub(q), (p, q) => p - q),
            "Mul" => Binary(X(0), X(1), (p, q) => p.Mul(q), (p, q) => p * q),
            "Div" => Binary(X(0), X(1), (p, q) => p.Div(q), (p, q) => q == 0 ? throw new ArgumentException("integer division by zero.") : p / q),
            "Pow" => Pow(X(0), X(1)),
            "Sqrt" => X(0).Sqrt(),
            "Erf" => X(0).Erf(),
            "Exp" => X(0).Exp(),
            "Neg" => X(0).DType == DType.Int64 ? Ints(Longs(X(0)).Select(v => -v).ToArray(), X(0).ShapeArray) : X(0).Neg(),
            "Relu" => X(0).Relu(),
            "LeakyRelu" => X(0).LeakyRelu(Float(node, "alpha", 0.01f)),
            "Sigmoid" => X(0).Sigmoid(),
            "Tanh" => X(0).Tanh(),
            "Softmax" => X(0).Softmax((int)Int(node, "axis", -1)),
            "MatMul" => X(0).MatMul(X(1)),
            "Gemm" => Gemm(node, X(0), X(1), a.Length > 2 ? a[2] : null),
            "Conv" => Conv(node, X(0), X(1), a.Length > 2 ? a[2] : null),
            "MaxPool" => Pool(node, X(0), max: true),
            "AveragePool" => Pool(node, X(0), max: false),
            "GlobalAveragePool" => Functional.AdaptiveAvgPool2d(X(0), 1),
            "BatchNormalization" => Functional.BatchNorm(X(0), X(3), X(4), X(1), X(2), training: false, eps: Float(node, "epsilon", 1e-5f)),
            "LayerNormalization" => LayerNorm(node, X(0), X(1), a.Length > 2 ? a[2] : null),
            "Flatten" => Flatten(X(0), (int)Int(node, "axis", 1)),
            "Reshape" => Reshape(X(0), Longs(X(1)), Int(node, "allowzero", 0) != 0),
            "Transpose" => X(0).Permute(Ints(node, "perm") is { } perm ? perm.Select(p => (int)p).ToArray() : Enumerable.Range(0, X(0).Rank).Reverse().ToArray()),
            "Unsqueeze" => Unsqueeze(X(0), Axes(node, a, 1) ?? throw new ArgumentException("Unsqueeze needs axes.")),
            "Squeeze" => Squeeze(X(0), Axes(node, a, 1)),
            "Concat" => Concat(a.Select((t, i) => t ?? throw new ArgumentException($"input {i} is missing.")).ToList(), (int)Int(node, "axis", 0)),
            "Gather" => Gather(X(0), X(1), (int)Int(node, "axis", 0)),
            "Shape" => Ints(X(0).ShapeArray.Select(d => (long)d).ToArray(), [X(0).Rank]),
            "Cast" => Cast(X(0), Int(node, "to", OnnxGraph.Float)),
            "ReduceMean" => ReduceMean(node, a),
            "Slice" => Slice(X(0), Longs(X(1)), Longs(X(2)), a.Length > 3 && a[3] is { } axes ? Longs(axes) : null, a.Length > 4 && a[4] is { } steps ? Longs(steps) : null),
            _ => throw new NotSupportedException($"the op {node.OpType} is not supported."),
        };
    }

    // ---------------------------------------------------------------------------------------------------------------
    // attributes

    private static long Int(OnnxNode node, string name, long fallback) => node.Attributes.TryGetValue(name, out var a) && a.Int is long v ? v : fallback;

    private static float Float(OnnxNode node, string name, float fallback) => node.Attributes.TryGetValue(name, out var a) && a.Float is float v ? v : fallback;

    private static long[]? Ints(OnnxNode node, string name) => node.Attributes.TryGetValue(name, out var a) ? a.Ints : null;

    private static string? String(OnnxNode node, string name) => node.Attributes.TryGetValue(name, out var a) ? a.String : null;

    /// <summary>Axes from the attribute (older opsets) or from input <paramref name="input"/> (opset 13 on).</summary>
    private static long[]? Axes(OnnxNode node, Tensor?[] a, int input) =>
        Ints(node, "axes") ?? (a.Length > input && a[input] is { } t ? Longs(t) : null);

    // ---------------------------------------------------------------------------------------------------------------
    // Int64 values (shapes, indices) are computed directly

    private static long[] Longs(Tensor t) => t.DType == DType.Int64 ? t.ToArray<long>() : throw new ArgumentException($"expected an Int64 tensor, got {t.DType}.");

    private static Tensor Ints(long[] values, int[] shape) => Tensor.FromArray(values).Reshape(shape);

    private static Tensor Binary(Tensor p, Tensor q, Func<Tensor, Tensor, Tensor> floats, Func<long, long, long> ints)
    {
        if (p.DType != DType.Int64 || q.DType != DType.Int64)
            return floats(p.DType == DType.Int64 ? p.To(DType.Float32) : p, q.DType == DType.Int64 ? q.To(DType.Float32) : q);
        long[] x = Longs(p), y = Longs(q);
        if (x.Length == y.Length) return Ints(x.Select((v, i) => ints(v, y[i])).ToArray(), p.Rank >= q.Rank ? p.ShapeArray : q.ShapeArray);
        if (y.Length == 1) return Ints(x.Select(v => ints(v, y[0])).ToArray(), p.ShapeArray);
        if (x.Length == 1) return Ints(y.Select(v => ints(x[0], v)).ToArray(), q.ShapeArray);
        throw new ArgumentException($"integer broadcasting of {Shape.Format(p.Shape)} and {Shape.Format(q.Shape)} is not supported.");
    }

    private static Tensor Constant(OnnxNode node)
    {
        if (node.Attributes.TryGetValue("value", out var v) && v.Tensor is { } t) return t.DType.IsFloatingPoint() ? t.To(DType.Float32) : t;
        if (node.Attributes.TryGetValue("value_float", out v) && v.Float is float f) return Tensor.Scalar(f);
        if (node.Attributes.TryGetValue("value_int", out v) && v.Int is long i) return Tensor.FromArray(new[] { i }).Reshape();
        if (node.Attributes.TryGetValue("value_ints", out v) && v.Ints is long[] ints) return Tensor.FromArray(ints);
        if (node.Attributes.TryGetValue("value_floats", out v) && v.Floats is float[] fs) return Tensor.FromArray(fs);
        throw new NotSupportedException("a Constant without value, value_float, value_int, value_ints or value_floats.");
    }

    private static Tensor Cast(Tensor x, long to) => to switch
    {
        OnnxGraph.Float or OnnxGraph.Float16 => x.To(DType.Float32),
        OnnxGraph.Double => x.To(DType.Float64),
        OnnxGraph.Int64 or OnnxGraph.Int32 or OnnxGraph.Int16 or OnnxGraph.Int8 or OnnxGraph.UInt8 => x.DType == DType.Int64 ? x : x.To(DType.Int64),
        OnnxGraph.Bool => x.DType == DType.Int64 ? Ints(Longs(x).Select(v => v != 0 ? 1L : 0L).ToArray(), x.ShapeArray) : x.Ne(0).To(DType.Int64),
        _ => throw new NotSupportedException($"Cast to data type {to} is not supported."),
    };

    // ---------------------------------------------------------------------------------------------------------------
    // floating ops

    private static Tensor Pow(Tensor x, Tensor y)
    {
        if (y.Numel == 1) return x.Pow(y.ToArray<double>()[0]);
        return x.Pow(y.DType == DType.Int64 ? y.To(x.DType) : y);
    }

    private static Tensor Gemm(OnnxNode node, Tensor a, Tensor b, Tensor? c)
    {
        float alpha = Float(node, "alpha", 1), beta = Float(node, "beta", 1);
        bool transA = Int(node, "transA", 0) != 0, transB = Int(node, "transB", 0) != 0;
        if (!transA && transB && alpha == 1 && beta == 1 && (c is null || c.Rank == 1)) return Tensor.Linear(a, b, c); // x·Wᵀ + b
        Tensor y = (transA ? a.Transpose(0, 1) : a).MatMul(transB ? b.Transpose(0, 1) : b);
        if (alpha != 1) y = y.MulScalar(alpha);
        return c is null ? y : y.Add(beta == 1 ? c : c.MulScalar(beta));
    }

    private static (int Top, int Left, int Bottom, int Right) Pads(OnnxNode node, Tensor x, long[] kernel, long[] strides, long[] dilations)
    {
        string autoPad = String(node, "auto_pad") ?? "NOTSET";
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            int[] pad = new int[4];
            for (int d = 0; d < 2; d++)
            {
                int size = x.Shape[2 + d], outSize = (int)((size + strides[d] - 1) / strides[d]);
                int total = (int)Math.Max(0, (outSize - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - size);
                int small = total / 2, large = total - small;
                (pad[d], pad[d + 2]) = autoPad == "SAME_UPPER" ? (small, large) : (large, small);
            }
            return (pad[0], pad[1], pad[2], pad[3]);
        }
        long[] p = autoPad == "VALID" ? [0, 0, 0, 0] : Ints(node, "pads") ?? [0, 0, 0, 0];
        if (p.Length != 4) throw new NotSupportedException($"pads of length {p.Length} (2-D ops only).");
        return ((int)p[0], (int)p[1], (int)p[2], (int)p[3]);
    }

    /// <summary>
    /// Symmetric padding goes to the op; an asymmetric one too when padding both sides by the leading amount gives the same
    /// windows (the same output size: the windows start at the same place and never reach the other side's extra rows — as
    /// for ResNet's [3, 3, 2, 2] and [1, 1, 0, 0]); otherwise the remainder is padded explicitly (zeros, or −∞ for max pooling).
    /// </summary>
    private static (Tensor X, Size2d Padding) Padded(Tensor x, (int Top, int Left, int Bottom, int Right) p, double value, long[] kernel, long[] strides, long[] dilations)
    {
        static long Out(int size, int before, int after, long k, long s, long d) => (size + before + after - (d * (k - 1) + 1)) / s + 1;
        bool sameH = Out(x.Shape[2], p.Top, p.Top, kernel[0], strides[0], dilations[0]) == Out(x.Shape[2], p.Top, p.Bottom, kernel[0], strides[0], dilations[0]);
        bool sameW = Out(x.Shape[3], p.Left, p.Left, kernel[1], strides[1], dilations[1]) == Out(x.Shape[3], p.Left, p.Right, kernel[1], strides[1], dilations[1]);
        if (sameH && sameW) return (x, new Size2d(p.Top, p.Left));
        int h = Math.Min(p.Top, p.Bottom), w = Math.Min(p.Left, p.Right);
        Tensor padded = PadSide(PadSide(x, 2, p.Top - h, p.Bottom - h, value), 3, p.Left - w, p.Right - w, value);
        return (padded, new Size2d(h, w));
    }

    /// <summary>Pads dim <paramref name="dim"/> with <paramref name="before"/> and <paramref name="after"/> entries of <paramref name="value"/> (differentiably, by concatenation).</summary>
    private static Tensor PadSide(Tensor x, int dim, int before, int after, double value)
    {
        if (before == 0 && after == 0) return x;
        Tensor Block(int n)
        {
            int[] shape = x.ShapeArray;
            shape[dim] = n;
            return Tensor.Full(shape, value, x.DType);
        }
        var parts = new List<Tensor>();
        if (before > 0) parts.Add(Block(before));
        parts.Add(x);
        if (after > 0) parts.Add(Block(after));
        return Tensor.Concat(parts, dim);
    }

    private static Tensor Conv(OnnxNode node, Tensor x, Tensor w, Tensor? b)
    {
        long[] kernel = Ints(node, "kernel_shape") ?? [w.Shape[2], w.Shape[3]];
        long[] strides = Ints(node, "strides") ?? [1, 1], dilations = Ints(node, "dilations") ?? [1, 1];
        if (kernel.Length != 2) throw new NotSupportedException("only 2-D convolutions are supported.");
        var (input, padding) = Padded(x, Pads(node, x, kernel, strides, dilations), 0, kernel, strides, dilations);
        return Functional.Conv2d(input, w, b, new Size2d((int)strides[0], (int)strides[1]), Padding2d.Explicit(padding.Height, padding.Width),
            new Size2d((int)dilations[0], (int)dilations[1]), (int)Int(node, "group", 1));
    }

    private static Tensor Pool(OnnxNode node, Tensor x, bool max)
    {
        long[] kernel = Ints(node, "kernel_shape") ?? throw new ArgumentException("kernel_shape is required.");
        long[] strides = Ints(node, "strides") ?? [1, 1], dilations = Ints(node, "dilations") ?? [1, 1];
        if (kernel.Length != 2) throw new NotSupportedException("only 2-D pooling is supported.");
        bool ceil = Int(node, "ceil_mode", 0) != 0;
        var pads = Pads(node, x, kernel, strides, dilations);
        bool countPad = Int(node, "count_include_pad", 0) != 0;
        if (!max && !countPad && pads != (pads.Top, pads.Left, pads.Top, pads.Left))
            throw new NotSupportedException("AveragePool with asymmetric padding that is not counted.");
        var (input, padding) = Padded(x, pads, max ? double.NegativeInfinity : 0, kernel, strides, dilations);
        var k = new Size2d((int)kernel[0], (int)kernel[1]);
        var s = new Size2d((int)strides[0], (int)strides[1]);
        return max
            ? Functional.MaxPool2d(input, k, s, padding, new Size2d((int)dilations[0], (int)dilations[1]), ceil)
            : Functional.AvgPool2d(input, k, s, padding, ceil, countPad);
    }

    private static Tensor LayerNorm(OnnxNode node, Tensor x, Tensor scale, Tensor? bias)
    {
        int axis = (int)Int(node, "axis", -1);
        if (axis < 0) axis += x.Rank;
        return Functional.LayerNorm(x, x.ShapeArray[axis..], scale, bias, Float(node, "epsilon", 1e-5f));
    }

    private static Tensor Flatten(Tensor x, int axis)
    {
        if (axis < 0) axis += x.Rank;
        int outer = 1, inner = 1;
        for (int i = 0; i < x.Rank; i++)
        {
            if (i < axis) outer *= x.Shape[i];
            else inner *= x.Shape[i];
        }
        return x.Reshape(outer, inner);
    }

    private static Tensor Reshape(Tensor x, long[] shape, bool allowZero)
    {
        var target = new int[shape.Length];
        for (int i = 0; i < shape.Length; i++)
            target[i] = shape[i] == 0 && !allowZero ? x.Shape[i] : (int)shape[i]; // 0 copies the input's dimension
        return x.DType == DType.Int64 ? Ints(Longs(x), Infer(target, x.Numel)) : x.Reshape(target);
    }

    private static int[] Infer(int[] shape, int numel)
    {
        int known = 1, unknown = -1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == -1) unknown = i;
            else known *= shape[i];
        }
        if (unknown >= 0) shape[unknown] = known == 0 ? 0 : numel / known;
        return shape;
    }

    private static Tensor Unsqueeze(Tensor x, long[] axes)
    {
        int rank = x.Rank + axes.Length;
        var sorted = axes.Select(a => (int)(a < 0 ? a + rank : a)).Order().ToArray();
        if (x.DType == DType.Int64)
        {
            var shape = x.ShapeArray.ToList();
            foreach (int a in sorted) shape.Insert(a, 1);
            return Ints(Longs(x), [.. shape]);
        }
        foreach (int a in sorted) x = x.Unsqueeze(a);
        return x;
    }

    private static Tensor Squeeze(Tensor x, long[]? axes)
    {
        var dims = axes is null
            ? Enumerable.Range(0, x.Rank).Where(d => x.Shape[d] == 1).ToArray()
            : axes.Select(a => (int)(a < 0 ? a + x.Rank : a)).ToArray();
        var shape = x.ShapeArray.Where((_, d) => !dims.Contains(d)).ToArray();
        return x.DType == DType.Int64 ? Ints(Longs(x), shape) : x.Reshape(shape);
    }

    private static Tensor Concat(List<Tensor> parts, int axis)
    {
        if (parts.All(p => p.DType == DType.Int64) && parts.All(p => p.Rank <= 1))
            return Tensor.FromArray(parts.SelectMany(Longs).ToArray());
        return Tensor.Concat(parts.Select(p => p.DType == DType.Int64 ? p.To(DType.Float32) : p).ToList(), axis < 0 ? axis + parts[0].Rank : axis);
    }

    private static Tensor Gather(Tensor data, Tensor indices, int axis)
    {
        if (axis < 0) axis += data.Rank;
        long[] idx = Longs(indices).Select(i => i < 0 ? i + data.Shape[axis] : i).ToArray();
        int[] outShape = [.. data.ShapeArray[..axis], .. indices.ShapeArray, .. data.ShapeArray[(axis + 1)..]];
        if (data.DType == DType.Int64 && data.Rank == 1)
        {
            long[] v = Longs(data);
            return Ints(idx.Select(i => v[i]).ToArray(), outShape);
        }
        Tensor picked = data.IndexSelect(axis, Tensor.FromArray(idx));
        return picked.Reshape(outShape);
    }

    /// <summary>Split into the node's outputs along <c>axis</c>: sizes from the <c>split</c> attribute or input, else equal parts.</summary>
    public static Tensor[] Split(OnnxNode node, Tensor?[] a)
    {
        Tensor x = a[0] ?? throw new ArgumentException("input 0 is missing.");
        int axis = (int)Int(node, "axis", 0);
        if (axis < 0) axis += x.Rank;
        long[] sizes = Ints(node, "split") ?? (a.Length > 1 && a[1] is { } s ? Longs(s) : null)
            ?? Enumerable.Repeat((long)(x.Shape[axis] / node.Outputs.Length), node.Outputs.Length).ToArray();
        if (sizes.Sum() != x.Shape[axis]) throw new ArgumentException($"split sizes {string.Join(", ", sizes)} do not add up to dimension {axis} of {Shape.Format(x.Shape)}.");
        var parts = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += (int)sizes[i], i++) parts[i] = x.Narrow(axis, start, (int)sizes[i]);
        return parts;
    }

    /// <summary>Slice (opset 10 on): starts, ends, axes and steps as inputs; out-of-range bounds are clamped as the specification says.</summary>
    private static Tensor Slice(Tensor x, long[] starts, long[] ends, long[]? axes, long[]? steps)
    {
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        for (int i = 0; i < axes.Length; i++)
        {
            int axis = (int)(axes[i] < 0 ? axes[i] + x.Rank : axes[i]);
            long size = x.Shape[axis], step = steps?[i] ?? 1;
            if (step <= 0) throw new NotSupportedException("Slice with a negative or zero step.");
            long start = starts[i] < 0 ? starts[i] + size : starts[i], end = ends[i] < 0 ? ends[i] + size : ends[i];
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            x = step == 1 ? x.Narrow(axis, (int)start, (int)Math.Max(0, end - start)) : x.Slice(axis, (int)start, (int)end, (int)step);
        }
        return x;
    }

    private static Tensor ReduceMean(OnnxNode node, Tensor?[] a)
    {
        Tensor x = a[0] ?? throw new ArgumentException("input 0 is missing.");
        long[]? axes = Axes(node, a, 1);
        bool keep = Int(node, "keepdims", 1) != 0;
        int[] dims = axes is null ? Enumerable.Range(0, x.Rank).ToArray() : axes.Select(d => (int)(d < 0 ? d + x.Rank : d)).ToArray();
        return x.Mean(dims, keep);
    }
}
