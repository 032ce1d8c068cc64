using SharpGrad.Data;

namespace SharpGrad.Imaging;

/// <summary>
/// A file that should be an image could not be decoded: not an image at all, an unsupported format, or a truncated or
/// corrupt one. The message names the file.
/// </summary>
public sealed class ImageDecodeException : DataFormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The file.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    public ImageDecodeException(string fileName, string problem)
        : base($"{fileName}: {problem}")
    {
        FileName = fileName;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string FileName { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
