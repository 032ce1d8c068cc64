namespace SharpGrad.Data;

/// <summary>
/// Scales each feature to a range like scikit-learn's <c>MinMaxScaler</c>:
/// <c>y = (x − min) / (max − min) · (hi − lo) + lo</c>, with min and max taken per column of the training data.
/// </summary>
/// <remarks>A constant column (max = min) is only shifted: its values map to <c>lo</c>.</remarks>
public sealed class MinMaxScaler : FeatureScaler
{
    private double[] _dataMin = [];
    private double[] _dataMax = [];

    /// <summary>Creates a scaler to [0, 1].</summary>
    public MinMaxScaler()
        : this((0, 1))
    {
    }

    /// <summary>Creates a scaler to [<c>featureRange.Min</c>, <c>featureRange.Max</c>].</summary>
    /// <param name="featureRange">The target range; Min must be below Max.</param>
    /// <exception cref="ArgumentException">Min ≥ Max or a bound is not finite.</exception>
    public MinMaxScaler((double Min, double Max) featureRange)
    {
        if (!(featureRange.Min < featureRange.Max) || !double.IsFinite(featureRange.Min) || !double.IsFinite(featureRange.Max))
        {
            throw new ArgumentException(
                $"MinMaxScaler: the feature range must have Min < Max (both finite), got ({featureRange.Min}, {featureRange.Max}).",
                nameof(featureRange));
        }

        FeatureRange = featureRange;
    }

    /// <summary>The target range.</summary>
    public (double Min, double Max) FeatureRange { get; }

    /// <summary>The per-column minimum of the training data (sklearn's <c>data_min_</c>), Float64 (features).</summary>
    public Tensor DataMin => Vector(_dataMin, nameof(DataMin));

    /// <summary>The per-column maximum of the training data (sklearn's <c>data_max_</c>), Float64 (features).</summary>
    public Tensor DataMax => Vector(_dataMax, nameof(DataMax));

    /// <inheritdoc/>
    protected override void FitCore(ColumnData columns, Span<double> shift, Span<double> divisor, Span<double> offset)
    {
        int n = columns.Rows, f = columns.Columns;
        var min = new double[f];
        var max = new double[f];
        for (int j = 0; j < f; j++)
        {
            min[j] = double.PositiveInfinity;
            max[j] = double.NegativeInfinity;
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++)
            {
                double v = columns[i, j];
                min[j] = Math.Min(min[j], v);
                max[j] = Math.Max(max[j], v);
            }
        }

        double width = FeatureRange.Max - FeatureRange.Min;
        for (int j = 0; j < f; j++)
        {
            double range = max[j] - min[j];
            shift[j] = min[j];
            divisor[j] = range == 0 ? 1 : range / width;
            offset[j] = FeatureRange.Min;
        }

        _dataMin = min;
        _dataMax = max;
    }

    private Tensor Vector(double[] values, string name)
    {
        RequireFitted($"reading {name}");
        return Tensor.FromArray(values);
    }
}
