namespace SharpGrad.Metrics;

/// <summary>
/// Classification metrics as plain functions over label arrays and score matrices, matching scikit-learn's definitions
/// (checked against golden fixtures from <c>tools/make_metric_fixtures.py</c>). Ill-defined ratios (a class never predicted,
/// or never present) are 0, never NaN, and are reported through the optional <c>warn</c> callback, like scikit-learn's
/// <c>zero_division="warn"</c>. The library itself never writes to the console.
/// </summary>
public static partial class Metrics
{
    /// <summary>Fraction of positions where <paramref name="yPred"/> equals <paramref name="yTrue"/> (0 for empty input).</summary>
    public static double Accuracy(int[] yTrue, int[] yPred)
    {
        CheckLengths(yTrue, yPred, "Accuracy");
        if (yTrue.Length == 0) return 0;
        int correct = 0;
        for (int i = 0; i < yTrue.Length; i++) if (yTrue[i] == yPred[i]) correct++;
        return (double)correct / yTrue.Length;
    }

    /// <summary>
    /// Fraction of rows whose true class is among the <paramref name="k"/> highest scores of <paramref name="scores"/> (N, C), like
    /// <c>sklearn.metrics.top_k_accuracy_score</c>; columns are classes 0..C−1. Ties rank the higher class index first, as scikit-learn does.
    /// </summary>
    public static double TopKAccuracy(int[] yTrue, double[,] scores, int k)
    {
        int n = scores.GetLength(0), c = scores.GetLength(1);
        if (yTrue.Length != n) throw new ArgumentException($"TopKAccuracy: {yTrue.Length} labels but {n} score rows.");
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "TopKAccuracy: k must be ≥ 1.");
        if (n == 0) return 0;
        int hits = 0;
        for (int i = 0; i < n; i++)
        {
            int t = yTrue[i];
            if (t < 0 || t >= c) throw new ArgumentOutOfRangeException(nameof(yTrue), t, $"TopKAccuracy: label {t} is out of range for {c} score columns.");
            if (InTopK(i, t, c, k, (r, j) => scores[r, j])) hits++;
        }
        return (double)hits / n;
    }

    /// <summary>Top-k accuracy of a (N, C) score tensor (logits or probabilities) against Int64 class indices (N).</summary>
    public static double TopKAccuracy(Tensor scores, Tensor target, int k) =>
        TopKAccuracy(target.ToArray<int>(), ToMatrix(scores, "TopKAccuracy"), k);

    /// <summary>True when class <paramref name="t"/> of row <paramref name="i"/> ranks among the top k (ties: higher index first).</summary>
    internal static bool InTopK(int i, int t, int classes, int k, Func<int, int, double> score)
    {
        double st = score(i, t);
        int ahead = 0;
        for (int j = 0; j < classes; j++)
        {
            double s = score(i, j);
            if (s > st || (s == st && j > t)) ahead++;
        }
        return ahead < k;
    }

    /// <summary>
    /// Confusion matrix C with C[i, j] = number of samples of true class labels[i] predicted as labels[j], like
    /// <c>sklearn.metrics.confusion_matrix</c>. <paramref name="labels"/> defaults to the sorted union of both arrays.
    /// </summary>
    public static int[,] ConfusionMatrix(int[] yTrue, int[] yPred, int[]? labels = null)
    {
        CheckLengths(yTrue, yPred, "ConfusionMatrix");
        labels ??= UniqueLabels(yTrue, yPred);
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        var m = new int[labels.Length, labels.Length];
        for (int s = 0; s < yTrue.Length; s++)
            if (index.TryGetValue(yTrue[s], out int i) && index.TryGetValue(yPred[s], out int j)) m[i, j]++;
        return m;
    }

    /// <summary>
    /// Per-class precision, recall, F1 and support (scikit-learn's <c>precision_recall_fscore_support</c> with average=None).
    /// <paramref name="labels"/> defaults to the sorted union of both arrays.
    /// </summary>
    public static ClassScores PrecisionRecallF1(int[] yTrue, int[] yPred, int[]? labels = null, Action<string>? warn = null)
    {
        CheckLengths(yTrue, yPred, "PrecisionRecallF1");
        labels ??= UniqueLabels(yTrue, yPred);
        var (tp, pred, truth) = Counts(yTrue, yPred, labels);
        var warnings = new List<string>();
        var (p, r, f) = Scores(tp, pred, truth, labels, warnings);
        Emit(warnings, warn);
        return new ClassScores(labels, p, r, f, truth.Select(v => (int)v).ToArray(), warnings);
    }

    /// <summary>
    /// Precision tp / (tp + fp), like <c>sklearn.metrics.precision_score</c>. A class that is never predicted scores 0 and
    /// produces a warning (never NaN).
    /// </summary>
    /// <param name="yTrue">True labels.</param>
    /// <param name="yPred">Predicted labels.</param>
    /// <param name="average">Binary (only <paramref name="posLabel"/>; at most two classes), Macro, Micro or Weighted.</param>
    /// <param name="posLabel">The positive class for <see cref="Average.Binary"/>.</param>
    /// <param name="warn">Receives a message for each ill-defined score set to 0.</param>
    public static double Precision(int[] yTrue, int[] yPred, Average average = Average.Binary, int posLabel = 1, Action<string>? warn = null) =>
        Averaged(yTrue, yPred, average, posLabel, warn, "Precision").Precision;

    /// <summary>Recall tp / (tp + fn), like <c>sklearn.metrics.recall_score</c>; parameters as in <see cref="Precision(int[], int[], Average, int, Action{string}?)"/>.</summary>
    public static double Recall(int[] yTrue, int[] yPred, Average average = Average.Binary, int posLabel = 1, Action<string>? warn = null) =>
        Averaged(yTrue, yPred, average, posLabel, warn, "Recall").Recall;

    /// <summary>F1 = 2·P·R / (P + R), like <c>sklearn.metrics.f1_score</c>; parameters as in <see cref="Precision(int[], int[], Average, int, Action{string}?)"/>.</summary>
    public static double F1Score(int[] yTrue, int[] yPred, Average average = Average.Binary, int posLabel = 1, Action<string>? warn = null) =>
        Averaged(yTrue, yPred, average, posLabel, warn, "F1Score").F1;

    /// <summary>
    /// A per-class precision / recall / F1 / support table with accuracy, macro and weighted averages, like
    /// <c>sklearn.metrics.classification_report</c>; <see cref="ClassificationReport.ToString"/> gives scikit-learn's text layout.
    /// </summary>
    /// <param name="yTrue">True labels.</param>
    /// <param name="yPred">Predicted labels.</param>
    /// <param name="labels">Classes to report (default: sorted union of both arrays). When this is not that union, the report
    /// shows a "micro avg" row instead of "accuracy", as scikit-learn does.</param>
    /// <param name="targetNames">Display names, one per label (default: the label numbers).</param>
    /// <param name="digits">Decimals of the scores in the text.</param>
    /// <param name="warn">Receives a message for each ill-defined score set to 0.</param>
    public static ClassificationReport ClassificationReport(int[] yTrue, int[] yPred, int[]? labels = null, string[]? targetNames = null,
        int digits = 2, Action<string>? warn = null)
    {
        CheckLengths(yTrue, yPred, "ClassificationReport");
        int[] present = UniqueLabels(yTrue, yPred);
        bool microIsAccuracy = labels is null || labels.ToHashSet().SetEquals(present);
        labels ??= present;
        if (targetNames is not null && targetNames.Length != labels.Length)
            throw new ArgumentException($"ClassificationReport: {targetNames.Length} target names for {labels.Length} labels ({string.Join(", ", labels)}).");
        var warnings = new List<string>();
        var (tp, pred, truth) = Counts(yTrue, yPred, labels);
        var (p, r, f) = Scores(tp, pred, truth, labels, warnings);
        var rows = new List<ClassificationReportRow>();
        for (int i = 0; i < labels.Length; i++)
            rows.Add(new(targetNames?[i] ?? labels[i].ToString(System.Globalization.CultureInfo.InvariantCulture), p[i], r[i], f[i], (int)truth[i]));
        long total = truth.Sum();
        var (mp, mr, mf) = Pool(tp, pred, truth, warnings);
        var micro = new ClassificationReportRow(microIsAccuracy ? "accuracy" : "micro avg", mp, mr, mf, (int)total);
        var macro = new ClassificationReportRow("macro avg", p.Average(), r.Average(), f.Average(), (int)total);
        var weighted = new ClassificationReportRow("weighted avg", WeightedMean(p, truth), WeightedMean(r, truth), WeightedMean(f, truth), (int)total);
        if (labels.Length == 0) macro = macro with { Precision = 0, Recall = 0, F1Score = 0 };
        Emit(warnings, warn);
        return new ClassificationReport(rows, micro, macro, weighted, digits, warnings);
    }

    // ------------------------------------------------------------------------------------------------------------------

    private static (double Precision, double Recall, double F1) Averaged(int[] yTrue, int[] yPred, Average average, int posLabel, Action<string>? warn, string op)
    {
        CheckLengths(yTrue, yPred, op);
        int[] present = UniqueLabels(yTrue, yPred);
        int[] labels = present;
        if (average == Average.Binary)
        {
            if (present.Length > 2)
                throw new ArgumentException($"{op}: the labels are multiclass ({string.Join(", ", present)}) but average is Binary; choose Average.Macro, Micro or Weighted.");
            if (present.Length == 2 && !present.Contains(posLabel))
                throw new ArgumentException($"{op}: posLabel={posLabel} is not a valid label; it should be one of {string.Join(", ", present)}.");
            labels = [posLabel];
        }
        var warnings = new List<string>();
        var (tp, pred, truth) = Counts(yTrue, yPred, labels);
        (double, double, double) result;
        if (average == Average.Micro) result = Pool(tp, pred, truth, warnings);
        else
        {
            var (p, r, f) = Scores(tp, pred, truth, labels, warnings);
            result = average switch
            {
                Average.Weighted => (WeightedMean(p, truth), WeightedMean(r, truth), WeightedMean(f, truth)),
                _ => labels.Length == 0 ? (0, 0, 0) : (p.Average(), r.Average(), f.Average()),
            };
        }
        // Precision reports only ill-defined precision, Recall only recall; F1 reports both (either makes the F1 0).
        Emit(warnings.Where(w => op == "F1Score" || w.StartsWith(op, StringComparison.Ordinal)).ToList(), warn);
        return result;
    }

    /// <summary>Per label: true positives, predicted count (tp + fp) and true count (tp + fn).</summary>
    internal static (long[] Tp, long[] Pred, long[] True) Counts(int[] yTrue, int[] yPred, int[] labels)
    {
        var index = new Dictionary<int, int>();
        for (int i = 0; i < labels.Length; i++) index[labels[i]] = i;
        long[] tp = new long[labels.Length], pred = new long[labels.Length], truth = new long[labels.Length];
        for (int s = 0; s < yTrue.Length; s++)
        {
            bool hasT = index.TryGetValue(yTrue[s], out int ti), hasP = index.TryGetValue(yPred[s], out int pi);
            if (hasT) truth[ti]++;
            if (hasP) pred[pi]++;
            if (hasT && hasP && ti == pi) tp[ti]++;
        }
        return (tp, pred, truth);
    }

    /// <summary>Per-class P, R, F from counts, with scikit-learn's zero-division rule (0 and a warning).</summary>
    internal static (double[] P, double[] R, double[] F) Scores(long[] tp, long[] pred, long[] truth, int[] labels, List<string> warnings)
    {
        int n = tp.Length;
        double[] p = new double[n], r = new double[n], f = new double[n];
        var noPred = new List<int>();
        var noTrue = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (pred[i] == 0) noPred.Add(labels[i]); else p[i] = (double)tp[i] / pred[i];
            if (truth[i] == 0) noTrue.Add(labels[i]); else r[i] = (double)tp[i] / truth[i];
            double denom = p[i] + r[i];
            f[i] = denom == 0 ? 0 : 2 * p[i] * r[i] / denom;
        }
        if (noPred.Count > 0)
            warnings.Add($"Precision is ill-defined and being set to 0.0 in labels with no predicted samples: {string.Join(", ", noPred)}.");
        if (noTrue.Count > 0)
            warnings.Add($"Recall is ill-defined and being set to 0.0 in labels with no true samples: {string.Join(", ", noTrue)}.");
        return (p, r, f);
    }

    /// <summary>Micro average: P, R, F of the counts pooled over the labels.</summary>
    private static (double, double, double) Pool(long[] tp, long[] pred, long[] truth, List<string> warnings)
    {
        long t = tp.Sum(), predicted = pred.Sum(), actual = truth.Sum();
        double p = 0, r = 0;
        if (predicted == 0) warnings.Add("Precision is ill-defined and being set to 0.0 due to no predicted samples.");
        else p = (double)t / predicted;
        if (actual == 0) warnings.Add("Recall is ill-defined and being set to 0.0 due to no true samples.");
        else r = (double)t / actual;
        return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r));
    }

    private static double WeightedMean(double[] values, long[] weights)
    {
        double sw = weights.Sum();
        if (sw == 0) return 0;
        double s = 0;
        for (int i = 0; i < values.Length; i++) s += values[i] * weights[i];
        return s / sw;
    }

    internal static int[] UniqueLabels(int[] a, int[] b) => a.Concat(b).Distinct().Order().ToArray();

    private static void Emit(List<string> warnings, Action<string>? warn)
    {
        if (warn is null) return;
        foreach (var w in warnings) warn(w);
    }

    private static void CheckLengths(int[] yTrue, int[] yPred, string op)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Length != yPred.Length)
            throw new ArgumentException($"{op}: yTrue has {yTrue.Length} labels but yPred has {yPred.Length}; they must have the same length.");
    }

    /// <summary>A 2-D floating tensor as a double matrix.</summary>
    internal static double[,] ToMatrix(Tensor t, string op)
    {
        if (t.Rank != 2 || !t.DType.IsFloatingPoint())
            throw new ShapeMismatchException($"{op}: expected a floating-point (N, C) score tensor, got {t.DType} with shape {Shape.Format(t.Shape)}.");
        int n = t.Shape[0], c = t.Shape[1];
        double[] flat = t.ToArray<double>();
        var m = new double[n, c];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
        return m;
    }
}
