namespace SharpGrad.NN;

/// <summary>
/// One call of cross-entropy (from logits) or NLL (from log-probabilities) with class-index targets: the per-row work arrays
/// its forward fills and its backward reads, and the two kernels. Each kernel reads the targets and writes its results
/// itself, so a <see cref="StepGraph"/> that replays them sees the targets of the replayed step, not those of the capture.
/// </summary>
internal sealed class ClassIndexLoss
{
    private readonly string _op;
    private readonly Tensor _rows, _target, _result;
    private readonly int _classes;
    private readonly double[]? _weight;
    private readonly long _ignoreIndex;
    private readonly double _smoothing;
    private readonly Reduction _reduction;
    private readonly bool _fromLogits;
    // per-row work arrays that live as long as the step's graph (pooled inside a TensorScope); ignored rows stay 0
    private readonly long[] _t;
    private readonly double[] _lse, _loss, _rowWeight;
    private readonly double[] _coef;
    private double _normaliser;

    public ClassIndexLoss(string op, Tensor rows, Tensor target, int classes, double[]? weight, long ignoreIndex, double smoothing,
        Reduction reduction, bool fromLogits, Tensor result)
    {
        (_op, _rows, _target, _classes, _weight, _ignoreIndex, _smoothing, _reduction, _fromLogits, _result) =
            (op, rows, target, classes, weight, ignoreIndex, smoothing, reduction, fromLogits, result);
        int m = rows.Shape[0];
        _t = TensorScope.RentArray<long>(m);
        _lse = TensorScope.RentArray<double>(m);
        _loss = TensorScope.RentArray<double>(m);
        _rowWeight = TensorScope.RentArray<double>(m);
        _coef = TensorScope.RentArray<double>(reduction == Reduction.None ? m : 1);
    }

    /// <summary>Copies and checks the targets, computes each row's loss and writes the (reduced) result.</summary>
    public void Forward()
    {
        _target.Span<long>().CopyTo(_t);
        for (int i = 0; i < _t.Length; i++)
        {
            if (_t[i] == _ignoreIndex) continue;
            if (_t[i] < 0 || _t[i] >= _classes)
                throw new ArgumentOutOfRangeException("target", _t[i],
                    $"{_op}: target {_t[i]} (at position {i}) is out of range for {_classes} classes; valid targets are 0..{_classes - 1}" +
                    $" or the ignore index {_ignoreIndex}.");
        }
        Array.Clear(_lse);
        Array.Clear(_loss);
        Array.Clear(_rowWeight);
        if (_fromLogits)
        {
            if (_rows.DType == DType.Float32) CrossEntropyKernel.Forward(_rows.Span<float>(), _classes, _t, _weight, _ignoreIndex, _smoothing, _lse, _loss, _rowWeight);
            else CrossEntropyKernel.Forward(_rows.Span<double>(), _classes, _t, _weight, _ignoreIndex, _smoothing, _lse, _loss, _rowWeight);
        }
        else
        {
            for (int i = 0; i < _t.Length; i++)
            {
                if (_t[i] == _ignoreIndex) continue;
                _rowWeight[i] = _weight is null ? 1.0 : _weight[_t[i]];
                _loss[i] = -_rowWeight[i] * _rows.Storage.Get(_rows.Offset + i * _classes + (int)_t[i]);
            }
        }
        // Mean divides by Σ w[tᵢ] over the non-ignored rows
        _normaliser = _reduction == Reduction.Mean ? Sum(_rowWeight) : 1.0;
        if (_reduction == Reduction.None)
            for (int i = 0; i < _loss.Length; i++) _result.Storage.Set(_result.Offset + i, _loss[i]);
        else _result.Storage.Set(_result.Offset, Sum(_loss) / _normaliser);
    }

    /// <summary>dRows (zeroed, (M, C)) from the gradient of the result.</summary>
    public void Backward(Tensor g, Tensor dRows)
    {
        if (_reduction == Reduction.None)
            for (int i = 0; i < _coef.Length; i++) _coef[i] = g.Storage.Get(g.StorageIndexOfLinear(i));
        else _coef[0] = g.Storage.Get(g.StorageIndexOfLinear(0)) / _normaliser;
        if (_fromLogits)
        {
            if (_rows.DType == DType.Float32) CrossEntropyKernel.Backward(_rows.Span<float>(), _classes, _t, _weight, _ignoreIndex, _smoothing, _lse, _coef, dRows.Span<float>());
            else CrossEntropyKernel.Backward(_rows.Span<double>(), _classes, _t, _weight, _ignoreIndex, _smoothing, _lse, _coef, dRows.Span<double>());
        }
        else
        {
            for (int i = 0; i < _t.Length; i++)
                if (_t[i] != _ignoreIndex)
                    dRows.Storage.Set(i * _classes + (int)_t[i], -(_coef.Length == 1 ? _coef[0] : _coef[i]) * _rowWeight[i]);
        }
    }

    private static double Sum(double[] values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }
}
