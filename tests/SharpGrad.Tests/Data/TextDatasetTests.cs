using SharpGrad.Data;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Text;

namespace SharpGrad.Tests.TextData;

public sealed class TextDatasetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-lmdata-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int[] Stream(int n) => Enumerable.Range(0, n).ToArray();

    [Fact]
    public void EvaluationBlocksAreNonOverlappingAndTargetsAreShiftedByOne()
    {
        var ds = TokenStreamDataset.ForEvaluation(Stream(10), 3);
        Assert.Equal(3, ds.Count); // blocks at 0, 3, 6 (the last needs token 9 as its final target)
        var (x, y) = ds.GetBatch([0, 2]);
        Assert.Equal(DType.Int64, x.DType);
        Assert.Equal([2, 3], x.ShapeArray);
        Assert.Equal([2, 3], y.ShapeArray);
        Assert.Equal([0L, 1, 2, 6, 7, 8], x.ToArray<long>());
        Assert.Equal([1L, 2, 3, 7, 8, 9], y.ToArray<long>());
        var (xi, yi) = ds.Get(1);
        Assert.Equal([3], xi.ShapeArray);
        Assert.Equal([3L, 4, 5], xi.ToArray<long>());
        Assert.Equal([4L, 5, 6], yi.ToArray<long>());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetBatch([3]));
    }

    [Fact]
    public void TrainingSamplesEveryOffset()
    {
        var ds = TokenStreamDataset.ForTraining(Stream(10), 4);
        Assert.Equal(6, ds.Count);
        Assert.Equal(6, ds.OffsetCount);
        var (x, y) = ds.GetBatch([5]);
        Assert.Equal([5L, 6, 7, 8], x.ToArray<long>());
        Assert.Equal([6L, 7, 8, 9], y.ToArray<long>());
        var (x2, _) = ds.GetBatchAt([1, 1]);
        Assert.Equal([1L, 2, 3, 4, 1, 2, 3, 4], x2.ToArray<long>());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetBatchAt([6]));
        Assert.Throws<ArgumentException>(() => TokenStreamDataset.ForTraining(Stream(4), 4));
    }

    [Fact]
    public void SeededSamplingIsDeterministicAndInRange()
    {
        var ds = TokenStreamDataset.ForTraining(Stream(1000), 8);
        var a = ds.SampleBatch(16, new Random(42));
        var b = ds.SampleBatch(16, new Random(42));
        var c = ds.SampleBatch(16, new Random(43));
        Assert.Equal(a.Inputs.ToArray<long>(), b.Inputs.ToArray<long>());
        Assert.Equal(a.Targets.ToArray<long>(), b.Targets.ToArray<long>());
        Assert.NotEqual(a.Inputs.ToArray<long>(), c.Inputs.ToArray<long>());
        long[] x = a.Inputs.ToArray<long>(), y = a.Targets.ToArray<long>();
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i] + 1, y[i]); // stream is 0..n-1: target = input + 1
        Assert.All(x, v => Assert.InRange(v, 0, 998));
    }

    [Fact]
    public void WorksWithAShufflingDataLoader()
    {
        var ds = TokenStreamDataset.ForTraining(Stream(100), 5);
        var loader = new DataLoader(ds, batchSize: 8, shuffle: true, dropLast: true, seed: 7);
        int batches = 0;
        foreach (Batch batch in loader)
        {
            Assert.Equal([8, 5], batch.Inputs.ShapeArray);
            batches++;
        }

        Assert.Equal(95 / 8, batches);
    }

    [Theory]
    [InlineData(100, 0.1, 90, 10)]
    [InlineData(101, 0.1, 91, 10)]
    [InlineData(10, 0.0, 10, 0)]
    [InlineData(7, 0.5, 3, 4)]
    public void SplitIsAContiguousTail(int n, double fraction, int train, int validation)
    {
        var (tr, va) = TokenStreamDataset.Split(Stream(n), fraction);
        Assert.Equal(train, tr.Length);
        Assert.Equal(validation, va.Length);
        Assert.Equal(Stream(n), tr.Concat(va));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenStreamDataset.Split(Stream(n), 1.0));
    }

    private sealed record TinyOptions(int Vocab, int Width, string Name);

    [Fact]
    public void CheckpointRoundTripsWithCharTokenizer()
    {
        var model = new Linear(4, 3);
        var tok = CharTokenizer.FromText("abc\n");
        string dir = Path.Combine(_dir, "ckpt");
        LanguageModelCheckpoint.Save(dir, model, tok, new TinyOptions(4, 3, "tiny"), new Dictionary<string, string> { ["step"] = "10" });
        Assert.True(File.Exists(Path.Combine(dir, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(dir, "tokenizer.json")));
        Assert.True(File.Exists(Path.Combine(dir, "config.json")));

        var ckpt = LanguageModelCheckpoint.Load(dir);
        Assert.Equal(new TinyOptions(4, 3, "tiny"), ckpt.Config<TinyOptions>());
        Assert.Equal("10", ckpt.Metadata["step"]);
        Assert.Equal(tok.Encode("cab"), ckpt.Tokenizer.Encode("cab"));
        var copy = new Linear(4, 3);
        copy.LoadStateDict(ckpt.StateDict);
        foreach (var (name, t) in model.StateDict())
        {
            Assert.Equal(t.ToArray(), copy.StateDict()[name].ToArray());
        }
    }

    [Fact]
    public void CheckpointTakesJsonConfigAndGpt2Tokenizer()
    {
        string dir = Path.Combine(_dir, "gpt2");
        LanguageModelCheckpoint.Save(dir, new Linear(2, 2), Gpt2Tokenizer.Instance, "{\"n_layer\": 2}");
        var ckpt = LanguageModelCheckpoint.Load(dir);
        using var doc = ckpt.ParseConfig();
        Assert.Equal(2, doc.RootElement.GetProperty("n_layer").GetInt32());
        Assert.Same(Gpt2Tokenizer.Instance, ckpt.Tokenizer);
        Assert.Throws<ArgumentException>(() => LanguageModelCheckpoint.Save(dir, new Linear(2, 2), Gpt2Tokenizer.Instance, "{not json"));
        var e = Assert.Throws<DatasetNotFoundException>(() => LanguageModelCheckpoint.Load(Path.Combine(_dir, "none")));
        Assert.Contains("model.safetensors", e.Message);
    }
}
