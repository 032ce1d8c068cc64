using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;
using SharpGrad.Data.Text;
using SharpGrad.NN;

namespace SharpGrad.Tests;

public class LanguageModelCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-lm-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GptMiniTrainsOnATextFileSavesACheckpointAndGenerates()
    {
        string text = Path.Combine(_dir, "corpus.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("And God said, Let there be light: and there was light.\n", 120)));
        string output = Path.Combine(_dir, "gpt");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainCommand.Run("gpt-mini", new RecipeOptions { TextPath = text, Minutes = 0.02, BatchSize = 2 }, output, stdout, stderr, live: false);
        Assert.True(code == 0, stderr.ToString());
        foreach (var file in new[] { "model.safetensors", "tokenizer.json", "config.json" }) Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Contains("val_loss", stdout.ToString());

        var generated = new StringWriter();
        Assert.Equal(0, GenerateCommand.Run(output, "And ", 20, GenerationOptions.Greedy, useKvCache: true, generated, new StringWriter()));
        var again = new StringWriter();
        Assert.Equal(0, GenerateCommand.Run(output, "And ", 20, GenerationOptions.Greedy, useKvCache: false, again, new StringWriter()));
        Assert.StartsWith("And ", generated.ToString());
        Assert.Equal(generated.ToString(), again.ToString()); // the KV cache changes speed, not tokens
        var checkpoint = LanguageModelCheckpoint.Load(output); // the checkpoint's metadata survives the run's other outputs
        Assert.Equal(LanguageModelLoader.GptArchitecture, checkpoint.Metadata[LanguageModelLoader.ArchitectureKey]);
        Assert.Equal("gpt-mini", checkpoint.Metadata["recipe"]);
    }

    [Fact]
    public void CharLstmTrainsOnATextFileSavesACheckpointAndGenerates()
    {
        string text = Path.Combine(_dir, "corpus.txt");
        File.WriteAllText(text, string.Concat(Enumerable.Repeat("And God said, Let there be light: and there was light.\n", 120)));
        string output = Path.Combine(_dir, "lstm");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = TrainCommand.Run("char-lstm", new RecipeOptions { TextPath = text, Minutes = 0.02, BatchSize = 4 }, output, stdout, stderr, live: false);
        Assert.True(code == 0, stderr.ToString());
        foreach (var file in new[] { "model.safetensors", "tokenizer.json", "config.json", "metrics.json" }) Assert.True(File.Exists(Path.Combine(output, file)), file);
        string log = stdout.ToString();
        Assert.Contains("recipe char-lstm", log);
        Assert.Contains("sample (temperature 0.8):\nAnd God said", log);
        foreach (var metric in new[] { "val_loss", "val_perplexity", "train_tokens_per_sec" }) Assert.Contains($"\"{metric}\":", log);

        var checkpoint = LanguageModelCheckpoint.Load(output);
        Assert.Equal(LanguageModelLoader.RecurrentArchitecture, checkpoint.Metadata[LanguageModelLoader.ArchitectureKey]);
        Assert.Equal("char-lstm", checkpoint.Metadata["recipe"]);
        var options = checkpoint.Config<RecurrentLanguageModelOptions>();
        Assert.Equal(RecurrentLanguageModelOptions.W4 with { VocabSize = checkpoint.Tokenizer.VocabSize }, options);

        var generated = new StringWriter();
        var info = new StringWriter();
        Assert.Equal(0, GenerateCommand.Run(output, "And God said", 40, new GenerationOptions(0.8, Seed: 1), useKvCache: true, generated, info));
        var again = new StringWriter();
        Assert.Equal(0, GenerateCommand.Run(output, "And God said", 40, new GenerationOptions(0.8, Seed: 1), useKvCache: false, again, new StringWriter()));
        Assert.StartsWith("And God said", generated.ToString());
        Assert.Equal(generated.ToString(), again.ToString()); // carrying the state changes speed, not tokens
        Assert.Contains("carried state on", info.ToString());
    }

    [Fact]
    public void CharLstmSummaryShowsTheW4Model()
    {
        string summary = RecipesCommand.Summary("char-lstm");
        Assert.Contains("lstm (LSTM)", summary);
        Assert.Contains("350,593", summary);
    }
}
