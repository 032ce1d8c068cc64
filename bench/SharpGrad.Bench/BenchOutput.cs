using System.Text.Json;

namespace SharpGrad.Bench;

/// <summary>Writes one JSON line per figure with the keys workloads.md defines.</summary>
internal static class BenchOutput
{
    public static void Line(TextWriter output, string workload, int threads, string metric, double value, params (string Key, object Value)[] extra)
    {
        var line = new Dictionary<string, object>
        {
            ["workload"] = workload,
            ["system"] = "sharpgrad",
            ["threads"] = threads,
            ["metric"] = metric,
            ["value"] = value,
        };
        foreach (var (k, v) in extra) line[k] = v;
        output.WriteLine(JsonSerializer.Serialize(line));
        output.Flush();
    }

    public static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        int n = sorted.Count;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
