using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Onnx;
using SharpGrad.Optim;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad finetune resnet18-fmnist</c>: the frozen-base case study. ResNet-18's ImageNet features (the ONNX model of
/// the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, imported as a SharpGrad module and frozen) with a new linear
/// head, trained on a small labelled subset of Fashion-MNIST (the 28×28 images resized to 224×224 RGB), against a small CNN
/// trained from scratch on the same images for the same time. Both are scored on the test set.
/// </summary>
public static class FinetuneCommand
{
    /// <summary>The case studies this command runs.</summary>
    public static IReadOnlyList<string> Cases { get; } = ["resnet18-fmnist", "minilm-kjv"];

    private static readonly MiniLmKjvOptions Text = new();

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("case") { Description = "The case study: resnet18-fmnist or minilm-kjv." };
        var trainSize = new Option<int?>("--train-size") { Description = "Labelled training samples, a seeded random subset (default: 1,000 images; 4,000 verses)." };
        var testSize = new Option<int?>("--test-size") { Description = "Test samples scored (default: the 10,000 test images; 2,000 verses of held-out chapters)." };
        var steps = new Option<int>("--steps") { Description = "minilm-kjv: training steps of 16 verses for each model.", DefaultValueFactory = _ => Text.Steps };
        var maxLength = new Option<int>("--max-length") { Description = "minilm-kjv: tokens per verse ([CLS] and [SEP] included).", DefaultValueFactory = _ => Text.MaxLength };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the new head on the frozen features.", DefaultValueFactory = _ => 60 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the subset, the heads and the CNN.", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "Folder with Fashion-MNIST's .gz files." };
        var model = new Option<string?>("--model") { Description = "ResNet18.onnx (default: the copy in the NuGet package this program was built with)." };
        var models = new Option<string?>("--models") { Description = $"minilm-kjv: the models to run, comma-separated, of {string.Join(", ", MiniLmKjvCase.Models)} (default: all)." };
        var loraRank = new Option<int>("--lora-rank") { Description = "minilm-kjv: LoRA's rank r.", DefaultValueFactory = _ => Text.LoraRank };
        var loraAlpha = new Option<double>("--lora-alpha") { Description = "minilm-kjv: LoRA's alpha (updates scaled by alpha / r).", DefaultValueFactory = _ => Text.LoraAlpha };
        var loraTargets = new Option<string?>("--lora-targets") { Description = "minilm-kjv: the layers LoRA adapts, comma-separated name patterns (e.g. query,value; default: every linear layer)." };
        var loraLr = new Option<double>("--lora-lr") { Description = "minilm-kjv: learning rate of the LoRA adapters and the head.", DefaultValueFactory = _ => Text.LoraLearningRate };
        var lr = new Option<double>("--lr") { Description = "minilm-kjv: learning rate of full fine-tuning.", DefaultValueFactory = _ => Text.FullLearningRate };
        var command = new Command("finetune", "Fine-tune a pretrained model on a small data set and compare it with training from scratch.")
            { name, trainSize, testSize, epochs, steps, maxLength, seed, data, model, models, loraRank, loraAlpha, loraTargets, loraLr, lr };
        static string[]? List(string? text) => text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        command.SetAction(parse => parse.GetValue(name) == "minilm-kjv"
            ? RunText(new MiniLmKjvOptions(parse.GetValue(trainSize) ?? Text.TrainSize, parse.GetValue(testSize) ?? Text.TestSize, parse.GetValue(steps),
                    parse.GetValue(maxLength), parse.GetValue(seed), List(parse.GetValue(models))?.ToHashSet(), parse.GetValue(loraRank),
                    parse.GetValue(loraAlpha), List(parse.GetValue(loraTargets)), parse.GetValue(loraLr), parse.GetValue(lr)), Console.Out, Console.Error)
            : Run(parse.GetValue(name)!, parse.GetValue(trainSize) ?? 1000, parse.GetValue(testSize) ?? 10_000, parse.GetValue(epochs),
                parse.GetValue(seed), parse.GetValue(data), parse.GetValue(model), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Runs the text case study (minilm-kjv); returns the exit code.</summary>
    public static int RunText(MiniLmKjvOptions options, TextWriter output, TextWriter error) =>
        CliErrors.Guard(error, () =>
        {
            if (options.TrainSize < 16 || options.TestSize < 1 || options.Steps < 1 || options.MaxLength < 4)
                throw new ArgumentException("finetune minilm-kjv: --train-size must be at least 16, --test-size and --steps at least 1, --max-length at least 4.");
            if (options.Models?.FirstOrDefault(m => !MiniLmKjvCase.Models.Contains(m)) is { } unknown)
                throw new ArgumentException($"finetune minilm-kjv: unknown model \"{unknown}\" in --models; the models are {string.Join(", ", MiniLmKjvCase.Models)}.");
            if (!(options.LoraLearningRate > 0) || !(options.FullLearningRate > 0))
                throw new ArgumentException("finetune minilm-kjv: --lr and --lora-lr must be positive.");
            var metrics = MiniLmKjvCase.Run(options, output);
            output.WriteLine("{" + string.Join(",", metrics.Select(kv => $"\"{kv.Key}\":{kv.Value.ToString("R", CultureInfo.InvariantCulture)}")) + "}");
            return 0;
        });

    /// <summary>Runs a case study; returns the exit code.</summary>
    public static int Run(string name, int trainSize, int testSize, int epochs, ulong seed, string? dataDirectory, string? modelPath, TextWriter output, TextWriter error) =>
        CliErrors.Guard(error, () =>
        {
            if (name != "resnet18-fmnist")
                throw new ArgumentException($"finetune: unknown case \"{name}\"; the cases are {string.Join(", ", Cases)}.");
            if (trainSize < 10 || testSize < 1 || epochs < 1) throw new ArgumentException("finetune: --train-size must be at least 10, --test-size and --epochs at least 1.");
            var metrics = ResNet18FashionMnist(trainSize, testSize, epochs, seed, dataDirectory, modelPath ?? DefaultModelPath("ResNet18Onnx/ResNet18.onnx"), output);
            output.WriteLine("{" + string.Join(",", metrics.Select(kv => $"\"{kv.Key}\":{kv.Value.ToString("R", CultureInfo.InvariantCulture)}")) + "}");
            return 0;
        });

    /// <summary>A model file of the ResNet-18 package in the NuGet cache of the machine that built this program.</summary>
    private static string DefaultModelPath(string relative)
    {
        string? root = typeof(FinetuneCommand).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ResNet18Package")?.Value;
        string path = Path.Combine(root ?? "", "tools", "DnnImageModels", relative);
        if (!File.Exists(path))
            throw new FileNotFoundException($"finetune: {path} is missing; restore the CLI project (dotnet build) or pass --model.", path);
        return path;
    }

    private static Dictionary<string, double> ResNet18FashionMnist(int trainSize, int testSize, int epochs, ulong seed, string? dataDirectory, string modelPath, TextWriter log)
    {
        var data = FashionMnist.Load(dataDirectory, flatten: false);
        var generator = new Generator(seed);
        int[] pick = generator.Permutation(data.Train.Count)[..Math.Min(trainSize, data.Train.Count)];
        var (trainX, trainY) = data.Train.GetBatch(pick);
        int[] testPick = Enumerable.Range(0, Math.Min(testSize, data.Test.Count)).ToArray();
        var (testX, testY) = data.Test.GetBatch(testPick);
        log.WriteLine($"finetune resnet18-fmnist: {pick.Length} labelled training images, {testPick.Length} test images; ResNet-18 ({modelPath})");

        // 1. Pretrained: frozen ResNet-18 features of the images resized to 224×224 RGB, and a new linear head.
        var clock = Stopwatch.StartNew();
        var preprocess = OnnxModule.Load(DefaultModelPath("ResNetPrepOnnx/ResNetPreprocess.onnx")); // RGB → BGR, minus the mean image
        var resnet = OnnxModule.Load(modelPath);
        resnet.Freeze();
        resnet.Eval();
        Tensor trainFeatures = Features(resnet, preprocess, trainX, log, "training");
        double trainFeatureSeconds = clock.Elapsed.TotalSeconds;
        var head = new Linear(512, 10, generator: new Generator(seed + 1));
        var headOptimizer = new AdamW(head.Parameters(), lr: 1e-3, weightDecay: 1e-2);
        var featureSet = new TensorDataset(trainFeatures, trainY);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in new DataLoader(featureSet, 64, shuffle: true, seed: seed + (ulong)epoch))
            {
                using var scope = TensorScope.Begin();
                headOptimizer.ZeroGrad(setToNone: false);
                Tensor loss = Losses.CrossEntropy(head.Forward(batch.Inputs), batch.Targets);
                loss.Backward();
                headOptimizer.Step();
            }
        }
        double budget = clock.Elapsed.TotalSeconds; // feature extraction of the training images + head training
        double pretrainedAccuracy = Accuracy(head, Features(resnet, preprocess, testX, log, "test"), testY);
        log.WriteLine(FormattableString.Invariant($"pretrained ResNet-18 features + new head: test accuracy {pretrainedAccuracy:F4} (training budget {budget:F1} s: features {trainFeatureSeconds:F1} s, head {epochs} epochs)"));

        // 2. From scratch: a small CNN on the same images for the same time.
        var g = new Generator(seed + 2);
        var cnn = new Sequential(new Conv2d(1, 32, 3, generator: g), new ReLU(), new MaxPool2d(2), new Conv2d(32, 64, 3, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, generator: g), new ReLU(), new Linear(128, 10, generator: g));
        var trainer = new Training.Trainer(cnn, new Adam(cnn.Parameters(), lr: 1e-3), new CrossEntropyLoss(), new Metrics.Accuracy());
        var images = new TensorDataset(trainX, trainY);
        clock.Restart();
        int cnnEpochs = 0;
        while (clock.Elapsed.TotalSeconds < budget)
        {
            trainer.Fit(images, epochs: cnnEpochs + 1, batchSize: 32, seed: seed, initialEpoch: cnnEpochs);
            cnnEpochs++;
        }
        double scratchAccuracy = trainer.Evaluate(new TensorDataset(testX, testY))["accuracy"];
        log.WriteLine(FormattableString.Invariant($"small CNN from scratch ({cnn.ParameterCount():N0} parameters, {cnnEpochs} epochs in {clock.Elapsed.TotalSeconds:F1} s): test accuracy {scratchAccuracy:F4}"));

        return new Dictionary<string, double>
        {
            ["train_images"] = pick.Length,
            ["test_images"] = testPick.Length,
            ["pretrained_test_accuracy"] = pretrainedAccuracy,
            ["scratch_test_accuracy"] = scratchAccuracy,
            ["budget_seconds"] = budget,
            ["scratch_epochs"] = cnnEpochs,
            ["head_parameters"] = head.ParameterCount(),
            ["scratch_parameters"] = cnn.ParameterCount(),
        };
    }

    /// <summary>ResNet-18 features (N, 512) of 28×28 grey images: resized to 224×224, grey to RGB on a 0–255 scale, the model's preprocessing (BGR, mean image), the network.</summary>
    private static Tensor Features(OnnxModule resnet, OnnxModule preprocess, Tensor images, TextWriter log, string what)
    {
        const int batch = 32;
        int n = images.Shape[0];
        var features = new float[n * 512];
        var clock = Stopwatch.StartNew();
        using var _ = Autograd.NoGrad();
        for (int start = 0; start < n; start += batch)
        {
            using var scope = TensorScope.Begin(); // the big activations reuse the previous batch's memory
            int count = Math.Min(batch, n - start);
            Tensor rgb = Resize224(images.Narrow(0, start, count));
            resnet.Forward(preprocess.Forward(rgb)).ToArray<float>().CopyTo(features, start * 512);
        }
        log.WriteLine(FormattableString.Invariant($"  {what} features of {n} images: {clock.Elapsed.TotalSeconds:F1} s ({n / clock.Elapsed.TotalSeconds:F1} images/s)"));
        return Tensor.FromArray(features, n, 512);
    }

    /// <summary>(N, 1, 28, 28) in [0, 1] → (N, 3, 224, 224) in [0, 255], bilinear (half-pixel centres, as torch's interpolate without align_corners).</summary>
    private static Tensor Resize224(Tensor images)
    {
        const int size = 224;
        int n = images.Shape[0], h = images.Shape[2], w = images.Shape[3];
        float[] src = images.Contiguous().ToArray<float>();
        var dst = new float[n * 3 * size * size];
        var (y0, y1, wy) = Taps(h, size);
        var (x0, x1, wx) = Taps(w, size);
        for (int i = 0; i < n; i++)
        {
            int s = i * h * w;
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    float top = src[s + y0[y] * w + x0[x]] * (1 - wx[x]) + src[s + y0[y] * w + x1[x]] * wx[x];
                    float bottom = src[s + y1[y] * w + x0[x]] * (1 - wx[x]) + src[s + y1[y] * w + x1[x]] * wx[x];
                    float v = 255f * (top * (1 - wy[y]) + bottom * wy[y]);
                    for (int c = 0; c < 3; c++) dst[((i * 3 + c) * size + y) * size + x] = v;
                }
        }
        return Tensor.FromArray(dst, n, 3, size, size);
    }

    private static (int[] Lo, int[] Hi, float[] Weight) Taps(int from, int to)
    {
        var lo = new int[to];
        var hi = new int[to];
        var weight = new float[to];
        double scale = (double)from / to;
        for (int o = 0; o < to; o++)
        {
            double p = Math.Max(0, (o + 0.5) * scale - 0.5);
            lo[o] = Math.Min((int)p, from - 1);
            hi[o] = Math.Min(lo[o] + 1, from - 1);
            weight[o] = (float)(p - lo[o]);
        }
        return (lo, hi, weight);
    }

    private static double Accuracy(SharpGrad.NN.Module head, Tensor features, Tensor labels)
    {
        using var _ = Autograd.NoGrad();
        long[] predicted = head.Forward(features).Argmax(1).ToArray<long>(), truth = labels.ToArray<long>();
        return predicted.Zip(truth).Count(p => p.First == p.Second) / (double)truth.Length;
    }
}
