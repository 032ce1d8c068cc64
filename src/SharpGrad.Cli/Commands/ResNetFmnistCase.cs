using System.Diagnostics;
using System.Reflection;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Onnx;
using SharpGrad.Optim;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad finetune resnet18-fmnist</c>: the frozen-base case study. ResNet-18's ImageNet features (the ONNX model of the
/// NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18, imported as SharpGrad modules) for a small labelled subset of
/// Fashion-MNIST (the 28×28 images resized to 224×224 RGB): first frozen, with a new linear head; then with its last block
/// (layer4) fine-tuned together with that head while the blocks below stay frozen. Against them, a small CNN trained from
/// scratch on the same images for the same time. All three are scored on the test set.
/// </summary>
internal static class ResNetFmnistCase
{
    /// <summary>The value where layer3 ends and layer4 begins in the package's ResNet18.onnx (the output of the 8th ReLU-after-add).</summary>
    public const string LastBlockInput = "ReLU347_Output_0";

    private const int Features = 512, Classes = 10;

    public static Dictionary<string, double> Run(ResNetFmnistOptions options, TextWriter log)
    {
        var data = FashionMnist.Load(options.DataDirectory, flatten: false);
        var generator = new Generator(options.Seed);
        int[] pick = generator.Permutation(data.Train.Count)[..Math.Min(options.TrainSize, data.Train.Count)];
        var (trainX, trainY) = data.Train.GetBatch(pick);
        int[] testPick = Enumerable.Range(0, Math.Min(options.TestSize, data.Test.Count)).ToArray();
        var (testX, testY) = data.Test.GetBatch(testPick);
        string modelPath = options.ModelPath ?? PackagedModel("ResNet18Onnx/ResNet18.onnx");
        log.WriteLine($"finetune resnet18-fmnist: {pick.Length} labelled training images, {testPick.Length} test images; ResNet-18 ({modelPath})");

        var preprocess = OnnxModule.Load(PackagedModel("ResNetPrepOnnx/ResNetPreprocess.onnx")); // RGB → BGR, minus the mean image
        var resnet = OnnxModule.Load(modelPath);
        var (bottom, frozenTop) = resnet.SplitAt(LastBlockInput);      // stem + layer1–3 | layer4 + average pool
        var (_, tunedTop) = resnet.SplitAt(LastBlockInput);             // a second copy of layer4, to fine-tune
        bottom.Freeze();
        frozenTop.Freeze();
        foreach (var m in new[] { preprocess, bottom, frozenTop, tunedTop }) m.Eval(); // BatchNorm on its ImageNet statistics throughout

        // 1. Frozen: the layer3 activations of the training images, computed once; layer4's pooled features; a new linear head.
        var clock = Stopwatch.StartNew();
        Tensor activations = BottomActivations(bottom, preprocess, trainX, log, "training");
        double activationSeconds = clock.Elapsed.TotalSeconds;
        Tensor features = Pooled(frozenTop, activations);
        var head = new Linear(Features, Classes, generator: new Generator(options.Seed + 1));
        var headOptimizer = new AdamW(head.Parameters(), lr: 1e-3, weightDecay: 1e-2);
        TrainEpochs(head, headOptimizer, new TensorDataset(features, trainY), options.HeadEpochs, batchSize: 64, options.Seed, schedule: null);
        double frozenBudget = clock.Elapsed.TotalSeconds;
        log.WriteLine(FormattableString.Invariant($"  frozen features + head: {frozenBudget:F1} s (activations {activationSeconds:F1} s, head {options.HeadEpochs} epochs)"));

        // 2. Fine-tuned last block: layer4 and a head that starts as the trained one, on the cached activations, at a low
        //    learning rate (warmed up over the first tenth, then decayed linearly to 0). The blocks below stay frozen.
        var tunedHead = new Linear(Features, Classes, generator: new Generator(options.Seed + 1));
        tunedHead.LoadStateDict(head.StateDict());
        var tuned = new Sequential(tunedTop, new Flatten(), tunedHead);
        int steps = options.FineTuneEpochs * ((pick.Length + 31) / 32);
        var optimizer = new AdamW(tuned.Parameters(), lr: options.FineTuneLearningRate, weightDecay: 1e-2);
        var schedule = new PolynomialWithWarmupSchedule(options.FineTuneLearningRate, WarmupSteps: steps / 10, TotalSteps: Math.Max(steps, 1), Power: 1);
        var fineTuneClock = Stopwatch.StartNew();
        TrainEpochs(tuned, optimizer, new TensorDataset(activations, trainY), options.FineTuneEpochs, batchSize: 32, options.Seed + 100, schedule);
        double budget = clock.Elapsed.TotalSeconds;
        log.WriteLine(FormattableString.Invariant($"  + layer4 fine-tuned: {fineTuneClock.Elapsed.TotalSeconds:F1} s ({options.FineTuneEpochs} epochs, {tuned.ParameterCount(trainableOnly: true):N0} parameters trained); total {budget:F1} s"));

        var (frozenAccuracy, tunedAccuracy) = Score(bottom, preprocess, testX, testY, x => head.Forward(Pooled(frozenTop, x)), tuned.Forward, log);
        log.WriteLine(FormattableString.Invariant($"pretrained ResNet-18, frozen + new head: test accuracy {frozenAccuracy:F4}"));
        log.WriteLine(FormattableString.Invariant($"pretrained ResNet-18, layer4 fine-tuned + head: test accuracy {tunedAccuracy:F4}"));

        // 3. From scratch: a small CNN on the same images for the same time as both pretrained stages took.
        var g = new Generator(options.Seed + 2);
        var cnn = new Sequential(new Conv2d(1, 32, 3, generator: g), new ReLU(), new MaxPool2d(2), new Conv2d(32, 64, 3, generator: g), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(1600, 128, generator: g), new ReLU(), new Linear(128, 10, generator: g));
        var trainer = new Training.Trainer(cnn, new Adam(cnn.Parameters(), lr: 1e-3), new CrossEntropyLoss(), new Metrics.Accuracy());
        var images = new TensorDataset(trainX, trainY);
        clock.Restart();
        int cnnEpochs = 0;
        while (clock.Elapsed.TotalSeconds < budget)
        {
            trainer.Fit(images, epochs: cnnEpochs + 1, batchSize: 32, seed: options.Seed, initialEpoch: cnnEpochs);
            cnnEpochs++;
        }
        double scratchAccuracy = trainer.Evaluate(new TensorDataset(testX, testY))["accuracy"];
        log.WriteLine(FormattableString.Invariant($"small CNN from scratch ({cnn.ParameterCount():N0} parameters, {cnnEpochs} epochs in {clock.Elapsed.TotalSeconds:F1} s): test accuracy {scratchAccuracy:F4}"));

        return new Dictionary<string, double>
        {
            ["train_images"] = pick.Length,
            ["test_images"] = testPick.Length,
            ["pretrained_test_accuracy"] = frozenAccuracy,
            ["finetuned_test_accuracy"] = tunedAccuracy,
            ["scratch_test_accuracy"] = scratchAccuracy,
            ["frozen_budget_seconds"] = frozenBudget,
            ["budget_seconds"] = budget,
            ["scratch_epochs"] = cnnEpochs,
            ["head_parameters"] = head.ParameterCount(),
            ["finetuned_parameters"] = tuned.ParameterCount(trainableOnly: true),
            ["scratch_parameters"] = cnn.ParameterCount(),
        };
    }

    /// <summary>A model file of the ResNet-18 package in the NuGet cache of the machine that built this program.</summary>
    private static string PackagedModel(string relative)
    {
        string? root = typeof(ResNetFmnistCase).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ResNet18Package")?.Value;
        string path = Path.Combine(root ?? "", "tools", "DnnImageModels", relative);
        if (!File.Exists(path))
            throw new FileNotFoundException($"finetune: {path} is missing; restore the CLI project (dotnet build) or pass --model.", path);
        return path;
    }

    private static void TrainEpochs(SharpGrad.NN.Module model, Optimizer optimizer, TensorDataset data, int epochs, int batchSize, ulong seed, ILearningRateSchedule? schedule)
    {
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
            foreach (var batch in new DataLoader(data, batchSize, shuffle: true, seed: seed + (ulong)epoch))
            {
                using var scope = TensorScope.Begin();
                optimizer.ZeroGrad(setToNone: false);
                schedule?.Apply(optimizer, step++);
                Losses.CrossEntropy(model.Forward(batch.Inputs), batch.Targets).Backward();
                optimizer.Step();
            }
    }

    /// <summary>The frozen bottom's activations (N, 256, 14, 14) of 28×28 grey images: resized to 224×224 RGB on a 0–255 scale, the model's preprocessing, stem and layer1–3.</summary>
    private static Tensor BottomActivations(OnnxModule bottom, OnnxModule preprocess, Tensor images, TextWriter log, string what)
    {
        const int batch = 32;
        int n = images.Shape[0];
        float[]? all = null;
        int[] shape = [];
        var clock = Stopwatch.StartNew();
        using var _ = Autograd.NoGrad();
        for (int start = 0; start < n; start += batch)
        {
            using var scope = TensorScope.Begin(); // the big activations reuse the previous batch's memory
            int count = Math.Min(batch, n - start);
            Tensor a = bottom.Forward(preprocess.Forward(Resize224(images.Narrow(0, start, count))));
            int per = a.Numel / count;
            if (all is null)
            {
                shape = a.ShapeArray;
                all = new float[(long)n * per];
            }
            a.ToArray<float>().CopyTo(all, (long)start * per);
        }
        shape[0] = n;
        log.WriteLine(FormattableString.Invariant($"  {what} activations of {n} images: {clock.Elapsed.TotalSeconds:F1} s ({n / clock.Elapsed.TotalSeconds:F1} images/s)"));
        return Tensor.FromArray(all!, shape);
    }

    /// <summary>Layer4's pooled features (N, 512) of cached activations, without gradients.</summary>
    private static Tensor Pooled(OnnxModule top, Tensor activations)
    {
        const int batch = 50;
        using var _ = Autograd.NoGrad();
        int n = activations.Shape[0];
        var features = new float[n * Features];
        for (int start = 0; start < n; start += batch)
        {
            using var scope = TensorScope.Begin();
            int count = Math.Min(batch, n - start);
            top.Forward(activations.Narrow(0, start, count).Contiguous()).ToArray<float>().CopyTo(features, start * Features);
        }
        return Tensor.FromArray(features, n, Features);
    }

    /// <summary>Both pretrained models' test accuracies in one pass: each test batch goes through the frozen bottom once.</summary>
    private static (double Frozen, double Tuned) Score(OnnxModule bottom, OnnxModule preprocess, Tensor images, Tensor labels,
        Func<Tensor, Tensor> frozen, Func<Tensor, Tensor> tuned, TextWriter log)
    {
        const int batch = 32;
        int n = images.Shape[0];
        long[] truth = labels.ToArray<long>();
        int frozenRight = 0, tunedRight = 0;
        var clock = Stopwatch.StartNew();
        using var _ = Autograd.NoGrad();
        for (int start = 0; start < n; start += batch)
        {
            using var scope = TensorScope.Begin();
            int count = Math.Min(batch, n - start);
            Tensor a = bottom.Forward(preprocess.Forward(Resize224(images.Narrow(0, start, count))));
            long[] f = frozen(a).Argmax(1).ToArray<long>(), t = tuned(a).Argmax(1).ToArray<long>();
            for (int i = 0; i < count; i++)
            {
                if (f[i] == truth[start + i]) frozenRight++;
                if (t[i] == truth[start + i]) tunedRight++;
            }
        }
        log.WriteLine(FormattableString.Invariant($"  test images scored: {n} in {clock.Elapsed.TotalSeconds:F1} s ({n / clock.Elapsed.TotalSeconds:F1} images/s)"));
        return ((double)frozenRight / n, (double)tunedRight / n);
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
}

/// <summary>The settings of <c>sharpgrad finetune resnet18-fmnist</c>.</summary>
/// <param name="TrainSize">Labelled training images, a seeded random subset of Fashion-MNIST's training set.</param>
/// <param name="TestSize">Test images scored (the first ones of the test set).</param>
/// <param name="HeadEpochs">Epochs of the new head on the frozen features.</param>
/// <param name="FineTuneEpochs">Epochs of layer4 and the head fine-tuned together.</param>
/// <param name="FineTuneLearningRate">AdamW's peak learning rate for that fine-tuning.</param>
/// <param name="Seed">Seed of the subset, the heads, the CNN and the shuffling.</param>
/// <param name="DataDirectory">Folder with Fashion-MNIST's .gz files (null: the default place).</param>
/// <param name="ModelPath">ResNet18.onnx (null: the copy in the NuGet package this program was built with).</param>
public sealed record ResNetFmnistOptions(int TrainSize = 1000, int TestSize = 10_000, int HeadEpochs = 60, int FineTuneEpochs = 5,
    double FineTuneLearningRate = 1e-4, ulong Seed = 0, string? DataDirectory = null, string? ModelPath = null);
