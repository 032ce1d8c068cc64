using System.Text.Json;
using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public class TrainTestSplitTests
{
    private static readonly JsonElement Fixture = FixtureSupport.Load("train_test_split.json");
    private static readonly JsonElement Datasets_ = FixtureSupport.Load("make_classification.json");

    private static JsonElement Split(string name) =>
        Fixture.GetProperty("splits").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    private static ClassificationData Dataset(string name) => MakeClassificationTests.Generate(
        Datasets_.GetProperty("configs").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name).GetProperty("params"));

    private static void AssertMatches(JsonElement e, int[] train, int[] test, int[]? y = null)
    {
        Assert.Equal(e.GetProperty("n_train").GetInt32(), train.Length);
        Assert.Equal(e.GetProperty("n_test").GetInt32(), test.Length);
        Assert.Equal(e.GetProperty("train_head").Ints(), train[..Math.Min(20, train.Length)]);
        Assert.Equal(e.GetProperty("test_head").Ints(), test[..Math.Min(20, test.Length)]);
        Assert.Equal(e.GetProperty("train_weighted_sum").GetInt64(), train.Select((v, i) => (long)v * i).Sum());
        Assert.Equal(e.GetProperty("test_weighted_sum").GetInt64(), test.Select((v, i) => (long)v * i).Sum());
        if (y is not null)
        {
            int classes = y.Max() + 1;
            Assert.Equal(e.GetProperty("y_train_counts").Ints(), Counts(train.Select(i => y[i]), classes));
            Assert.Equal(e.GetProperty("y_test_counts").Ints(), Counts(test.Select(i => y[i]), classes));
        }
    }

    private static int[] Counts(IEnumerable<int> labels, int classes)
    {
        var c = new int[classes];
        foreach (int l in labels)
        {
            c[l]++;
        }

        return c;
    }

    [Fact]
    public void W1SplitMatchesScikitLearn()
    {
        ClassificationData d = Dataset("w1");
        (int[] train, int[] test) = TrainTestSplit.Indices(1000, testSize: 0.2, randomState: 42);
        AssertMatches(Split("w1"), train, test, d.Y);
    }

    [Fact]
    public void W1SplitOfDataUsesTheSameRows()
    {
        ClassificationData d = Dataset("w1");
        (ClassificationData tr, ClassificationData te) = TrainTestSplit.Split(d, testSize: 0.2, randomState: 42);
        (int[] train, int[] test) = TrainTestSplit.Indices(1000, 0.2, 42);
        Assert.Equal(800, tr.Samples);
        Assert.Equal(200, te.Samples);
        Assert.Equal(20, tr.Features);
        Assert.Equal(d.Row(train[7]).ToArray(), tr.Row(7).ToArray());
        Assert.Equal(d.Row(test[199]).ToArray(), te.Row(199).ToArray());
        Assert.Equal(train.Select(i => d.Y[i]), tr.Y);
        Assert.Equal(Split("w1").GetProperty("y_test_counts").Ints(), te.ClassCounts());
    }

    [Fact]
    public void W1StratifiedMatchesScikitLearn()
    {
        ClassificationData d = Dataset("w1");
        (int[] train, int[] test) = TrainTestSplit.StratifiedIndices(d.Y, testSize: 0.2, randomState: 42);
        AssertMatches(Split("w1_stratified"), train, test, d.Y);
        (ClassificationData tr, ClassificationData te) = TrainTestSplit.Split(d, 0.2, 42, stratify: true);
        Assert.Equal(train.Select(i => d.Y[i]), tr.Y);
        Assert.Equal(test.Select(i => d.Y[i]), te.Y);
    }

    [Fact]
    public void MultiClassStratifiedMatchesScikitLearn()
    {
        ClassificationData d = Dataset("multi");
        (int[] train, int[] test) = TrainTestSplit.StratifiedIndices(d.Y, testSize: 0.3, randomState: 3);
        AssertMatches(Split("multi_stratified"), train, test, d.Y);
    }

    [Fact]
    public void IntegerTestSizeMatchesScikitLearn()
    {
        (int[] train, int[] test) = TrainTestSplit.Indices(100, testCount: 37, randomState: 0);
        AssertMatches(Split("count_37"), train, test);
    }

    [Fact]
    public void DefaultTestSizeMatchesScikitLearn()
    {
        (int[] train, int[] test) = TrainTestSplit.Indices(10, randomState: 0);
        AssertMatches(Split("default_size_10"), train, test);
    }

    [Fact]
    public void NoShuffleMatchesScikitLearn()
    {
        (int[] train, int[] test) = TrainTestSplit.Indices(50, 0.3, shuffle: false);
        AssertMatches(Split("noshuffle"), train, test);
        Assert.Equal(Enumerable.Range(0, 35), train);
        Assert.Equal(Enumerable.Range(35, 15), test);
    }

    [Theory]
    [InlineData(1000, 0.2, 200)]
    [InlineData(10, 0.25, 3)]  // ceil(2.5)
    [InlineData(7, 0.5, 4)]    // ceil(3.5)
    [InlineData(3, 0.01, 1)]
    public void SizesFollowCeilRuleAndPartition(int n, double testSize, int expectedTest)
    {
        (int[] train, int[] test) = TrainTestSplit.Indices(n, testSize, randomState: 1);
        Assert.Equal(expectedTest, test.Length);
        Assert.Equal(n - expectedTest, train.Length);
        Assert.Equal(Enumerable.Range(0, n), train.Concat(test).OrderBy(v => v));
    }

    [Fact]
    public void StratifiedKeepsProportions()
    {
        int[] y = Enumerable.Range(0, 100).Select(i => i < 70 ? 0 : 1).ToArray();
        (int[] train, int[] test) = TrainTestSplit.StratifiedIndices(y, 0.2, randomState: 9);
        Assert.Equal(20, test.Length);
        Assert.Equal(14, test.Count(i => y[i] == 0));
        Assert.Equal(6, test.Count(i => y[i] == 1));
        Assert.Equal(Enumerable.Range(0, 100), train.Concat(test).OrderBy(v => v));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void InvalidFractionThrows(double testSize)
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(10, testSize, 0));
        Assert.Contains("should be either positive and smaller than the number of samples 10 or a float in the (0, 1) range", ex.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(-3)]
    public void InvalidCountThrows(int testCount) =>
        Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(10, testCount, 0));

    [Fact]
    public void EmptyTrainSetThrows()
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainTestSplit.Indices(1, 0.5, 0));
        Assert.Contains("the resulting train set will be empty", ex.Message);
    }

    [Fact]
    public void StratifiedErrors()
    {
        Assert.Throws<ArgumentException>(() => TrainTestSplit.StratifiedIndices([0, 0, 0, 1], 0.5, 0));
        Assert.Throws<ArgumentException>(() => TrainTestSplit.StratifiedIndices([0, 0, 1, 1, 2, 2], 2, 0));
        ClassificationData d = Datasets.MakeClassification(randomState: 0);
        Assert.Throws<ArgumentException>(() => TrainTestSplit.Split(d, 0.2, 0, shuffle: false, stratify: true));
    }
}
