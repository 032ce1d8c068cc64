using System.Text.Json;
using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public class MakeClassificationTests
{
    private static readonly JsonElement Fixture = FixtureSupport.Load("make_classification.json");

    public static TheoryData<string> ConfigNames()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Fixture.GetProperty("configs").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    private static JsonElement Config(string name) =>
        Fixture.GetProperty("configs").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    /// <summary>Calls MakeClassification with the sklearn keyword arguments stored in the fixture.</summary>
    internal static ClassificationData Generate(JsonElement p)
    {
        int I(string key, int fallback) => p.TryGetProperty(key, out JsonElement v) ? v.GetInt32() : fallback;
        double D(string key, double fallback) => p.TryGetProperty(key, out JsonElement v) ? v.GetDouble() : fallback;
        double? N(string key, double fallback) =>
            p.TryGetProperty(key, out JsonElement v) ? (v.ValueKind == JsonValueKind.Null ? null : v.GetDouble()) : fallback;
        bool B(string key, bool fallback) => p.TryGetProperty(key, out JsonElement v) ? v.GetBoolean() : fallback;
        double[]? weights = p.TryGetProperty("weights", out JsonElement w) && w.ValueKind != JsonValueKind.Null ? w.Doubles() : null;

        return Datasets.MakeClassification(
            nSamples: I("n_samples", 100),
            nFeatures: I("n_features", 20),
            nInformative: I("n_informative", 2),
            nRedundant: I("n_redundant", 2),
            nRepeated: I("n_repeated", 0),
            nClasses: I("n_classes", 2),
            nClustersPerClass: I("n_clusters_per_class", 2),
            weights: weights,
            flipY: D("flip_y", 0.01),
            classSep: D("class_sep", 1.0),
            hypercube: B("hypercube", true),
            shift: N("shift", 0.0),
            scale: N("scale", 1.0),
            shuffle: B("shuffle", true),
            randomState: p.GetProperty("random_state").GetInt32());
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void MatchesScikitLearn(string name)
    {
        JsonElement c = Config(name);
        ClassificationData data = Generate(c.GetProperty("params"));
        int n = c.GetProperty("samples").GetInt32(), f = c.GetProperty("features").GetInt32();
        Assert.Equal(n, data.Samples);
        Assert.Equal(f, data.Features);
        Assert.Equal(n * f, data.X.Length);

        int r = 0;
        foreach (JsonElement row in c.GetProperty("first_rows").EnumerateArray())
        {
            FixtureSupport.Close(row.Doubles(), data.Row(r), what: $"{name} row {r}");
            r++;
        }

        FixtureSupport.Close(c.GetProperty("last_row").Doubles(), data.Row(n - 1), what: $"{name} last row");

        // Column sums: sklearn's values are exactly rounded (math.fsum); ours are naive sums, so
        // compare relative to the sum of magnitudes.
        double[] sums = c.GetProperty("column_sums").Doubles();
        double[] absSums = c.GetProperty("column_abs_sums").Doubles();
        double weightedSum = 0, weightedAbs = 0;
        for (int j = 0; j < f; j++)
        {
            double s = 0, a = 0;
            for (int i = 0; i < n; i++)
            {
                double v = data[i, j];
                s += v;
                a += Math.Abs(v);
                double weight = ((i * 31 + j * 17) % 101) + 1;
                weightedSum += v * weight;
                weightedAbs += Math.Abs(v) * weight;
            }

            Assert.True(Math.Abs(s - sums[j]) <= 1e-12 * absSums[j], $"{name} column {j} sum: expected {sums[j]:R}, got {s:R}");
            Assert.True(Math.Abs(a - absSums[j]) <= 1e-12 * absSums[j], $"{name} column {j} abs sum");
        }

        double expectedWeighted = c.GetProperty("weighted_sum").GetDouble();
        Assert.True(Math.Abs(weightedSum - expectedWeighted) <= 1e-12 * weightedAbs, $"{name} weighted sum");

        Assert.Equal(c.GetProperty("y_head").Ints(), data.Y[..30]);
        Assert.Equal(c.GetProperty("y_counts").Ints(), data.ClassCounts());
        long yWeighted = 0;
        for (int i = 0; i < n; i++)
        {
            yWeighted += (long)data.Y[i] * i;
        }

        Assert.Equal(c.GetProperty("y_weighted_sum").GetInt64(), yWeighted);
    }

    [Fact]
    public void W1ShapeAndBalance()
    {
        ClassificationData d = Datasets.MakeClassification(nSamples: 1000, nFeatures: 20, nInformative: 2, nRedundant: 10, randomState: 42);
        Assert.Equal(1000, d.Samples);
        Assert.Equal(20, d.Features);
        Assert.Equal(2, d.Classes);
        Assert.Equal(20_000, d.X.Length);
        Assert.Equal(1000, d.Y.Length);
        int[] counts = d.ClassCounts();
        Assert.Equal(1000, counts.Sum());
        Assert.InRange(counts[0], 480, 520); // 500 each before flip_y=0.01 label noise
        Assert.Equal(d.Row(3).ToArray(), d.GetRow(3));
        Assert.Equal(d.X[3 * 20 + 5], d[3, 5]);
    }

    [Fact]
    public void DefaultsMatchScikitLearn()
    {
        ClassificationData d = Datasets.MakeClassification(randomState: 0);
        Assert.Equal(100, d.Samples);
        Assert.Equal(20, d.Features);
        Assert.Equal(2, d.Classes);
    }

    [Fact]
    public void SameSeedIsDeterministicAndSeedsDiffer()
    {
        ClassificationData a = Datasets.MakeClassification(randomState: 5);
        ClassificationData b = Datasets.MakeClassification(randomState: 5);
        ClassificationData c = Datasets.MakeClassification(randomState: 6);
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
        Assert.NotEqual(a.X, c.X);
    }

    [Fact]
    public void GeneratorOverloadAdvancesTheSharedState()
    {
        var rng = new NumPyRandomState(42);
        ClassificationData first = Datasets.MakeClassification(rng, nSamples: 1000, nFeatures: 20, nInformative: 2, nRedundant: 10);
        ClassificationData viaSeed = Datasets.MakeClassification(nSamples: 1000, nFeatures: 20, nInformative: 2, nRedundant: 10, randomState: 42);
        Assert.Equal(viaSeed.X, first.X);
        ClassificationData second = Datasets.MakeClassification(rng, nSamples: 1000, nFeatures: 20, nInformative: 2, nRedundant: 10);
        Assert.NotEqual(first.X, second.X);
    }

    [Fact]
    public void UnshuffledLayoutHasClusterLabelsAndRepeatedColumns()
    {
        // No label noise, no shuffling: rows come cluster by cluster, cluster k labelled k % nClasses,
        // and each repeated column is an exact copy of an informative/redundant column.
        ClassificationData d = Datasets.MakeClassification(
            nSamples: 120, nFeatures: 10, nInformative: 3, nRedundant: 2, nRepeated: 2, nClasses: 3,
            nClustersPerClass: 2, flipY: 0.0, shuffle: false, randomState: 1);
        for (int i = 0; i < 120; i++)
        {
            Assert.Equal(i / 20 % 3, d.Y[i]);
        }

        for (int r = 5; r < 7; r++)
        {
            bool copied = Enumerable.Range(0, 5).Any(src => Enumerable.Range(0, 120).All(i => d[i, r] == d[i, src]));
            Assert.True(copied, $"column {r} is not a copy of columns 0..4");
        }
    }

    [Fact]
    public void WeightsControlClassProportions()
    {
        ClassificationData d = Datasets.MakeClassification(nSamples: 1000, weights: [0.9], flipY: 0.0, randomState: 3);
        Assert.Equal([901, 99], d.ClassCounts()); // 1 - 0.9 rounds below 0.1: sklearn gives [901, 99] too
        ClassificationData e = Datasets.MakeClassification(nSamples: 1000, nClasses: 3, nInformative: 3, weights: [0.5, 0.3, 0.2], flipY: 0.0, randomState: 3);
        Assert.Equal([500, 300, 200], e.ClassCounts());
    }

    [Fact]
    public void ShiftAndScaleAreApplied()
    {
        ClassificationData baseData = Datasets.MakeClassification(shuffle: false, randomState: 8);
        ClassificationData moved = Datasets.MakeClassification(shift: 2.0, scale: 3.0, shuffle: false, randomState: 8);
        for (int i = 0; i < baseData.X.Length; i++)
        {
            Assert.Equal((baseData.X[i] + 2.0) * 3.0, moved.X[i], 12);
        }
    }

    [Fact]
    public void TooManyStructuredFeaturesThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => Datasets.MakeClassification(nFeatures: 5, nInformative: 3, nRedundant: 2, nRepeated: 1));
        Assert.Contains("Number of informative, redundant and repeated features must sum to less than the number of total features", ex.Message);
    }

    [Fact]
    public void TooManyClustersThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => Datasets.MakeClassification(nClasses: 3, nInformative: 2, nClustersPerClass: 2));
        Assert.Contains("n_classes(3) * n_clusters_per_class(2) must be smaller or equal 2**n_informative(2)=4", ex.Message);
    }

    [Fact]
    public void BadWeightsThrow()
    {
        var ex = Assert.Throws<ArgumentException>(() => Datasets.MakeClassification(weights: [0.2, 0.3, 0.5]));
        Assert.Contains("Weights specified but incompatible with number of classes.", ex.Message);
    }

    [Theory]
    [InlineData(0, 20, 2, 2, 0, 2, 2, 0.01)]
    [InlineData(100, 0, 2, 2, 0, 2, 2, 0.01)]
    [InlineData(100, 20, 0, 2, 0, 2, 2, 0.01)]
    [InlineData(100, 20, 2, -1, 0, 2, 2, 0.01)]
    [InlineData(100, 20, 2, 2, -1, 2, 2, 0.01)]
    [InlineData(100, 20, 2, 2, 0, 0, 2, 0.01)]
    [InlineData(100, 20, 2, 2, 0, 2, 0, 0.01)]
    [InlineData(100, 20, 2, 2, 0, 2, 2, 1.5)]
    [InlineData(100, 20, 2, 2, 0, 2, 2, -0.1)]
    public void OutOfRangeParametersThrow(int n, int f, int inf, int red, int rep, int cls, int cpc, double flip) =>
        Assert.Throws<ArgumentException>(() => Datasets.MakeClassification(n, f, inf, red, rep, cls, cpc, flipY: flip, randomState: 0));

    [Fact]
    public void ClassificationDataValidatesShapes()
    {
        Assert.Throws<ArgumentException>(() => new ClassificationData(new double[5], new int[2], 2, 2, 2));
        Assert.Throws<ArgumentException>(() => new ClassificationData(new double[4], new int[3], 2, 2, 2));
        Assert.Throws<ArgumentException>(() => new ClassificationData(new double[4], [0, 2], 2, 2, 2));
    }
}
