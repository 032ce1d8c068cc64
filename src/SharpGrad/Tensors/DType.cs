namespace SharpGrad;

/// <summary>Element type of a <see cref="Tensor"/>.</summary>
public enum DType
{
    /// <summary>32-bit IEEE float, the default for everything numeric (like <c>torch.float32</c>).</summary>
    Float32,

    /// <summary>64-bit IEEE float, used chiefly for gradient checks (like <c>torch.float64</c>).</summary>
    Float64,

    /// <summary>64-bit signed integer, used for indices and class labels (like <c>torch.int64</c>). Not differentiable.</summary>
    Int64,
}

/// <summary>Helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Size of one element in bytes.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>True for the floating-point dtypes (the ones autograd can differentiate).</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;
}
