using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;
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
    }
}
