using System.Diagnostics;
using SharpGrad.Cli.Reporting;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>The text of a language-model recipe (<c>--text FILE</c> or the King James Bible), its character tokenizer and the 90/10 split.</summary>
/// <param name="Text">The whole text.</param>
/// <param name="Tokenizer">The characters of the text.</param>
/// <param name="TrainTokens">The first 90 % of the token stream.</param>
/// <param name="ValidationTokens">The last 10 %.</param>
internal sealed record LanguageModelCorpus(string Text, CharTokenizer Tokenizer, int[] TrainTokens, int[] ValidationTokens)
{
    /// <summary>Reads the recipe's text and splits it.</summary>
    public static LanguageModelCorpus Load(RecipeOptions options)
    {
        string text = options.TextPath is not null ? File.ReadAllText(options.TextPath) : KingJamesBible.Load();
        var tokenizer = CharTokenizer.FromText(text);
        var (train, validation) = TokenStreamDataset.Split(tokenizer.Encode(text), 0.1);
        return new LanguageModelCorpus(text, tokenizer, train, validation);
    }
}

/// <summary>
/// The learning-rate plan of the time-budgeted recipes: linear warm-up over the first 20 steps, then a cosine decay to
/// 0.1 × the peak over the wall-clock budget, cos(π·elapsed/budget): the decay follows the clock rather than a step count
/// guessed from an early pace, so it ends where the budget ends even when the pace changes (another job on the machine,
/// JIT warm-up, validation pauses).
/// </summary>
internal sealed class TimeBudgetedCosinePlan(double budgetSeconds)
{
    private const int Warmup = 20;
    private const double Floor = 0.1;

    /// <summary>The factor on the peak learning rate for <paramref name="step"/> (0-based) at <paramref name="elapsedSeconds"/> into the budget.</summary>
    public double Factor(long step, double elapsedSeconds)
    {
        if (step < Warmup) return (step + 1) / (double)Warmup;
        double progress = budgetSeconds > 0 ? Math.Clamp(elapsedSeconds / budgetSeconds, 0, 1) : 1;
        return Floor + (1 - Floor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

/// <summary>What differs between the time-budgeted language-model recipes.</summary>
/// <param name="Recipe">The recipe's name (saved in the checkpoint's metadata).</param>
/// <param name="Architecture">The checkpoint's architecture (<see cref="LanguageModelLoader.ArchitectureKey"/>).</param>
/// <param name="Config">The model's options, saved as <c>config.json</c>.</param>
/// <param name="VocabSize">V.</param>
/// <param name="BlockSize">Training and validation sequence length T.</param>
/// <param name="BatchSize">Training batch size.</param>
/// <param name="EvalBatchSize">Validation batch size (blocks per batch).</param>
/// <param name="LearningRate">Peak learning rate.</param>
/// <param name="Minutes">Wall-clock budget.</param>
internal sealed record LanguageModelRun(string Recipe, string Architecture, object Config, int VocabSize, int BlockSize, int BatchSize, int EvalBatchSize,
    double LearningRate, double Minutes);

/// <summary>
/// The training loop of the time-budgeted language-model recipes (<c>gpt-mini</c>, <c>char-lstm</c>): random windows of the
/// training text, cross-entropy over every position, gradient clipping at norm 1, <see cref="TimeBudgetedCosinePlan"/>;
/// validation loss every 100 steps on the first 20 validation batches; at the end the validation loss on the first 100
/// batches, a 200-character sample at temperature 0.8 from "And God said", and a checkpoint with the tokenizer.
/// </summary>
internal static class LanguageModelTraining
{
    /// <summary>Steps between validation evaluations.</summary>
    public const int ValidationEvery = 100;

    /// <summary>The prompt of the sample printed at the end (when its characters are in the vocabulary).</summary>
    public const string SamplePrompt = "And God said";

    /// <summary>Trains <paramref name="model"/> until the budget is spent; saves the checkpoint to <see cref="RecipeOptions.OutputDirectory"/>.</summary>
    public static RecipeResult Train<TModel>(TModel model, Optimizer optimizer, LanguageModelCorpus corpus, LanguageModelRun run, RecipeOptions options,
        ConsoleReporter reporter) where TModel : Module, ILanguageModel
    {
        var train = TokenStreamDataset.ForTraining(corpus.TrainTokens, run.BlockSize);
        var validation = TokenStreamDataset.ForEvaluation(corpus.ValidationTokens, run.BlockSize);
        int vocab = run.VocabSize, batchSize = run.BatchSize;
        var random = new Random((int)(options.Seed % int.MaxValue));
        var history = new Training.History();
        var clock = Stopwatch.StartNew();
        double budget = run.Minutes * 60, lossSum = 0;
        var plan = new TimeBudgetedCosinePlan(budget);
        long step = 0, tokens = 0;
        int lossCount = 0;
        // Each batch is copied into static tensors that the step reads, so that after its first steps the step is captured
        // and replayed (GraphedStep: no graph building, no allocation; it runs eagerly, e.g. with dropout, when it cannot be).
        Tensor inputs = Tensor.Zeros([batchSize, run.BlockSize], DType.Int64), targets = Tensor.Zeros([batchSize, run.BlockSize], DType.Int64);
        var graphed = new GraphedStep(model, optimizer, () =>
        {
            Tensor loss = Losses.CrossEntropy(model.Forward(inputs).Reshape(-1, vocab), targets.Reshape(-1));
            optimizer.ZeroGrad(setToNone: false);
            loss.Backward();
            GradClip.ClipGradNorm(model.Parameters(), 1.0);
            optimizer.Step();
            return [loss];
        }) { WarmUpSteps = options.Eager ? int.MaxValue : 1 };
        while (clock.Elapsed.TotalSeconds < budget)
        {
            optimizer.LearningRate = run.LearningRate * plan.Factor(step, clock.Elapsed.TotalSeconds);
            double value;
            using (TensorScope.Begin()) // the step's tensors reuse the previous step's memory
            {
                var (x, y) = train.SampleBatch(batchSize, random);
                inputs.CopyFrom(x);
                targets.CopyFrom(y);
                value = graphed.Run()[0].Item();
            }
            if (!double.IsFinite(value))
                return new RecipeResult(model, history, new Dictionary<string, double> { ["train_loss"] = value }, StopReason: $"the loss became {value} at step {step + 1}", Diverged: true);
            lossSum += value;
            lossCount++;
            step++;
            tokens += (long)batchSize * run.BlockSize;
            if (step % ValidationEvery == 0)
            {
                double val = Evaluate(model, validation, vocab, batches: 20, run.EvalBatchSize);
                var logs = new Dictionary<string, double> { ["loss"] = lossSum / lossCount, ["val_loss"] = val, ["lr"] = optimizer.LearningRate };
                history.Add((int)step, logs);
                reporter.OnEpochEnd((int)(step / ValidationEvery), (int)Math.Max(step / ValidationEvery, 1), logs, clock.Elapsed.TotalSeconds);
                lossSum = 0;
                lossCount = 0;
            }
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double finalVal = Evaluate(model, validation, vocab, batches: 100, run.EvalBatchSize);
        var tokenizer = corpus.Tokenizer;
        var sampleIds = model.Generate(tokenizer.Encode(Prompt(corpus)).Select(t => (long)t).ToList(), 200, new GenerationOptions(Temperature: 0.8, Seed: options.Seed));
        string sample = tokenizer.Decode(sampleIds.Select(t => (int)t).ToArray());
        bool saved = options.OutputDirectory is not null;
        if (saved)
        {
            LanguageModelCheckpoint.Save(options.OutputDirectory!, model, tokenizer, run.Config,
                new Dictionary<string, string> { ["recipe"] = run.Recipe, [LanguageModelLoader.ArchitectureKey] = run.Architecture });
        }

        var metrics = new Dictionary<string, double>
        {
            ["val_loss"] = finalVal,
            ["val_perplexity"] = Math.Exp(finalVal),
            ["steps"] = step,
            ["train_tokens_per_sec"] = tokens / seconds,
            ["seconds"] = seconds,
        };
        return new RecipeResult(model, history, metrics, Report: "sample (temperature 0.8):\n" + sample, WeightsSaved: saved, HistoryAxis: "step");
    }

    /// <summary><see cref="SamplePrompt"/>, or the first characters of the validation text when the corpus lacks one of its characters.</summary>
    private static string Prompt(LanguageModelCorpus corpus) =>
        SamplePrompt.All(corpus.Tokenizer.Contains) ? SamplePrompt : corpus.Tokenizer.Decode(corpus.ValidationTokens.AsSpan(0, Math.Min(SamplePrompt.Length, corpus.ValidationTokens.Length)));

    /// <summary>
    /// Mean cross-entropy (nats per token) over the first <paramref name="batches"/> batches of <paramref name="batchSize"/>
    /// non-overlapping validation blocks, in evaluation mode under no-grad (the mode is restored).
    /// </summary>
    internal static double Evaluate(Module model, TokenStreamDataset validation, int vocab, int batches, int batchSize)
    {
        bool wasTraining = model.Training;
        model.Eval();
        double sum = 0;
        int n = 0;
        using (Autograd.NoGrad())
        {
            for (int b = 0; b < batches && b * batchSize < validation.Count; b++)
            {
                int count = Math.Min(batchSize, validation.Count - b * batchSize);
                var indices = Enumerable.Range(b * batchSize, count).ToArray();
                var (x, y) = validation.GetBatch(indices);
                sum += Losses.CrossEntropy(model.Forward(x).Reshape(-1, vocab), y.Reshape(-1)).Item() * count;
                n += count;
            }
        }

        model.Train(wasTraining);
        return n > 0 ? sum / n : double.NaN;
    }
}
