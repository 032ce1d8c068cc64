using System.Diagnostics;
using SharpGrad.Data;
using Xunit.Abstractions;

namespace SharpGrad.Tests.Data;

/// <summary>A fact that is skipped, with the install command as the reason, when the Fashion-MNIST package is absent.</summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        try
        {
            FashionMnist.FindDirectory();
        }
        catch (DatasetNotFoundException)
        {
            Skip = $"Fashion-MNIST is not installed (run: {FashionMnist.InstallCommand}).";
        }
    }
}

public sealed class FashionMnistTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-fmnist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void WriteFakeSet(string directory, int train, int test, bool gzip)
    {
        Directory.CreateDirectory(directory);
        foreach ((string prefix, int n) in new[] { ("train", train), ("t10k", test) })
        {
            byte[] pixels = Enumerable.Range(0, n * 784).Select(i => (byte)(i % 251)).ToArray();
            byte[] labels = Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray();
            string ext = gzip ? ".gz" : string.Empty;
            IdxWriter.Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte{ext}"), [n, 28, 28], pixels, gzip);
            IdxWriter.Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte{ext}"), [n], labels, gzip);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadsFromAGivenDirectory(bool gzip)
    {
        WriteFakeSet(_dir, 6, 4, gzip);
        FashionMnistData data = FashionMnist.Load(_dir);
        Assert.Equal(6, data.Train.Count);
        Assert.Equal(4, data.Test.Count);
        Assert.Equal([6, 784], data.Train.Inputs.ShapeArray);
        Assert.Equal(DType.Int64, data.Train.Targets.DType);
        Assert.Equal([0L, 1, 2, 3], data.Test.Targets.ToArray<long>());
        Assert.Equal(1f / 255, data.Train.Inputs.ToArray()[1]);
        Assert.Equal(_dir, data.Directory);
        var (train, test) = FashionMnist.Load(_dir, flatten: false);
        Assert.Equal([6, 1, 28, 28], train.Inputs.ShapeArray);
        Assert.Equal(4, test.Count);
    }

    [Fact]
    public void AcceptsARootHoldingAFashionMnistFolder()
    {
        WriteFakeSet(Path.Combine(_dir, "fashion-mnist"), 2, 2, gzip: true);
        Assert.Equal(2, FashionMnist.Load(_dir).Train.Count);
    }

    [Fact]
    public void MissingFilesSayHowToInstall()
    {
        string missing = Path.Combine(_dir, "nowhere");
        var e = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(missing));
        Assert.Contains("apt-get install -y dataset-fashion-mnist", e.Message);
        Assert.Contains(missing, e.Message);
        Assert.Contains("no such folder", e.Message);
        Assert.Contains(missing, e.Searched);

        IdxWriter.Write(Path.Combine(_dir, "train-images-idx3-ubyte.gz"), [1, 28, 28], new byte[784], gzip: true);
        var partial = Assert.Throws<DatasetNotFoundException>(() => FashionMnist.Load(_dir));
        Assert.Contains("missing train-labels-idx1-ubyte", partial.Message);
        output.WriteLine(partial.Message);
    }

    [Fact]
    public void ClassNamesAreTheOfficialOnes()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
    }

    [FashionMnistFact]
    [Trait("Category", "Data")]
    public void LoadsTheRealData()
    {
        FashionMnist.Load(); // warm-up (JIT, page cache)
        using var process = Process.GetCurrentProcess();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        FashionMnistData data = FashionMnist.Load();
        watch.Stop();
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        output.WriteLine($"Fashion-MNIST from {data.Directory}: {watch.Elapsed.TotalMilliseconds:F0} ms wall, {cpu * 1000:F0} ms CPU (both threads)");
        Assert.Equal(60000, data.Train.Count);
        Assert.Equal(10000, data.Test.Count);
        Assert.Equal([60000, 784], data.Train.Inputs.ShapeArray);

        long[] counts = new long[10];
        foreach (long y in data.Train.Targets.ToArray<long>())
        {
            counts[y]++;
        }

        Assert.All(counts, c => Assert.Equal(6000, c)); // the training set is balanced
        float[] pixels = data.Test.Inputs.ToArray();
        Assert.InRange(pixels.Min(), 0f, 0f);
        Assert.InRange(pixels.Max(), 1f, 1f);
        Assert.InRange(pixels.Average(), 0.25, 0.32); // mean pixel ≈ 0.286
        // Speed is reported, not asserted: timed assertions in unit tests are flaky on shared machines (and the process CPU
        // time includes tests running in parallel); load time is a benchmark figure (about 0.3 s of CPU here).
    }
}
