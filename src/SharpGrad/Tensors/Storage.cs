namespace SharpGrad;

/// <summary>
/// The flat buffer behind one or more tensors (a tensor and all its views share one storage).
/// <see cref="Version"/> counts in-place writes so that autograd can refuse a backward pass
/// through a value that was overwritten after it was saved.
/// </summary>
internal sealed class Storage
{
    public readonly Array Data;
    public readonly DType DType;
    public int Version;

    /// <summary>
    /// Bumped each time the buffer goes back to a <see cref="TensorScope"/>'s pool; a tensor remembers the generation it was
    /// created with and refuses to touch the buffer once it has been recycled.
    /// </summary>
    public int Generation;

    /// <summary>The scope that returns this buffer to its pool when it ends (null: an ordinary garbage-collected buffer).</summary>
    public TensorScope? Owner;

    public Storage(Array data, DType dtype)
    {
        Data = data;
        DType = dtype;
    }

    public int Length => Data.Length;

    /// <summary>A zero-filled buffer: from the pool of the thread's active <see cref="TensorScope"/> when there is one, else new.</summary>
    public static Storage Allocate(DType dtype, int length)
    {
        Storage s = TensorScope.Rent(dtype, length, clear: true) ?? AllocateNew(dtype, length);
        // a kernel may accumulate into the zeros: a replayed step must find them zero again
        Kernels.Launch.RecordOnly(s.Data, static data => Array.Clear(data));
        return s;
    }

    /// <summary>
    /// A zero-filled buffer (pooled like <see cref="Allocate"/>) for a constant that its creator fills once: a captured step's
    /// replay does not clear it.
    /// </summary>
    public static Storage AllocateConstant(DType dtype, int length) => TensorScope.Rent(dtype, length, clear: true) ?? AllocateNew(dtype, length);

    /// <summary>A new zero-filled, garbage-collected buffer (never pooled).</summary>
    public static Storage AllocateNew(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new Storage(new float[length], dtype),
        DType.Float64 => new Storage(new double[length], dtype),
        DType.Int64 => new Storage(new long[length], dtype),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    /// <summary>
    /// A floating-point buffer whose contents are not cleared first, for kernels that write every element (large arrays
    /// skip the zeroing pass of <see cref="Allocate"/>).
    /// </summary>
    public static Storage AllocateUninitialized(DType dtype, int length) =>
        TensorScope.Rent(dtype, length, clear: false) ?? AllocateNewUninitialized(dtype, length);

    /// <summary>A new garbage-collected buffer whose floating-point contents are not cleared (never pooled).</summary>
    public static Storage AllocateNewUninitialized(DType dtype, int length) => dtype switch
    {
        DType.Float32 => new Storage(GC.AllocateUninitializedArray<float>(length), dtype),
        DType.Float64 => new Storage(GC.AllocateUninitializedArray<double>(length), dtype),
        _ => AllocateNew(dtype, length),
    };

    /// <summary>Reads element <paramref name="index"/> as a double (slow path for printing, Item and tests).</summary>
    public double Get(int index) => Data switch
    {
        float[] f => f[index],
        double[] d => d[index],
        long[] l => l[index],
        _ => throw new InvalidOperationException(),
    };

    /// <summary>Writes element <paramref name="index"/> from a double (slow path).</summary>
    public void Set(int index, double value)
    {
        switch (Data)
        {
            case float[] f: f[index] = (float)value; break;
            case double[] d: d[index] = value; break;
            case long[] l: l[index] = (long)value; break;
        }
    }
}
