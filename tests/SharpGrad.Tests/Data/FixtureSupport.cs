using System.Text.Json;

namespace SharpGrad.Tests.Data;

/// <summary>Loads the golden JSON fixtures written by tools/make_classification_fixture.py.</summary>
internal static class FixtureSupport
{
    public static JsonElement Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static long[] Longs(this JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static int[] Ints(this JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>Asserts |actual − expected| ≤ tol · max(1, |expected|) element-wise.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tol = 1e-12, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tol * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(
                Math.Abs(actual[i] - expected[i]) <= bound,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
