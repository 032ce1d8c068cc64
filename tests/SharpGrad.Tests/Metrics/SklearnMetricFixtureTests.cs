using System.Text.Json;
using SharpGrad.Metrics;
using SharpGrad.Tests.Data;
using M = SharpGrad.Metrics.Metrics;

namespace SharpGrad.Tests.MetricFunctions;

/// <summary>
/// Every case of <c>Fixtures/sklearn_metrics.json</c> (written by <c>tools/make_metric_fixtures.py</c> with scikit-learn):
/// label metrics, averages, confusion matrices and the classification report text must match exactly (1e-12); score
/// metrics (ROC AUC, top-k, log loss) to 1e-12.
/// </summary>
public class SklearnMetricFixtureTests
{
    private static readonly Lazy<JsonElement> Root = new(() => FixtureSupport.Load("sklearn_metrics.json"));

    public static TheoryData<int, string> LabelCases() => Select(c => c.TryGetProperty("y_pred", out _));

    public static TheoryData<int, string> ScoreCases() => Select(c => c.TryGetProperty("scores", out _));

    private static TheoryData<int, string> Select(Func<JsonElement, bool> keep)
    {
        var data = new TheoryData<int, string>();
        int i = 0;
        foreach (var c in Root.Value.GetProperty("cases").EnumerateArray())
        {
            if (keep(c)) data.Add(i, c.GetProperty("name").GetString()!);
            i++;
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(LabelCases))]
    public void LabelMetricsMatchScikitLearn(int index, string name)
    {
        var c = Root.Value.GetProperty("cases")[index];
        Assert.Equal(name, c.GetProperty("name").GetString());
        int[] yTrue = c.GetProperty("y_true").Ints(), yPred = c.GetProperty("y_pred").Ints();
        Assert.Equal(c.GetProperty("accuracy").GetDouble(), M.Accuracy(yTrue, yPred), 12);

        int[,] cm = M.ConfusionMatrix(yTrue, yPred);
        var expected = c.GetProperty("confusion").EnumerateArray().Select(r => r.Ints()).ToArray();
        for (int i = 0; i < expected.Length; i++)
            for (int j = 0; j < expected[i].Length; j++) Assert.Equal(expected[i][j], cm[i, j]);

        var warnings = new List<string>();
        var scores = M.PrecisionRecallF1(yTrue, yPred, warn: warnings.Add);
        Assert.Equal(c.GetProperty("labels").Ints(), scores.Labels);
        FixtureSupport.Close(c.GetProperty("precision").Doubles(), scores.Precision, 1e-12, "precision");
        FixtureSupport.Close(c.GetProperty("recall").Doubles(), scores.Recall, 1e-12, "recall");
        FixtureSupport.Close(c.GetProperty("f1").Doubles(), scores.F1, 1e-12, "f1");
        Assert.Equal(c.GetProperty("support").Ints(), scores.Support);
        Assert.All(scores.Precision.Concat(scores.Recall).Concat(scores.F1), v => Assert.False(double.IsNaN(v)));

        foreach (var (key, avg) in new[] { ("macro", Average.Macro), ("micro", Average.Micro), ("weighted", Average.Weighted), ("binary", Average.Binary) })
        {
            if (!c.TryGetProperty(key, out var want)) continue;
            double[] w = want.Doubles();
            var got = new[] { M.Precision(yTrue, yPred, avg), M.Recall(yTrue, yPred, avg), M.F1Score(yTrue, yPred, avg) };
            FixtureSupport.Close(w, got, 1e-12, key);
        }
        var macroWarnings = new List<string>();
        M.Precision(yTrue, yPred, Average.Macro, warn: macroWarnings.Add);
        Assert.Equal(c.GetProperty("precision_macro_warns").GetBoolean(), macroWarnings.Count > 0);

        Assert.Equal(Report(c, "report"), M.ClassificationReport(yTrue, yPred).ToString());
        Assert.Equal(Report(c, "report_digits4"), M.ClassificationReport(yTrue, yPred, digits: 4).ToString());
        if (c.TryGetProperty("report_labels", out var rl))
            Assert.Equal(c.GetProperty("report_with_labels").GetString(), M.ClassificationReport(yTrue, yPred, labels: rl.Ints()).ToString());
    }

    [Theory]
    [MemberData(nameof(ScoreCases))]
    public void ScoreMetricsMatchScikitLearn(int index, string name)
    {
        var c = Root.Value.GetProperty("cases")[index];
        Assert.Equal(name, c.GetProperty("name").GetString());
        int[] yTrue = c.GetProperty("y_true").Ints();
        var s = c.GetProperty("scores");
        if (s[0].ValueKind == JsonValueKind.Number)
        {
            double[] scores = s.Doubles();
            Assert.Equal(c.GetProperty("roc_auc").GetDouble(), M.RocAuc(yTrue, scores), 12);
            Assert.Equal(c.GetProperty("log_loss").GetDouble(), M.LogLoss(yTrue, scores), 10);
            return;
        }
        double[,] raw = Matrix(s), probs = Matrix(c.GetProperty("probs"));
        if (c.TryGetProperty("roc_auc_macro", out var macro))
        {
            Assert.Equal(macro.GetDouble(), M.RocAuc(yTrue, probs, Average.Macro), 12);
            Assert.Equal(c.GetProperty("roc_auc_weighted").GetDouble(), M.RocAuc(yTrue, probs, Average.Weighted), 12);
        }
        Assert.Equal(c.GetProperty("log_loss").GetDouble(), M.LogLoss(yTrue, probs), 10);
        foreach (var kv in c.GetProperty("top_k").EnumerateObject())
            Assert.Equal(kv.Value.GetDouble(), M.TopKAccuracy(yTrue, raw, int.Parse(kv.Name)), 12);
    }

    /// <summary>
    /// scikit-learn 1.2 prints the support as a float ("2.0") when every score of the report is 0 (its averages come back as
    /// floats); SharpGrad always prints an integer, so the fixture's "N.0" supports are read as "N".
    /// </summary>
    private static string Report(JsonElement c, string key) =>
        System.Text.RegularExpressions.Regex.Replace(c.GetProperty(key).GetString()!, @" (\d+)\.0\n", "   $1\n");

    private static double[,] Matrix(JsonElement e)
    {
        var rows = e.EnumerateArray().Select(r => r.Doubles()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++) for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
