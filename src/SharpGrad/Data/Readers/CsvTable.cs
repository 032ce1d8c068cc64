namespace SharpGrad.Data;

/// <summary>
/// A numeric table read by <see cref="CsvReader"/>: a Float32 feature matrix, optional labels, and the names needed to
/// report results (column names, class names).
/// </summary>
public sealed class CsvTable
{
    internal CsvTable(string[] columnNames, string[] featureNames, string? labelName, Tensor features, Tensor? labels, string[] classNames)
    {
        ColumnNames = columnNames;
        FeatureNames = featureNames;
        LabelName = labelName;
        Features = features;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Every column of the file, in file order (header names, or "1", "2", … without a header).</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The names of the feature columns, in the order of the columns of <see cref="Features"/>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The name of the label column, or null when none was asked for.</summary>
    public string? LabelName { get; }

    /// <summary>The number of data rows.</summary>
    public int Rows => Features.Shape[0];

    /// <summary>The features, Float32 of shape (rows, features).</summary>
    public Tensor Features { get; }

    /// <summary>
    /// The labels, shape (rows): Int64 class indices into <see cref="ClassNames"/> for categorical labels, Float32 values
    /// for numeric ones; null when no label column was asked for.
    /// </summary>
    public Tensor? Labels { get; }

    /// <summary>
    /// The original label value of each class index (sorted like scikit-learn's <c>LabelEncoder.classes_</c>); empty for
    /// numeric labels or when there is no label column.
    /// </summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>True when the labels are class indices (Int64).</summary>
    public bool IsCategorical => Labels is { DType: DType.Int64 };

    /// <summary>The table as a data set: inputs <see cref="Features"/>, targets <see cref="Labels"/>.</summary>
    /// <returns>A new <see cref="TensorDataset"/> sharing the tensors.</returns>
    /// <exception cref="InvalidOperationException">The table has no label column.</exception>
    public TensorDataset ToDataset()
    {
        if (Labels is null)
        {
            throw new InvalidOperationException("This CSV table has no label column: set CsvOptions.LabelColumn (or LabelColumnIndex) when reading it.");
        }

        return new TensorDataset(Features, Labels);
    }
}
