namespace SharpGrad;

public partial class Tensor
{
    /// <summary>This tensor if it is already contiguous, otherwise a dense row-major copy (differentiable).</summary>
    public Tensor Contiguous() => IsContiguous ? this : CopyOp("Contiguous");

    /// <summary>A dense copy with its own storage (differentiable, like <c>torch.clone</c>).</summary>
    public Tensor Clone() => CopyOp("Clone");

    private Tensor CopyOp(string name)
    {
        var result = new Tensor(Storage.Allocate(DType, Numel), (int[])_shape.Clone());
        CopyInto(result);
        return result.Record(name, [this], g => [g]);
    }

    /// <summary>Copies this tensor's elements (any layout) into the dense tensor <paramref name="dense"/>.</summary>
    private void CopyInto(Tensor dense) => Kernels.Launch.Run((source: this, dense), static s => s.source.CopyIntoNow(s.dense));

    private void CopyIntoNow(Tensor dense)
    {
        switch (Storage.Data)
        {
            case float[] f: Kernels.ParallelStridedCopy.Copy(f, Offset, _shape, _strides, (float[])dense.Storage.Data, dense.Offset, Numel); break;
            case double[] d: Kernels.StridedCopy.Copy(d, Offset, _shape, _strides, dense.Span<double>()); break;
            case long[] l: Kernels.StridedCopy.Copy(l, Offset, _shape, _strides, dense.Span<long>()); break;
        }
    }

    /// <summary>The element conversion of <see cref="To"/>: <paramref name="src"/> is dense, <paramref name="result"/> new.</summary>
    private static void ConvertNow(Tensor src, Tensor result)
    {
        int n = src.Numel;
        switch (src.Storage.Data, result.Storage.Data)
        {
            case (float[] a, double[] b): for (int i = 0; i < n; i++) b[i] = a[src.Offset + i]; break;
            case (double[] a, float[] b): for (int i = 0; i < n; i++) b[i] = (float)a[src.Offset + i]; break;
            case (long[] a, float[] b): for (int i = 0; i < n; i++) b[i] = a[src.Offset + i]; break;
            case (long[] a, double[] b): for (int i = 0; i < n; i++) b[i] = a[src.Offset + i]; break;
            case (float[] a, long[] b): for (int i = 0; i < n; i++) b[i] = (long)a[src.Offset + i]; break;
            case (double[] a, long[] b): for (int i = 0; i < n; i++) b[i] = (long)a[src.Offset + i]; break;
        }
    }

    /// <summary>Converts to another dtype (differentiable between floating dtypes). Returns this tensor when the dtype already matches.</summary>
    public Tensor To(DType dtype)
    {
        if (dtype == DType) return this;
        var src = Contiguous();
        var result = new Tensor(Storage.Allocate(dtype, Numel), (int[])_shape.Clone());
        Kernels.Launch.Run((src, result), static s => ConvertNow(s.src, s.result));
        if (!dtype.IsFloatingPoint() || !DType.IsFloatingPoint()) return result;
        DType original = DType;
        return result.Record($"To{dtype}", [this], g => [g.To(original)]);
    }

    /// <summary>The elements in row-major order as float32.</summary>
    public float[] ToArray() => ToArray<float>();

    /// <summary>The elements in row-major order, converted to <typeparamref name="T"/> (float, double, long or int).</summary>
    public T[] ToArray<T>()
    {
        DType want = typeof(T) == typeof(float) ? DType.Float32 : typeof(T) == typeof(double) ? DType.Float64 : DType.Int64;
        if (typeof(T) == typeof(int)) return (T[])(object)Array.ConvertAll(ToArray<long>(), x => checked((int)x));
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double) && typeof(T) != typeof(long))
            throw new NotSupportedException($"ToArray<{typeof(T).Name}> is not supported; use float, double, long or int.");
        var t = To(want).Contiguous();
        var result = new T[Numel];
        t.Span<T>().CopyTo(result);
        return result;
    }

    /// <summary>The value of a one-element tensor (like <c>tensor.item()</c>).</summary>
    /// <exception cref="InvalidOperationException">When the tensor has more than one element.</exception>
    public double Item()
    {
        if (Numel != 1)
            throw new InvalidOperationException($"Item(): only one-element tensors can be converted to a scalar; this tensor has shape {SharpGrad.Shape.Format(_shape)} ({Numel} elements).");
        return Storage.Get(Offset);
    }

    /// <summary>Reads one element by its full multi-index (negative indices count from the end).</summary>
    /// <exception cref="IndexOutOfRangeException">When the number of indices differs from the rank or an index is out of range.</exception>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public double this[params int[] index]
    {
        get => Storage.Get(StorageIndex(CheckIndex(index)));
    }

    private int[] CheckIndex(int[] index)
    {
        if (index.Length != Rank)
            throw new IndexOutOfRangeException($"Indexing: got {index.Length} indices for a tensor of rank {Rank} (shape {SharpGrad.Shape.Format(_shape)}).");
        var normalized = new int[index.Length];
        for (int i = 0; i < index.Length; i++)
        {
            int k = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if (k < 0 || k >= _shape[i])
                throw new IndexOutOfRangeException($"Indexing: index {index[i]} is out of bounds for dimension {i} with size {_shape[i]}.");
            normalized[i] = k;
        }
        return normalized;
    }
}
