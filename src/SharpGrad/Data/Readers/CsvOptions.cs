namespace SharpGrad.Data;

/// <summary>How the label column of a CSV file is interpreted.</summary>
public enum CsvLabelKind
{
    /// <summary>
    /// Numeric when every label is a number and at least one is not an integer (a regression target); otherwise
    /// categorical.
    /// </summary>
    Auto,

    /// <summary>
    /// Class labels: the distinct values, sorted like scikit-learn's <c>LabelEncoder</c> (numerically when all are
    /// numbers, else ordinally as strings), become classes 0 … C − 1 (Int64 labels).
    /// </summary>
    Categorical,

    /// <summary>Numbers (Float32 targets), e.g. for regression; a non-numeric label is an error.</summary>
    Numeric,
}

/// <summary>Options for <see cref="CsvReader"/>.</summary>
public sealed record CsvOptions
{
    /// <summary>The field separator (default ',').</summary>
    public char Delimiter { get; init; } = ',';

    /// <summary>The quote character (default '"'); inside quotes, a doubled quote is a literal quote (RFC 4180).</summary>
    public char Quote { get; init; } = '"';

    /// <summary>Whether the first row holds column names (default true). Without a header, columns are named "1", "2", ….</summary>
    public bool HasHeader { get; init; } = true;

    /// <summary>The name of the label column (matched exactly, then case-insensitively), or null.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>The 0-based index of the label column, used when <see cref="LabelColumn"/> is null; negative counts from the end (−1 = last).</summary>
    public int? LabelColumnIndex { get; init; }

    /// <summary>The feature columns by name, in the order wanted; null means every column except the label column.</summary>
    public IReadOnlyList<string>? FeatureColumns { get; init; }

    /// <summary>How labels are interpreted (default <see cref="CsvLabelKind.Auto"/>).</summary>
    public CsvLabelKind LabelKind { get; init; } = CsvLabelKind.Auto;

    /// <summary>Whether an empty feature cell reads as NaN (default false: it is an error).</summary>
    public bool EmptyAsNaN { get; init; }
}
