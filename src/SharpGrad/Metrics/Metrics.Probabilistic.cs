namespace SharpGrad.Metrics;

public static partial class Metrics
{
    /// <summary>numpy's <c>finfo(float64).eps</c> = 2⁻⁵², scikit-learn's default clipping for <see cref="LogLoss(int[], double[,], double?)"/>.</summary>
    private const double Float64Epsilon = 2.220446049250313e-16;

    /// <summary>
    /// Area under the ROC curve for binary labels and scores, like <c>sklearn.metrics.roc_auc_score</c>: the trapezoid rule over
    /// the (FPR, TPR) points of every distinct threshold, so tied scores count half. The larger of the two labels is positive.
    /// </summary>
    /// <exception cref="ArgumentException">Only one class occurs in <paramref name="yTrue"/> (AUC is undefined), or more than two.</exception>
    public static double RocAuc(int[] yTrue, double[] scores)
    {
        if (yTrue.Length != scores.Length) throw new ArgumentException($"RocAuc: {yTrue.Length} labels but {scores.Length} scores.");
        int[] classes = yTrue.Distinct().Order().ToArray();
        if (classes.Length == 1) throw new ArgumentException("RocAuc: only one class present in yTrue; ROC AUC is not defined in that case.");
        if (classes.Length != 2) throw new ArgumentException($"RocAuc: binary labels expected, got {classes.Length} classes ({string.Join(", ", classes)}); pass a (N, C) score matrix for one-vs-rest.");
        return BinaryAuc(yTrue.Select(y => y == classes[1]).ToArray(), scores);
    }

    /// <summary>
    /// One-vs-rest ROC AUC for multiclass labels 0..C−1 and a (N, C) matrix of class probabilities, like
    /// <c>roc_auc_score(multi_class="ovr")</c>: the AUC of each class against the rest, averaged with <see cref="Average.Macro"/>
    /// (default) or <see cref="Average.Weighted"/> (by class prevalence). Every class must occur in <paramref name="yTrue"/>,
    /// and rows must sum to 1.
    /// </summary>
    public static double RocAuc(int[] yTrue, double[,] scores, Average average = Average.Macro)
    {
        int n = scores.GetLength(0), c = scores.GetLength(1);
        if (yTrue.Length != n) throw new ArgumentException($"RocAuc: {yTrue.Length} labels but {n} score rows.");
        if (average is not (Average.Macro or Average.Weighted))
            throw new ArgumentException($"RocAuc: one-vs-rest supports Average.Macro or Average.Weighted, not {average}.");
        int[] classes = yTrue.Distinct().Order().ToArray();
        if (!classes.SequenceEqual(Enumerable.Range(0, c)))
            throw new ArgumentException($"RocAuc: yTrue must contain every class 0..{c - 1} of the {c} score columns; found {string.Join(", ", classes)}.");
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < c; j++) s += scores[i, j];
            if (Math.Abs(s - 1) > 1e-5 + 1e-8)
                throw new ArgumentException($"RocAuc: scores must be probabilities summing to 1 over the classes for one-vs-rest; row {i} sums to {s}. Apply Softmax(1) to logits first.");
        }
        double total = 0, weights = 0;
        for (int k = 0; k < c; k++)
        {
            var positive = new bool[n];
            var col = new double[n];
            int count = 0;
            for (int i = 0; i < n; i++) { positive[i] = yTrue[i] == k; col[i] = scores[i, k]; if (positive[i]) count++; }
            double w = average == Average.Weighted ? count : 1;
            total += w * BinaryAuc(positive, col);
            weights += w;
        }
        return total / weights;
    }

    /// <summary>Trapezoid over thresholds in decreasing score order; ties form one step (a diagonal segment).</summary>
    internal static double BinaryAuc(bool[] positive, double[] scores)
    {
        int[] order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
        double tp = 0, fp = 0, area = 0;
        int at = 0;
        while (at < order.Length)
        {
            double prevTp = tp, prevFp = fp, s = scores[order[at]];
            while (at < order.Length && scores[order[at]] == s)
            {
                if (positive[order[at]]) tp++; else fp++;
                at++;
            }
            area += (fp - prevFp) * (tp + prevTp) / 2;
        }
        if (tp == 0 || fp == 0) throw new ArgumentException("RocAuc: only one class present; ROC AUC is not defined in that case.");
        return area / (tp * fp);
    }

    /// <summary>
    /// Mean cross-entropy of predicted probabilities, like <c>sklearn.metrics.log_loss</c>: columns of <paramref name="probabilities"/>
    /// (N, C) are classes 0..C−1; each probability is clipped to [ε, 1 − ε] (ε = 2.22e−16, float64 machine epsilon, unless given),
    /// rows are renormalised, and the loss is −mean log p[i, yᵢ].
    /// </summary>
    public static double LogLoss(int[] yTrue, double[,] probabilities, double? eps = null)
    {
        int n = probabilities.GetLength(0), c = probabilities.GetLength(1);
        if (yTrue.Length != n) throw new ArgumentException($"LogLoss: {yTrue.Length} labels but {n} probability rows.");
        double e = eps ?? Float64Epsilon;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            int t = yTrue[i];
            if (t < 0 || t >= c) throw new ArgumentOutOfRangeException(nameof(yTrue), t, $"LogLoss: label {t} is out of range for {c} probability columns.");
            double rowSum = 0;
            for (int j = 0; j < c; j++) rowSum += Math.Clamp(probabilities[i, j], e, 1 - e);
            sum -= Math.Log(Math.Clamp(probabilities[i, t], e, 1 - e) / rowSum);
        }
        return n == 0 ? 0 : sum / n;
    }

    /// <summary>Binary log loss from the probability of class 1 per sample (labels 0/1); see <see cref="LogLoss(int[], double[,], double?)"/>.</summary>
    public static double LogLoss(int[] yTrue, double[] probabilityOfOne, double? eps = null)
    {
        double e = eps ?? Float64Epsilon;
        var m = new double[probabilityOfOne.Length, 2];
        for (int i = 0; i < probabilityOfOne.Length; i++)
        {
            double p = Math.Clamp(probabilityOfOne[i], e, 1 - e);
            m[i, 0] = 1 - p;
            m[i, 1] = p;
        }
        return LogLoss(yTrue, m, e);
    }

    /// <summary>Perplexity exp(mean negative log-likelihood), e.g. of a language model's mean cross-entropy in nats.</summary>
    public static double Perplexity(double meanNegativeLogLikelihood) => Math.Exp(meanNegativeLogLikelihood);

    /// <summary>Perplexity exp(mean of <paramref name="negativeLogLikelihoods"/>) over per-token NLLs (nats).</summary>
    public static double Perplexity(IEnumerable<double> negativeLogLikelihoods) => Math.Exp(negativeLogLikelihoods.Average());

    /// <summary>
    /// Perplexity of logits against Int64 targets: exp of the mean cross-entropy, skipping <paramref name="ignoreIndex"/>. Logits are
    /// (N, C) with targets (N), or (B, T, V) with targets (B, T) (the vocabulary last, as a language model produces them).
    /// </summary>
    public static double Perplexity(Tensor logits, Tensor target, long ignoreIndex = NN.Losses.DefaultIgnoreIndex)
    {
        using var _ = Autograd.NoGrad();
        (Tensor x, Tensor t) = SharpGrad.Metrics.Perplexity.AsRows(logits, target);
        return Math.Exp(NN.Losses.CrossEntropy(x, t, ignoreIndex: ignoreIndex).Item());
    }
}
