using SharpGrad.Metrics;
using M = SharpGrad.Metrics.Metrics;

namespace SharpGrad.Tests.MetricFunctions;

/// <summary>Hand-computed values, edge cases and the streaming metrics.</summary>
public class MetricBehaviourTests
{
    // y_true 0 0 1 1 1 2 ; y_pred 0 1 1 1 0 1 → class 2 is never predicted.
    private static readonly int[] T = [0, 0, 1, 1, 1, 2];
    private static readonly int[] P = [0, 1, 1, 1, 0, 1];

    [Fact]
    public void HandComputedPrecisionRecallF1()
    {
        // class 0: tp 1, pred 2, true 2 → P ½, R ½, F ½
        // class 1: tp 2, pred 4, true 3 → P ½, R ⅔, F 4/7
        // class 2: tp 0, pred 0, true 1 → P 0 (ill-defined), R 0, F 0
        var s = M.PrecisionRecallF1(T, P);
        Assert.Equal([0.5, 0.5, 0.0], s.Precision);
        Assert.Equal(2.0 / 3, s.Recall[1], 15);
        Assert.Equal(4.0 / 7, s.F1[1], 14);
        Assert.Equal([2, 3, 1], s.Support);
        Assert.Equal(0.5, M.Accuracy(T, P));
        Assert.Equal((0.5 + 0.5) / 3, M.Precision(T, P, Average.Macro), 15);
        Assert.Equal((0.5 * 2 + 0.5 * 3) / 6, M.Precision(T, P, Average.Weighted), 15);
        Assert.Equal(0.5, M.F1Score(T, P, Average.Micro), 15);             // micro F1 = accuracy
        Assert.Equal((0.5 + 4.0 / 7) / 3, M.F1Score(T, P, Average.Macro), 14);
    }

    [Fact]
    public void NeverPredictedClassGivesZeroWithAWarningNotNaN()
    {
        var warnings = new List<string>();
        double p = M.Precision(T, P, Average.Macro, warn: warnings.Add);
        Assert.False(double.IsNaN(p));
        var w = Assert.Single(warnings);
        Assert.Contains("Precision is ill-defined", w);
        Assert.Contains("2", w);
        var recallWarnings = new List<string>();
        M.Recall(T, P, Average.Macro, warn: recallWarnings.Add);
        Assert.Empty(recallWarnings);                                         // every class occurs in y_true
        var report = M.ClassificationReport(T, P);
        Assert.Single(report.Warnings);
        Assert.Equal(0.0, report.Classes[2].Precision);
        Assert.Contains("           2       0.00      0.00      0.00         1", report.ToString());
    }

    [Fact]
    public void BinaryAverageAndPosLabel()
    {
        int[] t = [0, 1, 1, 0, 1], p = [1, 1, 0, 0, 1];
        Assert.Equal(2.0 / 3, M.Precision(t, p), 15);
        Assert.Equal(0.5, M.Precision(t, p, posLabel: 0), 15);
        Assert.Throws<ArgumentException>(() => M.Precision([0, 1, 2], [0, 1, 2]));            // multiclass but binary average
        Assert.Throws<ArgumentException>(() => M.Precision([3, 4], [3, 4]));                  // posLabel 1 not present
        Assert.Equal(0.0, M.F1Score([0, 0], [0, 0], warn: _ => { }));                          // no positives at all: 0, not NaN
    }

    [Fact]
    public void ConfusionMatrixRowsAreTruthColumnsArePredictions()
    {
        int[,] cm = M.ConfusionMatrix(T, P);
        Assert.Equal(new[,] { { 1, 1, 0 }, { 1, 2, 0 }, { 0, 1, 0 } }, cm);
        Assert.Equal(new[,] { { 0, 1 }, { 0, 2 } }, M.ConfusionMatrix(T, P, labels: [2, 1]));
    }

    [Fact]
    public void RocAucHandComputedWithTies()
    {
        // positives score 0.8, 0.5 ; negatives 0.5, 0.2 → pairs: (0.8>0.5) 1, (0.8>0.2) 1, (0.5=0.5) ½, (0.5>0.2) 1 → 3.5/4
        Assert.Equal(0.875, M.RocAuc([1, 1, 0, 0], [0.8, 0.5, 0.5, 0.2]), 15);
        Assert.Equal(0.5, M.RocAuc([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3]), 15);
        var e = Assert.Throws<ArgumentException>(() => M.RocAuc([1, 1, 1], [0.1, 0.2, 0.3]));
        Assert.Contains("only one class", e.Message);
        Assert.Throws<ArgumentException>(() => M.RocAuc([0, 1, 2], new double[,] { { 2, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } })); // not probabilities
    }

    [Fact]
    public void LogLossClipsAndPerplexityIsExpOfMeanNll()
    {
        Assert.Equal(-(Math.Log(0.9) + Math.Log(0.6)) / 2, M.LogLoss([1, 0], [0.9, 0.4]), 14);
        Assert.Equal(-Math.Log(2.220446049250313e-16) / 1, M.LogLoss([1], [0.0]), 10);     // clipped, finite
        Assert.Equal(Math.E, M.Perplexity(1.0), 15);
        Assert.Equal(Math.Exp(1.5), M.Perplexity([1.0, 2.0]), 15);
        var logits = Tensor.Zeros(4, 10);                                                  // uniform over 10 → perplexity 10
        Assert.Equal(10, M.Perplexity(logits, Tensor.FromArray(new long[] { 1, 2, 3, 4 }, 4)), 5);
    }

    [Fact]
    public void TopKAccuracyTiesFollowScikitLearn()
    {
        var s = new double[,] { { 0.5, 0.5, 0.0 }, { 0.1, 0.7, 0.2 } };
        Assert.Equal(0.5, M.TopKAccuracy([0, 1], s, 1));           // row 0 tie: class 1 ranks first, so class 0 misses at k=1
        Assert.Equal(1.0, M.TopKAccuracy([0, 2], s, 2));
        Assert.Equal(0.5, M.TopKAccuracy(Tensor.FromArray(new float[] { 1, 5, 3, 9, 0, 2 }, 2, 3), Tensor.FromArray(new long[] { 2, 1 }, 2), 2));
    }

    [Fact]
    public void ReportTextMatchesScikitLearnLayout()
    {
        string expected =
            "              precision    recall  f1-score   support\n\n" +
            "         cat       0.50      0.50      0.50         2\n" +
            "         dog       0.50      0.67      0.57         3\n" +
            "        bird       0.00      0.00      0.00         1\n\n" +
            "    accuracy                           0.50         6\n" +
            "   macro avg       0.33      0.39      0.36         6\n" +
            "weighted avg       0.42      0.50      0.45         6\n";
        Assert.Equal(expected, M.ClassificationReport(T, P, targetNames: ["cat", "dog", "bird"]).ToString());
        Assert.Equal("0.12", ClassificationReport.Fixed(0.125, 2));
        Assert.Equal("0.38", ClassificationReport.Fixed(0.375, 2));
        Assert.Equal("0.01", ClassificationReport.Fixed(0.015, 2));    // 0.015 is stored just below .015
        Assert.Equal("1.0000", ClassificationReport.Fixed(1, 4));
    }

    [Fact]
    public void StreamingAccuracyMulticlassAndBinary()
    {
        IMetric acc = M.Create("accuracy");
        acc.Update(Tensor.FromArray(new float[] { 2, 1, 0, 0, 3, 1 }, 2, 3), Tensor.FromArray(new long[] { 0, 2 }, 2));
        acc.Update(Tensor.FromArray(new float[] { 0, 0, 9 }, 1, 3), Tensor.FromArray(new long[] { 2 }, 1));
        Assert.Equal(2.0 / 3, acc.Compute(), 15);
        acc.Reset();
        Assert.Equal(0, acc.Compute());

        var binary = new Accuracy();
        binary.Update(Tensor.FromArray(new float[] { 0.2f, 0.7f, 0.5f, 0.4f }, 4, 1), Tensor.FromArray(new float[] { 0, 1, 0, 0 }, 4));
        Assert.Equal(0.75, binary.Compute());
        var logits = new Accuracy(fromLogits: true);
        logits.Update(Tensor.FromArray(new float[] { -2, 3, 0.1f }, 3), Tensor.FromArray(new float[] { 0, 1, 1 }, 3));
        Assert.Equal(1.0, logits.Compute());
        Assert.Throws<DTypeMismatchException>(() => acc.Update(Tensor.Zeros(2, 3), Tensor.Zeros(2)));
        Assert.Throws<ShapeMismatchException>(() => acc.Update(Tensor.Zeros(2, 3), Tensor.FromArray(new long[] { 0, 1, 2 }, 3)));
    }

    [Fact]
    public void StreamingF1OverBatchesEqualsOneShot()
    {
        // logits whose argmax is P, fed in two batches
        var logits = new float[T.Length * 3];
        for (int i = 0; i < T.Length; i++) logits[i * 3 + P[i]] = 5;
        var all = Tensor.FromArray(logits, T.Length, 3);
        var target = Tensor.FromArray(T.Select(v => (long)v).ToArray(), T.Length);
        foreach (string name in new[] { "f1", "precision", "recall", "micro_f1", "weighted_precision" })
        {
            var m = (ConfusionMetric)M.Create(name);
            m.Update(all.Narrow(0, 0, 4), target.Narrow(0, 0, 4));
            m.Update(all.Narrow(0, 4, 2), target.Narrow(0, 4, 2));
            double expected = name switch
            {
                "f1" => M.F1Score(T, P, Average.Macro),
                "precision" => M.Precision(T, P, Average.Macro),
                "recall" => M.Recall(T, P, Average.Macro),
                "micro_f1" => M.F1Score(T, P, Average.Micro),
                _ => M.Precision(T, P, Average.Weighted),
            };
            Assert.Equal(expected, m.Compute(), 15);
        }
        var f1 = (F1Score)M.Create("f1");
        f1.Update(all, target);
        f1.Compute();
        Assert.NotEmpty(f1.Warnings);
    }

    [Fact]
    public void CreateKnowsTheNames()
    {
        Assert.Equal("top5_accuracy", M.Create("top_k_accuracy").Name);
        Assert.Equal("top3_accuracy", M.Create("top3_accuracy").Name);
        Assert.Equal("auc", M.Create("auc").Name);
        Assert.Equal("perplexity", M.Create("perplexity").Name);
        Assert.Equal(Average.Weighted, ((Recall)M.Create("recall_weighted")).Average);
        var e = Assert.Throws<ArgumentException>(() => M.Create("accuracy_score"));
        Assert.Contains("Known:", e.Message);
    }

    [Fact]
    public void StreamingTopKAucAndPerplexity()
    {
        var top2 = new TopKAccuracy(2);
        top2.Update(Tensor.FromArray(new float[] { 1, 5, 3, 9, 0, 2 }, 2, 3), Tensor.FromArray(new long[] { 2, 1 }, 2));
        Assert.Equal(0.5, top2.Compute());

        var auc = new RocAuc();
        auc.Update(Tensor.FromArray(new float[] { 0.8f, 0.5f }, 2), Tensor.FromArray(new float[] { 1, 1 }, 2));
        Assert.True(double.IsNaN(auc.Compute()));                                  // one class so far
        auc.Update(Tensor.FromArray(new float[] { 0.5f, 0.2f }, 2), Tensor.FromArray(new float[] { 0, 0 }, 2));
        Assert.Equal(0.875, auc.Compute(), 6);

        var ppl = new Perplexity();
        ppl.Update(Tensor.Zeros(2, 3, 8), Tensor.FromArray(new long[] { 1, 2, -100, 4, 5, 6 }, 2, 3));  // (B, T, V), one pad
        Assert.Equal(8, ppl.Compute(), 4);
    }
}
