using SharpGrad.Cli.Reporting;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// <c>gpt-mini</c>: the W5 GPT (4 layers, 4 heads, width 256, context 128) as a character-level language model on the King
/// James Bible (or <c>--text FILE</c>). Trains on random 128-character windows (batch 16, AdamW, cosine schedule with warmup)
/// for a wall-clock budget (<c>--minutes</c>, default 14), evaluates the validation loss (nats per character) every 100
/// steps on the last 10 % of the text, and saves a checkpoint with its tokenizer for <c>sharpgrad generate</c>.
/// </summary>
public sealed class GptMiniRecipe : IRecipe
{
    /// <summary>The recipe's name on the command line.</summary>
    public const string RecipeName = "gpt-mini";

    /// <inheritdoc/>
    public string Name => RecipeName;

    /// <inheritdoc/>
    public string Description => "W5 GPT (4×256, context 128) as a character model of the King James Bible (or --text FILE), time-budgeted (--minutes)";

    /// <inheritdoc/>
    public (Module Model, int[] InputShape) Build(RecipeOptions options) => (new Gpt(GptOptions.W5, new Generator(options.Seed)), [GptOptions.W5.ContextLength]);

    /// <inheritdoc/>
    public RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log)
    {
        var corpus = LanguageModelCorpus.Load(options);
        var gptOptions = GptOptions.W5 with { VocabSize = corpus.Tokenizer.VocabSize };
        int batchSize = options.BatchSize ?? 16;
        double lr = options.LearningRate ?? 1e-3, minutes = options.Minutes ?? 14;
        log.WriteLine($"recipe {RecipeName}: {corpus.Text.Length:N0} characters, vocabulary {corpus.Tokenizer.VocabSize}; GPT {gptOptions.Layers}×{gptOptions.Width}, " +
            $"{gptOptions.Heads} heads, context {gptOptions.ContextLength}; AdamW lr {lr}, batch {batchSize}, budget {minutes} min");
        var model = new Gpt(gptOptions, new Generator(options.Seed));
        var optimizer = new AdamW(model.Parameters(), lr: lr, weightDecay: 0.1);
        var run = new LanguageModelRun(RecipeName, LanguageModelLoader.GptArchitecture, gptOptions, gptOptions.VocabSize, gptOptions.ContextLength,
            batchSize, EvalBatchSize: 16, lr, minutes);
        return LanguageModelTraining.Train(model, optimizer, corpus, run, options, reporter);
    }
}
