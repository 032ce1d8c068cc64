namespace SharpGrad.Data;

/// <summary>
/// Base class of the errors for malformed data files (<see cref="CsvFormatException"/>, <see cref="IdxFormatException"/>).
/// Its message names the file and the place (line and column, or byte offset) and is meant to be shown to a user as it is.
/// </summary>
/// <remarks>
/// <see cref="InvalidDataException"/> is sealed in .NET, so the reader errors share this base instead; it derives from
/// <see cref="IOException"/>, so one <c>catch (IOException)</c> handles both a missing file and a malformed one.
/// </remarks>
public class DataFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The complete message, including the file and the location.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that revealed the problem.</summary>
    /// <param name="message">The complete message, including the file and the location.</param>
    /// <param name="inner">The underlying error (e.g. a corrupt gzip stream).</param>
    public DataFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
