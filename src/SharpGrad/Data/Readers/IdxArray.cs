namespace SharpGrad.Data;

/// <summary>The element type code of an IDX file (the third byte of the magic number).</summary>
public enum IdxDataType : byte
{
    /// <summary>0x08: unsigned byte (MNIST, Fashion-MNIST).</summary>
    UInt8 = 0x08,

    /// <summary>0x09: signed byte.</summary>
    Int8 = 0x09,

    /// <summary>0x0B: 16-bit big-endian integer.</summary>
    Int16 = 0x0B,

    /// <summary>0x0C: 32-bit big-endian integer.</summary>
    Int32 = 0x0C,

    /// <summary>0x0D: 32-bit big-endian float.</summary>
    Float32 = 0x0D,

    /// <summary>0x0E: 64-bit big-endian float.</summary>
    Float64 = 0x0E,
}

/// <summary>The contents of an unsigned-byte IDX file: its dimensions and its raw data in row-major order.</summary>
/// <param name="Dimensions">The sizes from the header, e.g. (60000, 28, 28) for images or (60000) for labels.</param>
/// <param name="Data">The elements, row-major; length = product of <paramref name="Dimensions"/>.</param>
public sealed record IdxArray(int[] Dimensions, byte[] Data)
{
    /// <summary>The magic number of this array as it appears in a file: 0x0000_08_NN with NN the number of dimensions.</summary>
    public int Magic => 0x0800 | Dimensions.Length;
}
