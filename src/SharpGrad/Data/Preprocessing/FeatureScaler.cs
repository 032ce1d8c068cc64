using System.Numerics;

namespace SharpGrad.Data;

/// <summary>
/// A per-column affine rescaling fitted on training data: <c>y = (x − shift) / divisor + offset</c> for each feature
/// column, inverted by <c>x = (y − offset) · divisor + shift</c>. Subclasses choose the three vectors in <see cref="FitCore"/>.
/// </summary>
/// <remarks>
/// Inputs are 2-D (samples, features) tensors; a 1-D tensor is one sample. Float32 and Float64 inputs keep their
/// dtype (arithmetic is done in double), Int64 inputs give Float32 results. Statistics are computed in double.
/// </remarks>
public abstract class FeatureScaler
{
    private double[]? _shift;
    private double[]? _divisor;
    private double[]? _offset;

    /// <summary>True once <see cref="Fit"/> has been called.</summary>
    public bool IsFitted => _shift is not null;

    /// <summary>The number of feature columns seen by <see cref="Fit"/> (0 before fitting).</summary>
    public int FeatureCount => _shift?.Length ?? 0;

    /// <summary>The number of samples seen by <see cref="Fit"/>.</summary>
    public int SamplesSeen { get; private set; }

    /// <summary>Learns the per-column statistics from <paramref name="x"/> (samples, features).</summary>
    /// <param name="x">Training data, 2-D.</param>
    /// <returns>This scaler, for chaining.</returns>
    /// <exception cref="ShapeMismatchException"><paramref name="x"/> is not 2-D or has no rows.</exception>
    public FeatureScaler Fit(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank != 2)
        {
            throw new ShapeMismatchException($"{GetType().Name}.Fit: expects a 2-D (samples, features) tensor, got shape {SharpGrad.Shape.Format(x.Shape)}.");
        }

        if (x.Shape[0] == 0)
        {
            throw new ShapeMismatchException($"{GetType().Name}.Fit: needs at least one sample, got shape {SharpGrad.Shape.Format(x.Shape)}.");
        }

        int n = x.Shape[0], f = x.Shape[1];
        Tensor dense = x.DType == DType.Int64 ? x.Detach().To(DType.Float64) : x.Detach().Contiguous();
        var columns = new ColumnData(dense, n, f);
        var shift = new double[f];
        var divisor = new double[f];
        var offset = new double[f];
        FitCore(columns, shift, divisor, offset);
        (_shift, _divisor, _offset) = (shift, divisor, offset);
        SamplesSeen = n;
        return this;
    }

    /// <summary>Applies the fitted transform to <paramref name="x"/> (samples, features) or one sample (features).</summary>
    /// <param name="x">Data with <see cref="FeatureCount"/> columns.</param>
    /// <returns>A new tensor of the same shape (Float32 for Int64 input).</returns>
    /// <exception cref="InvalidOperationException">The scaler has not been fitted.</exception>
    /// <exception cref="ShapeMismatchException">The number of columns differs from the fitted one.</exception>
    public Tensor Transform(Tensor x) => Apply(x, inverse: false, "Transform");

    /// <summary>Fits on <paramref name="x"/> and returns its transform.</summary>
    /// <param name="x">Training data, 2-D.</param>
    /// <returns>The transformed data.</returns>
    public Tensor FitTransform(Tensor x) => Fit(x).Transform(x);

    /// <summary>Undoes <see cref="Transform"/>.</summary>
    /// <param name="y">Transformed data with <see cref="FeatureCount"/> columns.</param>
    /// <returns>Data on the original scale.</returns>
    /// <exception cref="InvalidOperationException">The scaler has not been fitted.</exception>
    /// <exception cref="ShapeMismatchException">The number of columns differs from the fitted one.</exception>
    public Tensor InverseTransform(Tensor y) => Apply(y, inverse: true, "InverseTransform");

    /// <summary>
    /// Computes, for each column, the <paramref name="shift"/>, <paramref name="divisor"/> (never 0) and
    /// <paramref name="offset"/> of the transform <c>(x − shift) / divisor + offset</c>.
    /// </summary>
    /// <param name="columns">Column access to the training data.</param>
    /// <param name="shift">Filled with the per-column shift.</param>
    /// <param name="divisor">Filled with the per-column divisor.</param>
    /// <param name="offset">Filled with the per-column offset added after dividing.</param>
    protected abstract void FitCore(ColumnData columns, Span<double> shift, Span<double> divisor, Span<double> offset);

    /// <summary>Throws a clear <see cref="InvalidOperationException"/> unless <see cref="Fit"/> has been called.</summary>
    /// <param name="what">What the caller was about to do, for the message.</param>
    protected void RequireFitted(string what)
    {
        if (_shift is null)
        {
            throw new InvalidOperationException($"This {GetType().Name} is not fitted yet: call Fit(trainingData) before {what}.");
        }
    }

    private Tensor Apply(Tensor x, bool inverse, string op)
    {
        ArgumentNullException.ThrowIfNull(x);
        RequireFitted(op);
        int f = _shift!.Length;
        if (x.Rank is not (1 or 2) || x.Shape[^1] != f)
        {
            throw new ShapeMismatchException(
                $"{GetType().Name}.{op}: this scaler was fitted on {f} feature(s), but got shape {SharpGrad.Shape.Format(x.Shape)} " +
                $"(expected (samples, {f}) or ({f})).");
        }

        Tensor src = x.DType == DType.Int64 ? x.Detach().To(DType.Float32) : x.Detach().Contiguous();
        var result = Storage.Allocate(src.DType, src.Numel);
        if (src.DType == DType.Float32)
        {
            Run(new ReadOnlySpan<float>((float[])src.Storage.Data, src.Offset, src.Numel), (float[])result.Data, inverse);
        }
        else
        {
            Run(new ReadOnlySpan<double>((double[])src.Storage.Data, src.Offset, src.Numel), (double[])result.Data, inverse);
        }

        return new Tensor(result, src.ShapeArray);
    }

    private void Run<T>(ReadOnlySpan<T> src, Span<T> dst, bool inverse)
        where T : struct, IFloatingPointIeee754<T>
    {
        double[] shift = _shift!, divisor = _divisor!, offset = _offset!;
        int f = shift.Length;
        for (int row = 0; row < src.Length; row += f)
        {
            ReadOnlySpan<T> s = src.Slice(row, f);
            Span<T> d = dst.Slice(row, f);
            for (int j = 0; j < f; j++)
            {
                double v = double.CreateTruncating(s[j]);
                d[j] = T.CreateTruncating(inverse ? (v - offset[j]) * divisor[j] + shift[j] : (v - shift[j]) / divisor[j] + offset[j]);
            }
        }
    }

    /// <summary>Read access to the columns of a dense (samples, features) training matrix, as doubles.</summary>
    protected readonly ref struct ColumnData
    {
        private readonly float[]? _f;
        private readonly double[]? _d;
        private readonly int _offset;

        /// <summary>Wraps a dense Float32 or Float64 (rows, columns) tensor.</summary>
        /// <param name="dense">The contiguous data.</param>
        /// <param name="rows">The number of samples.</param>
        /// <param name="columns">The number of features.</param>
        internal ColumnData(Tensor dense, int rows, int columns)
        {
            _f = dense.Storage.Data as float[];
            _d = dense.Storage.Data as double[];
            _offset = dense.Offset;
            Rows = rows;
            Columns = columns;
        }

        /// <summary>The number of samples.</summary>
        public int Rows { get; }

        /// <summary>The number of features.</summary>
        public int Columns { get; }

        /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>).</summary>
        /// <param name="row">The sample index.</param>
        /// <param name="column">The feature index.</param>
        public double this[int row, int column] =>
            _f is not null ? _f[_offset + row * Columns + column] : _d![_offset + row * Columns + column];
    }
}
