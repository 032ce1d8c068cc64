namespace SharpGrad.Data;

/// <summary>
/// Standardises features like scikit-learn's <c>StandardScaler</c>: <c>z = (x − mean) / scale</c> per column,
/// with the mean and the <b>population</b> standard deviation (divide by N, not N − 1) of the training data.
/// </summary>
/// <remarks>
/// A column whose standard deviation is (numerically) zero gets scale 1, so a constant column maps to 0 instead of NaN
/// (sklearn's <c>_handle_zeros_in_scale</c>). The variance is computed with a two-pass algorithm in double.
/// </remarks>
public sealed class StandardScaler : FeatureScaler
{
    /// <summary>Creates a scaler.</summary>
    /// <param name="withMean">Subtract the mean (sklearn's <c>with_mean</c>).</param>
    /// <param name="withStd">Divide by the standard deviation (sklearn's <c>with_std</c>).</param>
    public StandardScaler(bool withMean = true, bool withStd = true)
    {
        WithMean = withMean;
        WithStd = withStd;
    }

    /// <summary>Whether the mean is subtracted.</summary>
    public bool WithMean { get; }

    /// <summary>Whether the data are divided by the standard deviation.</summary>
    public bool WithStd { get; }

    /// <summary>The per-column mean of the training data (sklearn's <c>mean_</c>), Float64 (features).</summary>
    public Tensor Mean => Vector(_mean, nameof(Mean));

    /// <summary>The per-column population variance (sklearn's <c>var_</c>), Float64 (features).</summary>
    public Tensor Variance => Vector(_variance, nameof(Variance));

    /// <summary>The per-column divisor (sklearn's <c>scale_</c>: the standard deviation, or 1 for constant columns), Float64 (features).</summary>
    public Tensor Scale => Vector(_scale, nameof(Scale));

    private const double MachineEpsilon = 2.220446049250313e-16;
    private double[] _mean = [];
    private double[] _variance = [];
    private double[] _scale = [];

    /// <inheritdoc/>
    protected override void FitCore(ColumnData columns, Span<double> shift, Span<double> divisor, Span<double> offset)
    {
        int n = columns.Rows, f = columns.Columns;
        var mean = new double[f];
        var variance = new double[f];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++)
            {
                mean[j] += columns[i, j];
            }
        }

        for (int j = 0; j < f; j++)
        {
            mean[j] /= n;
        }

        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++)
            {
                double d = columns[i, j] - mean[j];
                variance[j] += d * d;
            }
        }

        for (int j = 0; j < f; j++)
        {
            variance[j] /= n;
            double std = Math.Sqrt(variance[j]);

            // sklearn treats a scale below 10·eps as zero (constant column): keep such columns unscaled.
            bool constant = std < 10 * MachineEpsilon || std <= 10 * MachineEpsilon * Math.Abs(mean[j]);
            shift[j] = WithMean ? mean[j] : 0;
            divisor[j] = WithStd && !constant ? std : 1;
            offset[j] = 0;
        }

        _mean = mean;
        _variance = variance;
        _scale = divisor.ToArray();
    }

    private Tensor Vector(double[] values, string name)
    {
        RequireFitted($"reading {name}");
        return Tensor.FromArray(values);
    }
}
