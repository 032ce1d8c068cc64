using SharpGrad.Cli.Reporting;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// <c>char-lstm</c>: workload W4 — Embedding(V, 64) → one LSTM layer of 256 → Linear(256, V), a
/// <see cref="RecurrentLanguageModel"/> — as a character-level language model on the King James Bible (or
/// <c>--text FILE</c>). Trains on random 64-character windows from a zero state (batch 32, Adam with peak lr 2e-3, the
/// warm-up + cosine plan of <c>gpt-mini</c>, gradient clipping at norm 1) for a wall-clock budget (<c>--minutes</c>, default
/// 10), evaluates the validation loss (nats per character) every 100 steps on the last 10 % of the text, prints a sample and
/// saves a checkpoint with its tokenizer for <c>sharpgrad generate</c>.
/// </summary>
public sealed class CharLstmRecipe : IRecipe
{
    /// <summary>The recipe's name on the command line.</summary>
    public const string RecipeName = "char-lstm";

    /// <summary>Training and validation sequence length.</summary>
    public const int SequenceLength = 64;

    /// <inheritdoc/>
    public string Name => RecipeName;

    /// <inheritdoc/>
    public string Description => "W4 char-LSTM (embedding 64, LSTM 256) on the King James Bible (or --text FILE), time-budgeted (--minutes)";

    /// <inheritdoc/>
    public (Module Model, int[] InputShape) Build(RecipeOptions options) =>
        (new RecurrentLanguageModel(RecurrentLanguageModelOptions.W4, new Generator(options.Seed)), [SequenceLength]);

    /// <inheritdoc/>
    public RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log)
    {
        var corpus = LanguageModelCorpus.Load(options);
        var modelOptions = RecurrentLanguageModelOptions.W4 with { VocabSize = corpus.Tokenizer.VocabSize };
        int batchSize = options.BatchSize ?? 32;
        double lr = options.LearningRate ?? 2e-3, minutes = options.Minutes ?? 10;
        var model = new RecurrentLanguageModel(modelOptions, new Generator(options.Seed));
        log.WriteLine($"recipe {RecipeName}: {corpus.Text.Length:N0} characters, vocabulary {corpus.Tokenizer.VocabSize}; embedding {modelOptions.EmbeddingDim} → " +
            $"LSTM {modelOptions.HiddenSize} × {modelOptions.Layers} layer(s) → linear, {model.ParameterCount():N0} parameters, sequence {SequenceLength}; " +
            $"Adam lr {lr}, batch {batchSize}, budget {minutes} min");
        var optimizer = new Adam(model.Parameters(), lr: lr);
        var run = new LanguageModelRun(RecipeName, LanguageModelLoader.RecurrentArchitecture, modelOptions, modelOptions.VocabSize, SequenceLength,
            batchSize, EvalBatchSize: 32, lr, minutes);
        return LanguageModelTraining.Train(model, optimizer, corpus, run, options, reporter);
    }
}
