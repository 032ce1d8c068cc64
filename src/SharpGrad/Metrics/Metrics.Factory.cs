using System.Text.RegularExpressions;

namespace SharpGrad.Metrics;

public static partial class Metrics
{
    /// <summary>
    /// A streaming metric by name, for <c>Compile(..., metrics: ["accuracy", "f1"])</c>: "accuracy" (or "acc"),
    /// "top_k_accuracy" (k = 5) or "topK_accuracy" (e.g. "top3_accuracy"), "precision", "recall", "f1" (macro averages;
    /// "micro_f1", "weighted_f1" and the like pick another average), "auc" (or "roc_auc"), "perplexity". Case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not one of these; the message lists them.</exception>
    public static IMetric Create(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name.Trim().ToLowerInvariant().Replace('-', '_');
        var topK = Regex.Match(n, @"^top_?(\d+)_?acc(uracy)?$");
        if (topK.Success) return new TopKAccuracy(int.Parse(topK.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        var averaged = Regex.Match(n, @"^(?:(macro|micro|weighted|binary)_)?(precision|recall|f1)(?:_(macro|micro|weighted|binary))?$");
        if (averaged.Success)
        {
            string avg = averaged.Groups[1].Success ? averaged.Groups[1].Value : averaged.Groups[3].Success ? averaged.Groups[3].Value : "macro";
            var average = Enum.Parse<Average>(avg, ignoreCase: true);
            return averaged.Groups[2].Value switch
            {
                "precision" => new Precision(average),
                "recall" => new Recall(average),
                _ => new F1Score(average),
            };
        }
        return n switch
        {
            "accuracy" or "acc" => new Accuracy(),
            "top_k_accuracy" or "topk_accuracy" => new TopKAccuracy(5),
            "auc" or "roc_auc" => new RocAuc(),
            "perplexity" or "ppl" => new Perplexity(),
            _ => throw new ArgumentException($"Unknown metric '{name}'. Known: accuracy, top_k_accuracy, top5_accuracy (any k), precision, recall, f1 " +
                "(optionally macro_/micro_/weighted_/binary_ prefixed), auc, perplexity.", nameof(name)),
        };
    }
}
