using SharpGrad.Data;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Text;

namespace SharpGrad.Tests.TextData;

/// <summary>The snippets of docs/text-data.md, compiled and run (a small corpus instead of the Bible, temporary paths).</summary>
public sealed class TextDocsSnippetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-textdocs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record TinyLmOptions(int VocabSize, int Width);

    [Fact]
    public void SnippetsRun()
    {
        string corpus = "hello world\n";
        var tok = CharTokenizer.FromText(corpus);
        Assert.Equal("\n dehlorw", new string(tok.Vocabulary.ToArray()));
        int[] ids = tok.Encode("hello");
        Assert.Equal([4, 3, 5, 5, 6], ids);
        Assert.Equal("hello", tok.Decode(ids));
        var e = Assert.Throws<ArgumentException>(() => tok.Encode("hellz"));
        Assert.Contains("character 'z' (U+007A) at position 4 is not in the vocabulary of 9 characters", e.Message);
        var lenient = CharTokenizer.FromText(corpus, unknown: '?');
        Assert.Equal("hell?", lenient.Decode(lenient.Encode("hellz")));
        string path = Path.Combine(_dir, "tokenizer.json");
        tok.Save(path);
        Assert.Contains("\"vocabulary\": \"\\n dehlorw\"", File.ReadAllText(path));
        Assert.Equal(tok.Vocabulary, CharTokenizer.Load(path).Vocabulary);
        Assert.IsType<CharTokenizer>(TokenizerJson.Load(path));

        var gpt2 = Gpt2Tokenizer.Instance;
        Assert.Equal([15496, 995], gpt2.Encode("Hello world"));
        Assert.Equal("{\"type\":\"gpt2\",\"vocab_size\":50257}", gpt2.ToJson());

        string text = string.Concat(Enumerable.Repeat("In the beginning God created the heaven and the earth.\n", 200));
        tok = CharTokenizer.FromText(text);
        int[] stream = tok.Encode(text);
        var (trainIds, valIds) = TokenStreamDataset.Split(stream, validationFraction: 0.1);
        Assert.Equal(stream.Length / 10, valIds.Length);
        const int T = 16, B = 4;
        var train = TokenStreamDataset.ForTraining(trainIds, T);
        var val = TokenStreamDataset.ForEvaluation(valIds, T);
        Assert.Equal(trainIds.Length - T, train.Count);
        Assert.Equal((valIds.Length - 1) / T, val.Count);
        (Tensor x, Tensor y) = train.SampleBatch(B, new Random(1337));
        Assert.Equal([B, T], x.ShapeArray);
        Assert.Equal(x.ToArray<long>()[1], y.ToArray<long>()[0]);
        var loader = new DataLoader(train, batchSize: B, shuffle: true, dropLast: true, seed: 1337);
        Assert.Equal(train.Count / B, loader.BatchesPerEpoch);
        int tokens = 0;
        foreach (Batch batch in new DataLoader(val, batchSize: B)) tokens += batch.Targets.Numel;
        Assert.Equal(val.Count * T, tokens);
        (Tensor xs, _) = train.GetBatchAt([0, 100, 500]);
        Assert.Equal([3, T], xs.ShapeArray);

        var model = new Linear(4, 3);
        string dir = Path.Combine(_dir, "ckpt");
        LanguageModelCheckpoint.Save(dir, model, tok, new TinyLmOptions(tok.VocabSize, 3),
            new Dictionary<string, string> { ["step"] = "5000", ["val_loss"] = "1.42" });
        LanguageModelCheckpointData ckpt = LanguageModelCheckpoint.Load(dir);
        TinyLmOptions options = ckpt.Config<TinyLmOptions>();
        Assert.Equal(tok.VocabSize, options.VocabSize);
        var restored = new Linear(4, options.Width);
        restored.LoadStateDict(ckpt.StateDict);
        Assert.Equal(tok.Encode("God"), ckpt.Tokenizer.Encode("God"));
        Assert.Equal("5000", ckpt.Metadata["step"]);
    }

    [Fact]
    public void LoaderSnippetRuns()
    {
        var tok = CharTokenizer.FromText("hello world\n");
        string dir = Path.Combine(_dir, "ckpt-lstm");
        var lm = new RecurrentLanguageModel(RecurrentLanguageModelOptions.W4 with { VocabSize = tok.VocabSize });
        LanguageModelCheckpoint.Save(dir, lm, tok, lm.Options,
            new Dictionary<string, string> { [LanguageModelLoader.ArchitectureKey] = LanguageModelLoader.RecurrentArchitecture });

        LoadedLanguageModel loaded = LanguageModelLoader.Load(dir);
        long[] ids = loaded.Model.Generate(loaded.Tokenizer.Encode("hello").Select(t => (long)t).ToList(), 20);
        string text = loaded.Tokenizer.Decode(ids.Select(t => (int)t).ToArray());
        Assert.Equal(25, text.Length);
        Assert.StartsWith("hello", text);
        Assert.IsType<RecurrentLanguageModel>(loaded.Model);
    }
}
