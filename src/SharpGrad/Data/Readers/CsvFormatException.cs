namespace SharpGrad.Data;

/// <summary>
/// A CSV file that cannot be read as a table of numbers: the message names the file, the 1-based line and column and the
/// column's header name where they apply, and says what was wrong, so it can be shown to a user as it is.
/// </summary>
public sealed class CsvFormatException : DataFormatException
{
    /// <summary>Creates the exception; the message is composed from the location and <paramref name="problem"/>.</summary>
    /// <param name="source">The file name (or a description of the source).</param>
    /// <param name="line">The 1-based line, or null when the problem concerns the whole file.</param>
    /// <param name="column">The 1-based column (field number), or null.</param>
    /// <param name="columnName">The header name of the column, or null.</param>
    /// <param name="problem">What is wrong, as a sentence.</param>
    public CsvFormatException(string source, int? line, int? column, string? columnName, string problem)
        : base(Compose(source, line, column, columnName, problem))
    {
        FileName = source;
        Line = line;
        Column = column;
        ColumnName = columnName;
        Problem = problem;
    }

    /// <summary>The file name (or a description of the source).</summary>
    public string FileName { get; }

    /// <summary>The 1-based line number of the problem, or null when it concerns the whole file.</summary>
    public int? Line { get; }

    /// <summary>The 1-based column (field) number, or null.</summary>
    public int? Column { get; }

    /// <summary>The header name of the column, or null.</summary>
    public string? ColumnName { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    private static string Compose(string source, int? line, int? column, string? columnName, string problem)
    {
        string where = source;
        if (line is int l)
        {
            where += $", line {l}";
        }

        if (column is int c)
        {
            where += columnName is null ? $", column {c}" : $", column {c} ('{columnName}')";
        }

        return $"{where}: {problem}";
    }
}
