using System.Diagnostics;
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
        string text = options.TextPath is not null ? File.ReadAllText(options.TextPath) : KingJamesBible.Load();
        var tokenizer = CharTokenizer.FromText(text);
        var gptOptions = GptOptions.W5 with { VocabSize = tokenizer.VocabSize };
        var (trainTokens, valTokens) = TokenStreamDataset.Split(tokenizer.Encode(text), 0.1);
        var train = TokenStreamDataset.ForTraining(trainTokens, gptOptions.ContextLength);
        var validation = TokenStreamDataset.ForEvaluation(valTokens, gptOptions.ContextLength);
        int batchSize = options.BatchSize ?? 16;
        double lr = options.LearningRate ?? 1e-3, minutes = options.Minutes ?? 14;
        log.WriteLine($"recipe {RecipeName}: {text.Length:N0} characters, vocabulary {tokenizer.VocabSize}; GPT {gptOptions.Layers}×{gptOptions.Width}, " +
            $"{gptOptions.Heads} heads, context {gptOptions.ContextLength}; AdamW lr {lr}, batch {batchSize}, budget {minutes} min");
        var model = new Gpt(gptOptions, new Generator(options.Seed));
        var optimizer = new AdamW(model.Parameters(), lr: lr, weightDecay: 0.1);
        var random = new Random((int)(options.Seed % int.MaxValue));
        var history = new Training.History();
        var clock = Stopwatch.StartNew();
        double budget = minutes * 60, lossSum = 0;
        long step = 0, tokens = 0;
        int lossCount = 0;
        // cosine decay over the steps the budget is expected to allow, estimated from the pace of steps 20–60 (after the JIT warm-up)
        long plannedSteps = long.MaxValue;
        double paceStart = 0;
        double lastVal = double.NaN;
        while (clock.Elapsed.TotalSeconds < budget)
        {
            if (step == 20) paceStart = clock.Elapsed.TotalSeconds;
            if (step == 60) plannedSteps = Math.Max(80, 60 + (long)((budget - clock.Elapsed.TotalSeconds) / Math.Max(clock.Elapsed.TotalSeconds - paceStart, 1e-9) * 40));
            double factor = step < 20 ? (step + 1) / 20.0 : 0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, (double)step / plannedSteps)));
            optimizer.LearningRate = lr * factor;
            var (x, y) = train.SampleBatch(batchSize, random);
            Tensor loss = Losses.CrossEntropy(model.Forward(x).Reshape(-1, gptOptions.VocabSize), y.Reshape(-1));
            optimizer.ZeroGrad();
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
            double value = loss.Item();
            if (!double.IsFinite(value))
                return new RecipeResult(model, history, new Dictionary<string, double> { ["train_loss"] = value }, StopReason: $"the loss became {value} at step {step + 1}", Diverged: true);
            lossSum += value;
            lossCount++;
            step++;
            tokens += (long)batchSize * gptOptions.ContextLength;
            if (step % 100 == 0)
            {
                lastVal = Evaluate(model, validation, gptOptions.VocabSize, batches: 20);
                var logs = new Dictionary<string, double> { ["loss"] = lossSum / lossCount, ["val_loss"] = lastVal, ["lr"] = optimizer.LearningRate };
                history.Add((int)step, logs);
                reporter.OnEpochEnd((int)(step / 100), (int)Math.Max(step / 100, 1), logs, clock.Elapsed.TotalSeconds);
                lossSum = 0;
                lossCount = 0;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double finalVal = Evaluate(model, validation, gptOptions.VocabSize, batches: 100);
        var sampleIds = model.Generate(tokenizer.Encode("And God said").Select(t => (long)t).ToList(), 200, new GenerationOptions(Temperature: 0.8, Seed: options.Seed));
        string sample = tokenizer.Decode(sampleIds.Select(t => (int)t).ToArray());
        if (options.OutputDirectory is not null)
            LanguageModelCheckpoint.Save(options.OutputDirectory, model, tokenizer, gptOptions, new Dictionary<string, string> { ["recipe"] = RecipeName });
        var metrics = new Dictionary<string, double>
        {
            ["val_loss"] = finalVal,
            ["val_perplexity"] = Math.Exp(finalVal),
            ["steps"] = step,
            ["train_tokens_per_sec"] = tokens / seconds,
            ["seconds"] = seconds,
        };
        return new RecipeResult(model, history, metrics, Report: "sample (temperature 0.8):\n" + sample);
    }

    /// <summary>Mean cross-entropy (nats per token) over the first <paramref name="batches"/> non-overlapping validation blocks of 16.</summary>
    internal static double Evaluate(Gpt model, TokenStreamDataset validation, int vocab, int batches)
    {
        bool wasTraining = model.Training;
        model.Eval();
        double sum = 0;
        int n = 0;
        using (Autograd.NoGrad())
        {
            for (int b = 0; b < batches && b * 16 < validation.Count; b++)
            {
                int count = Math.Min(16, validation.Count - b * 16);
                var indices = Enumerable.Range(b * 16, count).ToArray();
                var (x, y) = validation.GetBatch(indices);
                sum += Losses.CrossEntropy(model.Forward(x).Reshape(-1, vocab), y.Reshape(-1)).Item() * count;
                n += count;
            }
        }
        model.Train(wasTraining);
        return n > 0 ? sum / n : double.NaN;
    }
}
