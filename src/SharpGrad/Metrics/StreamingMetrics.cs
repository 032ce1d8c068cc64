namespace SharpGrad.Metrics;

/// <summary>
/// Turns a batch into label arrays: (N, C[, d…]) scores → argmax over dim 1 against Int64 targets (N[, d…]); (N) or (N, 1)
/// → binary, probability (or sigmoid of a logit) ≥ threshold against 0/1 targets (floating or Int64).
/// </summary>
internal static class BatchLabels
{
    /// <summary>
    /// For dense (N, C) float scores with C ≥ 2 and Int64 labels (N): how many rows have their first maximum (NaN counting as
    /// the maximum, as <see cref="Tensor.Argmax(int, bool)"/>) at the label. False for every other layout, which <see cref="From"/> handles.
    /// </summary>
    public static bool TryCountArgmaxHits(Tensor output, Tensor target, out long hits)
    {
        hits = 0;
        if (output.Rank != 2 || output.Shape[1] < 2 || !output.IsContiguous || output.DType != DType.Float32 ||
            target.Rank != 1 || target.DType != DType.Int64 || !target.IsContiguous || target.Shape[0] != output.Shape[0])
            return false;
        int n = output.Shape[0], c = output.Shape[1];
        ReadOnlySpan<float> scores = output.Span<float>();
        ReadOnlySpan<long> labels = target.Span<long>();
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> row = scores.Slice(i * c, c);
            float best = row[0];
            int bestIndex = 0;
            for (int j = 1; j < c && !float.IsNaN(best); j++)
                if (float.IsNaN(row[j]) || row[j] > best) (best, bestIndex) = (row[j], j);
            if (labels[i] == bestIndex) hits++;
        }
        return true;
    }

    public static (int[] True, int[] Pred) From(Tensor output, Tensor target, double threshold, bool fromLogits, string metric)
    {
        using var _ = Autograd.NoGrad();
        bool binary = output.Rank == 1 || (output.Rank == 2 && output.Shape[1] == 1);
        if (binary)
        {
            if (target.Numel != output.Numel)
                throw new ShapeMismatchException(metric, output.Shape, target.Shape, "binary outputs (N) or (N, 1) need one 0/1 target per sample");
            double[] p = output.ToArray<double>();
            double[] t = target.ToArray<double>();
            var yPred = new int[p.Length];
            var yTrue = new int[p.Length];
            for (int i = 0; i < p.Length; i++)
            {
                double prob = fromLogits ? 1 / (1 + Math.Exp(-p[i])) : p[i];
                yPred[i] = prob >= threshold ? 1 : 0;
                if (t[i] is not (0 or 1))
                    throw new ArgumentOutOfRangeException(nameof(target), t[i], $"{metric}: binary targets must be 0 or 1, got {t[i]} at position {i}.");
                yTrue[i] = (int)t[i];
            }
            return (yTrue, yPred);
        }
        if (output.Rank < 2) throw new ShapeMismatchException($"{metric}: expected outputs (N), (N, 1) or (N, C, ...), got shape {Shape.Format(output.Shape)}.");
        if (target.DType != DType.Int64)
            throw new DTypeMismatchException($"{metric}: multiclass outputs {Shape.Format(output.Shape)} need Int64 class-index targets, got {target.DType}. Convert with target.To(DType.Int64).");
        int[] expected = [output.Shape[0], .. output.ShapeArray[2..]];
        if (!Shape.Equal(target.Shape, expected))
            throw new ShapeMismatchException(metric, output.Shape, target.Shape, $"the class-index target must have shape {Shape.Format(expected)}");
        return (target.ToArray<int>(), output.Argmax(1).ToArray<int>());
    }
}

/// <summary>
/// Streaming accuracy. Multiclass: argmax of (N, C) logits or probabilities against Int64 targets (N) (also (N, C, d…) against
/// (N, d…)). Binary: an (N) or (N, 1) output is class 1 where the probability — or sigmoid of the logit when
/// <paramref name="fromLogits"/> — is ≥ <paramref name="threshold"/>, against 0/1 targets.
/// </summary>
/// <param name="threshold">Decision threshold on the probability for binary outputs.</param>
/// <param name="fromLogits">Binary outputs are logits (apply a sigmoid first).</param>
public sealed class Accuracy(double threshold = 0.5, bool fromLogits = false) : IMetric
{
    private long _correct, _total;

    /// <inheritdoc/>
    public string Name => "accuracy";

    /// <inheritdoc/>
    public void Reset() => (_correct, _total) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        if (BatchLabels.TryCountArgmaxHits(output, target, out long hits))
        {
            // (N, C) scores against (N) labels: counted in place, nothing allocated (the training loop calls this every step)
            _correct += hits;
            _total += target.Numel;
            return;
        }
        var (t, p) = BatchLabels.From(output, target, threshold, fromLogits, "Accuracy");
        for (int i = 0; i < t.Length; i++) if (t[i] == p[i]) _correct++;
        _total += t.Length;
    }

    /// <inheritdoc/>
    public double Compute() => _total == 0 ? 0 : (double)_correct / _total;
}

/// <summary>Streaming top-k accuracy of (N, C) scores against Int64 targets (N); ties rank the higher class index first, as scikit-learn.</summary>
/// <param name="k">How many of the highest-scoring classes count as a hit.</param>
public sealed class TopKAccuracy(int k = 5) : IMetric
{
    private long _hits, _total;

    /// <summary>How many top classes count.</summary>
    public int K { get; } = k >= 1 ? k : throw new ArgumentOutOfRangeException(nameof(k), k, "TopKAccuracy: k must be ≥ 1.");

    /// <inheritdoc/>
    public string Name => $"top{K}_accuracy";

    /// <inheritdoc/>
    public void Reset() => (_hits, _total) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        double[,] s = Metrics.ToMatrix(output.Detach(), "TopKAccuracy");
        if (target.DType != DType.Int64 || target.Rank != 1 || target.Shape[0] != s.GetLength(0))
            throw new ShapeMismatchException("TopKAccuracy", output.Shape, target.Shape, "the target must be Int64 class indices (N)");
        int[] t = target.ToArray<int>();
        int c = s.GetLength(1);
        for (int i = 0; i < t.Length; i++)
        {
            if (t[i] < 0 || t[i] >= c) throw new ArgumentOutOfRangeException(nameof(target), t[i], $"TopKAccuracy: target {t[i]} is out of range for {c} classes.");
            if (Metrics.InTopK(i, t[i], c, K, (r, j) => s[r, j])) _hits++;
        }
        _total += t.Length;
    }

    /// <inheritdoc/>
    public double Compute() => _total == 0 ? 0 : (double)_hits / _total;
}

/// <summary>
/// Base of the streaming precision / recall / F1: accumulates true-vs-predicted counts over batches (labels as in
/// <see cref="Accuracy"/>) and scores them as scikit-learn would score all the samples at once. Ill-defined scores are 0 and
/// listed in <see cref="Warnings"/>.
/// </summary>
public abstract class ConfusionMetric : IMetric
{
    private readonly Dictionary<(int True, int Pred), long> _counts = [];
    private readonly double _threshold;
    private readonly bool _fromLogits;

    /// <summary>Creates the metric.</summary>
    /// <param name="average">How per-class scores combine (Macro by default; Binary scores only <paramref name="posLabel"/>).</param>
    /// <param name="posLabel">Positive class for <see cref="Average.Binary"/>.</param>
    /// <param name="threshold">Decision threshold for binary outputs.</param>
    /// <param name="fromLogits">Binary outputs are logits.</param>
    protected ConfusionMetric(Average average, int posLabel, double threshold, bool fromLogits)
    {
        Average = average;
        PosLabel = posLabel;
        _threshold = threshold;
        _fromLogits = fromLogits;
    }

    /// <summary>How per-class scores are combined.</summary>
    public Average Average { get; }

    /// <summary>The positive class for <see cref="Average.Binary"/>.</summary>
    public int PosLabel { get; }

    /// <summary>Messages about ill-defined scores set to 0 by the last <see cref="Compute"/>.</summary>
    public IReadOnlyList<string> Warnings { get; private set; } = [];

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public void Reset() => _counts.Clear();

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        var (t, p) = BatchLabels.From(output, target, _threshold, _fromLogits, Name);
        for (int i = 0; i < t.Length; i++) _counts[(t[i], p[i])] = _counts.GetValueOrDefault((t[i], p[i])) + 1;
    }

    /// <inheritdoc/>
    public double Compute()
    {
        // Re-expand the counts into label pairs and score them with the functional API, so streamed and one-shot results agree exactly.
        int[] yTrue = new int[_counts.Values.Sum() is var n && n <= int.MaxValue ? (int)n : throw new OverflowException()];
        int[] yPred = new int[yTrue.Length];
        int at = 0;
        foreach (var ((t, p), count) in _counts)
            for (long k = 0; k < count; k++, at++) (yTrue[at], yPred[at]) = (t, p);
        var warnings = new List<string>();
        double value = Score(yTrue, yPred, warnings.Add);
        Warnings = warnings;
        return value;
    }

    /// <summary>The score of all accumulated samples.</summary>
    private protected abstract double Score(int[] yTrue, int[] yPred, Action<string> warn);
}

/// <summary>Streaming precision (macro by default); see <see cref="ConfusionMetric"/>.</summary>
public sealed class Precision(Average average = Average.Macro, int posLabel = 1, double threshold = 0.5, bool fromLogits = false)
    : ConfusionMetric(average, posLabel, threshold, fromLogits)
{
    /// <inheritdoc/>
    public override string Name => "precision";

    private protected override double Score(int[] yTrue, int[] yPred, Action<string> warn) => Metrics.Precision(yTrue, yPred, Average, PosLabel, warn);
}

/// <summary>Streaming recall (macro by default); see <see cref="ConfusionMetric"/>.</summary>
public sealed class Recall(Average average = Average.Macro, int posLabel = 1, double threshold = 0.5, bool fromLogits = false)
    : ConfusionMetric(average, posLabel, threshold, fromLogits)
{
    /// <inheritdoc/>
    public override string Name => "recall";

    private protected override double Score(int[] yTrue, int[] yPred, Action<string> warn) => Metrics.Recall(yTrue, yPred, Average, PosLabel, warn);
}

/// <summary>Streaming F1 (macro by default); see <see cref="ConfusionMetric"/>.</summary>
public sealed class F1Score(Average average = Average.Macro, int posLabel = 1, double threshold = 0.5, bool fromLogits = false)
    : ConfusionMetric(average, posLabel, threshold, fromLogits)
{
    /// <inheritdoc/>
    public override string Name => "f1";

    private protected override double Score(int[] yTrue, int[] yPred, Action<string> warn) => Metrics.F1Score(yTrue, yPred, Average, PosLabel, warn);
}

/// <summary>
/// Streaming ROC AUC. Binary: (N) or (N, 1) scores (probabilities or logits — AUC only depends on their order) against 0/1
/// targets. Multiclass: (N, C) probabilities (or logits with <paramref name="fromLogits"/>, softmaxed) against Int64 targets,
/// one-vs-rest macro average. Returns NaN while only one class has been seen (AUC is undefined then).
/// </summary>
/// <param name="fromLogits">Multiclass outputs are logits (a softmax is applied).</param>
public sealed class RocAuc(bool fromLogits = false) : IMetric
{
    private readonly List<int> _labels = [];
    private readonly List<double[]> _scores = [];

    /// <inheritdoc/>
    public string Name => "auc";

    /// <inheritdoc/>
    public void Reset()
    {
        _labels.Clear();
        _scores.Clear();
    }

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        using var _ = Autograd.NoGrad();
        bool binary = output.Rank == 1 || (output.Rank == 2 && output.Shape[1] == 1);
        if (target.Numel != output.Shape[0])
            throw new ShapeMismatchException("RocAuc", output.Shape, target.Shape, "one target per sample");
        if (binary)
        {
            foreach (double s in output.ToArray<double>()) _scores.Add([s]);
        }
        else
        {
            double[,] m = Metrics.ToMatrix(fromLogits ? output.Detach().Softmax(1) : output.Detach(), "RocAuc");
            for (int i = 0; i < m.GetLength(0); i++)
            {
                var row = new double[m.GetLength(1)];
                for (int j = 0; j < row.Length; j++) row[j] = m[i, j];
                _scores.Add(row);
            }
        }
        foreach (double t in target.ToArray<double>()) _labels.Add((int)t);
    }

    /// <inheritdoc/>
    public double Compute()
    {
        int distinct = _labels.Distinct().Count();
        if (distinct < 2 || (_scores[0].Length > 1 && distinct < _scores[0].Length)) return double.NaN; // not defined until every class was seen
        int[] y = [.. _labels];
        if (_scores[0].Length == 1) return Metrics.RocAuc(y, _scores.Select(s => s[0]).ToArray());
        var m = new double[_scores.Count, _scores[0].Length];
        for (int i = 0; i < _scores.Count; i++) for (int j = 0; j < m.GetLength(1); j++) m[i, j] = _scores[i][j];
        return Metrics.RocAuc(y, m);
    }
}

/// <summary>
/// Streaming perplexity exp(Σ NLL / number of tokens) from logits and Int64 targets: (N, C) with (N), (N, C, d…) with (N, d…),
/// or a language model's (B, T, V) with (B, T). Targets equal to <paramref name="ignoreIndex"/> are skipped.
/// </summary>
/// <param name="ignoreIndex">Target value that is not counted (padding).</param>
public sealed class Perplexity(long ignoreIndex = NN.Losses.DefaultIgnoreIndex) : IMetric
{
    private double _nll;
    private long _tokens;

    /// <inheritdoc/>
    public string Name => "perplexity";

    /// <inheritdoc/>
    public void Reset() => (_nll, _tokens) = (0, 0);

    /// <inheritdoc/>
    public void Update(Tensor output, Tensor target)
    {
        using var _ = Autograd.NoGrad();
        (Tensor x, Tensor t) = AsRows(output, target);
        _nll += NN.Losses.CrossEntropy(x, t, ignoreIndex: ignoreIndex, reduction: NN.Reduction.Sum).Item();
        foreach (long v in t.ToArray<long>()) if (v != ignoreIndex) _tokens++;
    }

    /// <inheritdoc/>
    public double Compute() => _tokens == 0 ? double.NaN : Math.Exp(_nll / _tokens);

    /// <summary>(B, T, V) logits with (B, T) targets become (B·T, V) and (B·T); anything else is passed through.</summary>
    internal static (Tensor, Tensor) AsRows(Tensor logits, Tensor target)
    {
        if (logits.Rank == 3 && target.Rank == 2 && logits.Shape[0] == target.Shape[0] && logits.Shape[1] == target.Shape[1])
            return (logits.Reshape(-1, logits.Shape[2]), target.Reshape(-1));
        return (logits, target);
    }
}
