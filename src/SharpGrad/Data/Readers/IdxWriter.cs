using System.Buffers.Binary;
using System.IO.Compression;

namespace SharpGrad.Data;

/// <summary>Writes unsigned-byte IDX files (the MNIST format), raw or gzipped; the inverse of <see cref="IdxReader"/>.</summary>
public static class IdxWriter
{
    /// <summary>Writes an unsigned-byte IDX file.</summary>
    /// <param name="path">The file to create (overwritten if it exists).</param>
    /// <param name="dimensions">The sizes, e.g. (N, 28, 28) for images or (N) for labels; 1 to 255 dimensions.</param>
    /// <param name="data">The elements in row-major order; length = product of <paramref name="dimensions"/>.</param>
    /// <param name="gzip">Compress the file with gzip (as the MNIST distributions are).</param>
    /// <exception cref="ArgumentException">The dimensions are invalid or do not match the data length.</exception>
    public static void Write(string path, ReadOnlySpan<int> dimensions, ReadOnlySpan<byte> data, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (dimensions.Length is 0 or > 255)
        {
            throw new ArgumentException($"IdxWriter: an IDX array needs 1 to 255 dimensions, got {dimensions.Length}.", nameof(dimensions));
        }

        long total = 1;
        foreach (int d in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dimensions));
            total *= d;
        }

        if (total != data.Length)
        {
            throw new ArgumentException($"IdxWriter: the dimensions ({string.Join(" x ", dimensions.ToArray())}) hold {total} elements but the data has {data.Length}.", nameof(data));
        }

        var header = new byte[4 + (4 * dimensions.Length)];
        header[2] = (byte)IdxDataType.UInt8;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using Stream target = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        target.Write(header);
        target.Write(data);
    }
}
