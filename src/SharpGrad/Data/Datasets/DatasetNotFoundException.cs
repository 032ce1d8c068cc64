namespace SharpGrad.Data;

/// <summary>
/// A data set's files could not be found. The message lists where they were looked for and says how to get them
/// (the install command, or the option that points at a folder), so it can be shown to a user as it is.
/// </summary>
public sealed class DatasetNotFoundException : FileNotFoundException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The complete message.</param>
    /// <param name="searched">The folders that were searched, in order.</param>
    public DatasetNotFoundException(string message, IReadOnlyList<string> searched)
        : base(message)
    {
        Searched = searched;
    }

    /// <summary>The folders that were searched, in order.</summary>
    public IReadOnlyList<string> Searched { get; }
}
