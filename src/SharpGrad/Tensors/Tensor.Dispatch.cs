using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>Dtype checks and the dispatch from untyped tensors to the typed kernels.</summary>
public partial class Tensor
{
    internal enum BinaryKind { Add, Sub, Mul, Div, Pow, Max, Min, Eq, Ne, Lt, Le, Gt, Ge }

    internal void RequireFloating(string op)
    {
        if (!DType.IsFloatingPoint())
            throw new DTypeMismatchException($"{op}: expected a floating-point tensor (Float32 or Float64), got {DType} with shape {SharpGrad.Shape.Format(_shape)}. " +
                "Convert it first with .To(DType.Float32).");
    }

    /// <summary>Brings two floating tensors to a common dtype (Float64 wins, as in PyTorch's type promotion).</summary>
    internal static (Tensor, Tensor) Promote(Tensor a, Tensor b, string op)
    {
        a.RequireFloating(op);
        b.RequireFloating(op);
        if (a.DType == b.DType) return (a, b);
        return a.DType == DType.Float64 ? (a, b.To(DType.Float64)) : (a.To(DType.Float64), b);
    }

    /// <summary>Strides that read this tensor as if expanded to <paramref name="shape"/> (stride 0 on broadcast dims).</summary>
    internal int[] BroadcastStrides(int[] shape)
    {
        var strides = new int[shape.Length];
        int lead = shape.Length - Rank;
        for (int i = lead; i < shape.Length; i++)
            strides[i] = _shape[i - lead] == shape[i] ? _strides[i - lead] : 0;
        return strides;
    }

    /// <summary>Elementwise binary op with broadcasting, no autograd.</summary>
    internal static Tensor BinaryRaw(BinaryKind kind, Tensor a, Tensor b, string op)
    {
        (a, b) = Promote(a, b, op);
        int[] shape = SharpGrad.Shape.Broadcast(a._shape, b._shape, op);
        var result = new Tensor(Storage.AllocateUninitialized(a.DType, SharpGrad.Shape.Numel(shape)), shape); // the kernel writes every element
        if (kind == BinaryKind.Add && a.DType == DType.Float32 && a.IsContiguous && b.IsContiguous && a.Numel == result.Numel && b.Numel == result.Numel)
        {
            Kernels.ParallelElementwise.Add((float[])a.Storage.Data, a.Offset, (float[])b.Storage.Data, b.Offset, (float[])result.Storage.Data, 0, result.Numel);
            return result;
        }
        int[] sa = a.BroadcastStrides(shape), sb = b.BroadcastStrides(shape);
        Launch.Run((kind, a, sa, b, sb, shape, result), static s =>
        {
            if (s.a.DType == DType.Float32)
                RunBinary(s.kind, (float[])s.a.Storage.Data, s.a.Offset, s.sa, (float[])s.b.Storage.Data, s.b.Offset, s.sb, s.shape, s.result.Span<float>());
            else
                RunBinary(s.kind, (double[])s.a.Storage.Data, s.a.Offset, s.sa, (double[])s.b.Storage.Data, s.b.Offset, s.sb, s.shape, s.result.Span<double>());
        });
        return result;
    }

    private static void RunBinary<T>(BinaryKind kind, T[] a, int ao, int[] sa, T[] b, int bo, int[] sb, int[] shape, Span<T> d)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        switch (kind)
        {
            case BinaryKind.Add: Kernels.Broadcast.Binary<T, AddOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Sub: Kernels.Broadcast.Binary<T, SubOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Mul: Kernels.Broadcast.Binary<T, MulOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Div: Kernels.Broadcast.Binary<T, DivOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Pow: Kernels.Broadcast.Binary<T, PowOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Max: Kernels.Broadcast.Binary<T, MaxOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Min: Kernels.Broadcast.Binary<T, MinOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Eq: Kernels.Broadcast.Binary<T, EqOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Ne: Kernels.Broadcast.Binary<T, NeOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Lt: Kernels.Broadcast.Binary<T, LtOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Le: Kernels.Broadcast.Binary<T, LeOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Gt: Kernels.Broadcast.Binary<T, GtOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
            case BinaryKind.Ge: Kernels.Broadcast.Binary<T, GeOp<T>>(a, ao, sa, b, bo, sb, shape, d); break;
        }
    }

    /// <summary>Elementwise unary kernel into a new dense tensor, no autograd.</summary>
    internal Tensor UnaryRaw(UnaryKind kind, string op, double p = 0, double q = 0)
    {
        RequireFloating(op);
        var src = ContiguousRaw();
        var result = new Tensor(Storage.AllocateUninitialized(DType, Numel), (int[])_shape.Clone()); // written in full
        if (DType == DType.Float32) ParallelElementwise.Unary(kind, (float[])src.Storage.Data, src.Offset, (float[])result.Storage.Data, 0, Numel, p, q);
        else Launch.Run((kind, src, result, p, q), static s => Unary.Apply(s.kind, s.src.Span<double>(), s.result.Span<double>(), s.p, s.q));
        return result;
    }

    /// <summary>A dense copy in new storage, always, without recording a graph node.</summary>
    internal Tensor CopyRaw()
    {
        var result = new Tensor(Storage.AllocateUninitialized(DType, Numel), (int[])_shape.Clone()); // the strided copy writes every element
        CopyInto(result);
        return result;
    }

    /// <summary>
    /// This tensor when it is dense and its storage array holds exactly its elements (so a kernel may take the whole array),
    /// otherwise a dense copy that does; no graph node.
    /// </summary>
    internal Tensor WholeStorageRaw() => IsContiguous && Offset == 0 && Storage.Data.Length == Numel ? this : CopyRaw();

    /// <summary>A dense copy (or this tensor when already dense) without recording a graph node.</summary>
    internal Tensor ContiguousRaw()
    {
        if (IsContiguous) return this;
        var result = new Tensor(Storage.AllocateUninitialized(DType, Numel), (int[])_shape.Clone()); // the strided copy writes every element
        CopyInto(result);
        return result;
    }
}
