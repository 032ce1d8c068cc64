namespace SharpGrad.Data;

/// <summary>
/// A malformed CIFAR-10 binary file: a length that is not a whole number of 3,073-byte records, or a label byte ≥ 10.
/// The message names the file and the byte offset.
/// </summary>
public sealed class Cifar10FormatException : DataFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file.</param>
    /// <param name="offset">The byte offset of the problem.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    public Cifar10FormatException(string fileName, long offset, string problem)
        : base($"{fileName}, byte offset {offset}: {problem}")
    {
        FileName = fileName;
        Offset = offset;
    }

    /// <summary>The file.</summary>
    public string FileName { get; }

    /// <summary>The byte offset of the problem.</summary>
    public long Offset { get; }
}
