namespace SharpGrad.Data;

/// <summary>
/// A malformed IDX file (MNIST family): wrong magic number, unsupported data type, truncated header or data, extra bytes,
/// or image and label files that disagree. The message names the file, the byte offset (in the decompressed stream for
/// gzipped files) and the expected and actual sizes where they apply.
/// </summary>
public sealed class IdxFormatException : DataFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file.</param>
    /// <param name="offset">The byte offset of the problem, or null.</param>
    /// <param name="expected">The expected size in bytes (or count), or null.</param>
    /// <param name="actual">The actual size in bytes (or count), or null.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    /// <param name="inner">The underlying error, or null.</param>
    public IdxFormatException(string fileName, long? offset, long? expected, long? actual, string problem, Exception? inner = null)
        : base(offset is long o ? $"{fileName}, byte offset {o}: {problem}" : $"{fileName}: {problem}", inner ?? new InvalidDataException(problem))
    {
        FileName = fileName;
        Offset = offset;
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The file.</summary>
    public string FileName { get; }

    /// <summary>The byte offset of the problem (decompressed stream), or null.</summary>
    public long? Offset { get; }

    /// <summary>The expected size, or null.</summary>
    public long? Expected { get; }

    /// <summary>The actual size, or null.</summary>
    public long? Actual { get; }
}
