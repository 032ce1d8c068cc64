namespace SharpGrad.Data;

/// <summary>Wraps freshly allocated arrays in tensors without the defensive copy of <see cref="Tensor.FromArray(float[], int[])"/>.</summary>
internal static class TensorWrap
{
    /// <summary>A Float32 tensor that takes ownership of <paramref name="data"/>.</summary>
    public static Tensor Own(float[] data, int[] shape) => new(new Storage(data, DType.Float32), shape);

    /// <summary>An Int64 tensor that takes ownership of <paramref name="data"/>.</summary>
    public static Tensor Own(long[] data, int[] shape) => new(new Storage(data, DType.Int64), shape);
}
