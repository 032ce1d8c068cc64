using System.Text.Json;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests.NN;

/// <summary>
/// RecurrentLanguageModel (the char-lstm recipe's model, workload W4): shapes and state-dict names, the forward pass against
/// Embedding → LSTM → Linear composed by hand, chunked forward with carried state, generation with the carried state equal
/// to recomputing the sequence, options JSON, checkpoint round trip through LanguageModelLoader, and learning.
/// </summary>
public sealed class RecurrentLanguageModelTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-rlm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static RecurrentLanguageModel Tiny(RecurrentCellKind cell = RecurrentCellKind.Lstm, int layers = 1, ulong seed = 3) =>
        new(new RecurrentLanguageModelOptions(VocabSize: 11, EmbeddingDim: 8, HiddenSize: 16, Layers: layers, Cell: cell), new Generator(seed));

    private static void Close(Tensor expected, Tensor actual, double tol)
    {
        Assert.Equal(expected.ShapeArray, actual.ShapeArray);
        double diff = expected.Sub(actual).Abs().Max().Item();
        Assert.True(diff <= tol, $"max diff {diff}");
    }

    [Fact]
    public void W4HasTheExpectedParametersAndPyTorchNames()
    {
        var model = new RecurrentLanguageModel(RecurrentLanguageModelOptions.W4, new Generator(0));
        Assert.Equal(350_593, model.ParameterCount()); // 65·64 + (4·256·64 + 4·256·256 + 2·4·256) + (256·65 + 65)
        var shapes = model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ShapeArray);
        Assert.Equal(["embedding.weight", "lstm.weight_ih_l0", "lstm.weight_hh_l0", "lstm.bias_ih_l0", "lstm.bias_hh_l0", "head.weight", "head.bias"], shapes.Keys);
        Assert.Equal([65, 64], shapes["embedding.weight"]);
        Assert.Equal([1024, 64], shapes["lstm.weight_ih_l0"]);
        Assert.Equal([1024, 256], shapes["lstm.weight_hh_l0"]);
        Assert.Equal([65, 256], shapes["head.weight"]);
        Assert.IsType<LSTM>(model.Recurrent);
        Assert.True(model.Recurrent.BatchFirst);

        var logits = model.Forward(Tensor.RandInt(0, 65, [3, 10], new Generator(1)));
        Assert.Equal([3, 10, 65], logits.ShapeArray);

        var gru = Tiny(RecurrentCellKind.Gru, layers: 2);
        Assert.Contains("gru.weight_hh_l1", gru.StateDict().Keys);
        Assert.Equal([48, 8], gru.StateDict()["gru.weight_ih_l0"].ShapeArray); // 3 gates × 16
        Assert.Contains("rnn.bias_ih_l0", Tiny(RecurrentCellKind.Rnn).StateDict().Keys);
        Assert.Throws<ArgumentException>(() => new RecurrentLanguageModel(new RecurrentLanguageModelOptions(0)));
        Assert.Throws<ArgumentException>(() => model.Forward(Tensor.FromArray(new long[] { 1, 2 }, 2)));
    }

    [Fact]
    public void ForwardEqualsEmbeddingLstmLinearComposedByHand()
    {
        var model = Tiny();
        var sd = model.StateDict();
        var emb = new Embedding(11, 8);
        var lstm = new LSTM(8, 16, batchFirst: true);
        var head = new Linear(16, 11);
        emb.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = sd["embedding.weight"] });
        lstm.LoadStateDict(sd.Where(kv => kv.Key.StartsWith("lstm.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["lstm.".Length..], kv => kv.Value));
        head.LoadStateDict(new Dictionary<string, Tensor> { ["weight"] = sd["head.weight"], ["bias"] = sd["head.bias"] });

        Tensor ids = Tensor.RandInt(0, 11, [4, 9], new Generator(2));
        Tensor h0 = Tensor.Randn([1, 4, 16], new Generator(4)), c0 = Tensor.Randn([1, 4, 16], new Generator(5));
        var (o, h, c) = lstm.Forward(emb.Forward(ids), h0, c0);
        var (logits, state) = model.Forward(ids, new RecurrentState(h0, c0));
        Close(head.Forward(o), logits, 0);
        Close(h, state.H, 0);
        Close(c, state.C!, 0);
        Close(head.Forward(lstm.Forward(emb.Forward(ids))), model.Forward(ids), 0);
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm)]
    [InlineData(RecurrentCellKind.Gru)]
    [InlineData(RecurrentCellKind.Rnn)]
    public void ChunksWithCarriedStateEqualTheWholeSequence(RecurrentCellKind cell)
    {
        var model = Tiny(cell, layers: 2);
        Tensor ids = Tensor.RandInt(0, 11, [2, 20], new Generator(6));
        var (whole, wholeState) = model.Forward(ids, null);
        var (first, state) = model.Forward(ids.Narrow(1, 0, 7).Contiguous(), null);
        var (second, last) = model.Forward(ids.Narrow(1, 7, 13).Contiguous(), state);
        Assert.Equal(cell == RecurrentCellKind.Lstm, last.C is not null);
        Close(whole, Tensor.Concat([first, second], 1), 1e-5);
        Close(wholeState.H, last.H, 1e-5);

        // truncated BPTT: the detached state carries values, not gradients
        var (logits, _) = model.Forward(ids.Narrow(1, 7, 13).Contiguous(), state.Detach());
        logits.Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Theory]
    [InlineData(RecurrentCellKind.Lstm, 0.0, null, null)]
    [InlineData(RecurrentCellKind.Lstm, 1.0, null, null)]
    [InlineData(RecurrentCellKind.Lstm, 0.8, 5, null)]
    [InlineData(RecurrentCellKind.Lstm, 1.2, null, 0.9)]
    [InlineData(RecurrentCellKind.Gru, 0.0, null, null)]
    [InlineData(RecurrentCellKind.Gru, 0.9, null, null)]
    public void GenerationWithTheCarriedStateEqualsRecomputing(RecurrentCellKind cell, double temperature, int? topK, double? topP)
    {
        var model = Tiny(cell, layers: 2);
        var options = new GenerationOptions(temperature, topK, topP, Seed: 42);
        long[] prompt = [1, 2, 3];
        long[] carried = model.Generate(prompt, 60, options);
        long[] recomputed = model.Generate(prompt, 60, options, useCache: false);
        Assert.Equal(63, carried.Length);
        Assert.Equal(prompt, carried[..3]);
        Assert.Equal(recomputed, carried);
        Assert.True(model.Training); // mode restored

        // and the same as a loop written here: the whole sequence from a zero state at every step
        model.Eval();
        var tokens = new List<long>(prompt);
        var generator = new Generator(options.Seed);
        using (Autograd.NoGrad())
        {
            for (int i = 0; i < 60; i++)
            {
                Tensor logits = model.Forward(Tensor.FromArray(tokens.ToArray(), 1, tokens.Count));
                tokens.Add(options.Sample(logits.Narrow(1, tokens.Count - 1, 1).Contiguous().ToArray(), generator));
            }
        }
        Assert.Equal([.. tokens], carried);
    }

    [Fact]
    public void GenerateChecksItsArgumentsAndTakesAGenerator()
    {
        var model = Tiny();
        Assert.Throws<ArgumentException>(() => model.Generate([], 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.Generate([1], -1));
        Assert.Equal([4L], model.Generate([4], 0));
        var options = new GenerationOptions(1.0);
        Assert.Equal(model.Generate([4], 30, options, generator: new Generator(9)), model.Generate([4], 30, options, generator: new Generator(9)));
        ILanguageModel any = model;
        Assert.Equal(model.Generate([4, 5], 10), any.Generate([4, 5], 10));
    }

    [Fact]
    public void OptionsRoundTripThroughJsonWithTheCellKindAsAString()
    {
        var options = new RecurrentLanguageModelOptions(63, 32, 128, Layers: 2, Cell: RecurrentCellKind.Gru, Dropout: 0.2);
        string json = JsonSerializer.Serialize(options);
        Assert.Contains("\"Cell\":\"gru\"", json);
        Assert.Equal(options, JsonSerializer.Deserialize<RecurrentLanguageModelOptions>(json));
        Assert.Equal(RecurrentLanguageModelOptions.W4, JsonSerializer.Deserialize<RecurrentLanguageModelOptions>(JsonSerializer.Serialize(RecurrentLanguageModelOptions.W4)));
    }

    [Fact]
    public void CheckpointRoundTripsThroughTheLoader()
    {
        var tokenizer = CharTokenizer.FromText("abcdefghij ");
        var model = new RecurrentLanguageModel(new RecurrentLanguageModelOptions(tokenizer.VocabSize, 8, 16, Layers: 2), new Generator(1));
        LanguageModelCheckpoint.Save(_dir, model, tokenizer, model.Options,
            new Dictionary<string, string> { [LanguageModelLoader.ArchitectureKey] = LanguageModelLoader.RecurrentArchitecture });

        var loaded = LanguageModelLoader.Load(_dir);
        Assert.Equal(LanguageModelLoader.RecurrentArchitecture, loaded.Architecture);
        var restored = Assert.IsType<RecurrentLanguageModel>(loaded.Model);
        Assert.Equal(model.Options, restored.Options);
        Assert.False(restored.Training);
        Assert.Equal(tokenizer.ToJson(), loaded.Tokenizer.ToJson());
        Tensor ids = Tensor.FromArray(tokenizer.Encode("abc def"), 1, 7);
        Close(model.Forward(ids), restored.Forward(ids), 0);
        Assert.Equal(model.Generate([1, 2], 20), restored.Generate([1, 2], 20));
    }

    [Fact]
    public void ACheckpointWithoutAnArchitectureIsAGptAndAnUnknownOneIsAnError()
    {
        var tokenizer = CharTokenizer.FromText("abcdefghij ");
        var gpt = new Gpt(new GptOptions(tokenizer.VocabSize, 16, 1, 2, 8), new Generator(2));
        LanguageModelCheckpoint.Save(_dir, gpt, tokenizer, gpt.Options); // as gpt-mini saved them before the architecture entry
        var loaded = LanguageModelLoader.Load(_dir);
        Assert.Equal(LanguageModelLoader.GptArchitecture, loaded.Architecture);
        Assert.Equal(gpt.Generate([1, 2], 10), Assert.IsType<Gpt>(loaded.Model).Generate([1, 2], 10));

        LanguageModelCheckpoint.Save(_dir, gpt, tokenizer, gpt.Options, new Dictionary<string, string> { [LanguageModelLoader.ArchitectureKey] = "mamba" });
        var e = Assert.Throws<FormatException>(() => LanguageModelLoader.Load(_dir));
        Assert.Contains("mamba", e.Message);
        Assert.Contains("recurrent", e.Message);
    }

    [Fact]
    public void LossFallsOnATinyRepetitiveCorpus()
    {
        string text = string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 40));
        var tokenizer = CharTokenizer.FromText(text);
        var data = TokenStreamDataset.ForTraining(tokenizer.Encode(text), 16);
        var model = new RecurrentLanguageModel(new RecurrentLanguageModelOptions(tokenizer.VocabSize, 16, 32), new Generator(0));
        var optimizer = new Adam(model.Parameters(), lr: 1e-2);
        var random = new Random(0);
        var losses = new List<double>();
        for (int step = 0; step < 80; step++)
        {
            var (x, y) = data.SampleBatch(8, random);
            Tensor loss = Losses.CrossEntropy(model.Forward(x).Reshape(-1, tokenizer.VocabSize), y.Reshape(-1));
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item());
        }
        Assert.True(losses[0] > Math.Log(tokenizer.VocabSize) - 0.5, $"first loss {losses[0]}");
        Assert.True(losses.TakeLast(10).Average() < 0.5, $"loss {losses[0]:F3} → {losses.TakeLast(10).Average():F3}");
        string continuation = tokenizer.Decode(model.Generate(tokenizer.Encode("the cat ").Select(t => (long)t).ToList(), 16).Select(t => (int)t).ToArray());
        Assert.StartsWith("the cat sat on the mat", continuation);
    }

    [Fact]
    public void DropoutActsOnlyInTraining()
    {
        var model = new RecurrentLanguageModel(new RecurrentLanguageModelOptions(11, 8, 16, Dropout: 0.5), new Generator(1));
        Tensor ids = Tensor.RandInt(0, 11, [2, 6], new Generator(2));
        Assert.True(model.Forward(ids).Sub(model.Forward(ids)).Abs().Max().Item() > 0);
        model.Eval();
        Close(model.Forward(ids), model.Forward(ids), 0);
    }
}
