namespace SharpGrad.Data;

/// <summary>
/// A dense classification data set: a row-major feature matrix and one integer label per row,
/// as returned by <see cref="Datasets.MakeClassification(int, int, int, int, int, int, int, double[], double, double, bool, double?, double?, bool, int?)"/>
/// and <see cref="TrainTestSplit.Split(ClassificationData, double, int?, bool, bool)"/>.
/// </summary>
public sealed class ClassificationData
{
    /// <summary>Creates a data set, validating that the shapes agree.</summary>
    /// <param name="x">Row-major features, <paramref name="samples"/> × <paramref name="features"/> values.</param>
    /// <param name="y">One label per row, each in [0, <paramref name="classes"/>).</param>
    /// <param name="samples">The number of rows.</param>
    /// <param name="features">The number of columns.</param>
    /// <param name="classes">The number of classes the labels are drawn from.</param>
    /// <exception cref="ArgumentException">The array lengths do not match the shape, or a label is out of range.</exception>
    public ClassificationData(double[] x, int[] y, int samples, int features, int classes)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        ArgumentOutOfRangeException.ThrowIfNegative(features);
        ArgumentOutOfRangeException.ThrowIfNegative(classes);
        if ((long)samples * features != x.Length)
        {
            throw new ArgumentException($"X has {x.Length} values, expected {samples} x {features}.", nameof(x));
        }

        if (y.Length != samples)
        {
            throw new ArgumentException($"y has {y.Length} labels, expected {samples}.", nameof(y));
        }

        foreach (int label in y)
        {
            if (label < 0 || label >= classes)
            {
                throw new ArgumentException($"Label {label} is outside [0, {classes}).", nameof(y));
            }
        }

        X = x;
        Y = y;
        Samples = samples;
        Features = features;
        Classes = classes;
    }

    /// <summary>The features, row-major: value (i, j) is at <c>X[i * Features + j]</c>.</summary>
    public double[] X { get; }

    /// <summary>The class label of each row, in [0, <see cref="Classes"/>).</summary>
    public int[] Y { get; }

    /// <summary>The number of rows (samples).</summary>
    public int Samples { get; }

    /// <summary>The number of columns (features).</summary>
    public int Features { get; }

    /// <summary>The number of classes labels are drawn from (some may be absent from a subset).</summary>
    public int Classes { get; }

    /// <summary>Gets feature <paramref name="column"/> of sample <paramref name="row"/>.</summary>
    /// <param name="row">The sample index.</param>
    /// <param name="column">The feature index.</param>
    /// <returns>The feature value.</returns>
    public double this[int row, int column]
    {
        get
        {
            if ((uint)column >= (uint)Features)
            {
                throw new ArgumentOutOfRangeException(nameof(column));
            }

            return Row(row)[column];
        }
    }

    /// <summary>Returns a read-only view of one row of <see cref="X"/>.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>The <see cref="Features"/> values of the row.</returns>
    public ReadOnlySpan<double> Row(int index)
    {
        if ((uint)index >= (uint)Samples)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return new ReadOnlySpan<double>(X, index * Features, Features);
    }

    /// <summary>Returns a copy of one row of <see cref="X"/>.</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>A new array with the <see cref="Features"/> values of the row.</returns>
    public double[] GetRow(int index) => Row(index).ToArray();

    /// <summary>Counts how many rows carry each label.</summary>
    /// <returns>An array of length <see cref="Classes"/>.</returns>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (int label in Y)
        {
            counts[label]++;
        }

        return counts;
    }

    /// <summary>
    /// Returns the rows at <paramref name="indices"/>, in that order (like NumPy fancy indexing
    /// <c>X[indices], y[indices]</c>).
    /// </summary>
    /// <param name="indices">Row indices; may repeat.</param>
    /// <returns>A new data set with copied values.</returns>
    public ClassificationData Subset(ReadOnlySpan<int> indices)
    {
        var x = new double[(long)indices.Length * Features];
        var y = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Row(indices[i]).CopyTo(x.AsSpan(i * Features, Features));
            y[i] = Y[indices[i]];
        }

        return new ClassificationData(x, y, indices.Length, Features, Classes);
    }
}
