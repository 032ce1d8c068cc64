using System.CommandLine;
using System.Globalization;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad finetune</c>: the fine-tuning case studies — resnet18-fmnist (<see cref="ResNetFmnistCase"/>: ImageNet
/// ResNet-18 features for Fashion-MNIST, frozen and with the last block fine-tuned, against a CNN from scratch) and
/// minilm-kjv (<see cref="MiniLmKjvCase"/>: MiniLM-L6 on King James Bible verses, fully, with LoRA and frozen, against two
/// baselines).
/// </summary>
public static class FinetuneCommand
{
    /// <summary>The case studies this command runs.</summary>
    public static IReadOnlyList<string> Cases { get; } = ["resnet18-fmnist", "minilm-kjv"];

    private static readonly MiniLmKjvOptions Text = new();
    private static readonly ResNetFmnistOptions Images = new();

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("case") { Description = "The case study: resnet18-fmnist or minilm-kjv." };
        var trainSize = new Option<int?>("--train-size") { Description = "Labelled training samples, a seeded random subset (default: 1,000 images; 4,000 verses)." };
        var testSize = new Option<int?>("--test-size") { Description = "Test samples scored (default: the 10,000 test images; 2,000 verses of held-out chapters)." };
        var steps = new Option<int>("--steps") { Description = "minilm-kjv: training steps of 16 verses for each model.", DefaultValueFactory = _ => Text.Steps };
        var maxLength = new Option<int>("--max-length") { Description = "minilm-kjv: tokens per verse ([CLS] and [SEP] included).", DefaultValueFactory = _ => Text.MaxLength };
        var epochs = new Option<int>("--epochs") { Description = "resnet18-fmnist: epochs of the new head on the frozen features.", DefaultValueFactory = _ => Images.HeadEpochs };
        var fineTuneEpochs = new Option<int>("--finetune-epochs") { Description = "resnet18-fmnist: epochs of ResNet's last block fine-tuned with the head (0: none).", DefaultValueFactory = _ => Images.FineTuneEpochs };
        var fineTuneLr = new Option<double>("--finetune-lr") { Description = "resnet18-fmnist: peak learning rate of that fine-tuning.", DefaultValueFactory = _ => Images.FineTuneLearningRate };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the subset, the heads and the CNN.", DefaultValueFactory = _ => 0 };
        var data = new Option<string?>("--data") { Description = "Folder with Fashion-MNIST's .gz files." };
        var model = new Option<string?>("--model") { Description = "ResNet18.onnx (default: the copy in the NuGet package this program was built with)." };
        var models = new Option<string?>("--models") { Description = $"minilm-kjv: the models to run, comma-separated, of {string.Join(", ", MiniLmKjvCase.Models)} (default: all)." };
        var loraRank = new Option<int>("--lora-rank") { Description = "minilm-kjv: LoRA's rank r.", DefaultValueFactory = _ => Text.LoraRank };
        var loraAlpha = new Option<double>("--lora-alpha") { Description = "minilm-kjv: LoRA's alpha (updates scaled by alpha / r).", DefaultValueFactory = _ => Text.LoraAlpha };
        var loraTargets = new Option<string?>("--lora-targets") { Description = "minilm-kjv: the layers LoRA adapts, comma-separated name patterns (e.g. query,value; default: every linear layer)." };
        var loraLr = new Option<double>("--lora-lr") { Description = "minilm-kjv: learning rate of the LoRA adapters and the head.", DefaultValueFactory = _ => Text.LoraLearningRate };
        var loraUnfreeze = new Option<string?>("--lora-unfreeze") { Description = "minilm-kjv: base parameters trained with the LoRA adapters, comma-separated name patterns (e.g. *LayerNorm*,*bias; default: none)." };
        var seeds = new Option<string?>("--seeds") { Description = "minilm-kjv: several seeds, comma-separated (e.g. 0,1,2): the whole comparison once per seed, then each accuracy's mean and standard deviation (overrides --seed)." };
        var lr = new Option<double>("--lr") { Description = "minilm-kjv: learning rate of full fine-tuning.", DefaultValueFactory = _ => Text.FullLearningRate };
        var command = new Command("finetune", "Fine-tune a pretrained model on a small data set and compare it with training from scratch.")
            { name, trainSize, testSize, epochs, fineTuneEpochs, fineTuneLr, steps, maxLength, seed, data, model, models, loraRank, loraAlpha, loraTargets, loraLr, loraUnfreeze, lr, seeds };
        static string[]? List(string? text) => text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        command.SetAction(parse => parse.GetValue(name) == "minilm-kjv"
            ? RunText(new MiniLmKjvOptions(parse.GetValue(trainSize) ?? Text.TrainSize, parse.GetValue(testSize) ?? Text.TestSize, parse.GetValue(steps),
                    parse.GetValue(maxLength), parse.GetValue(seed), List(parse.GetValue(models))?.ToHashSet(), parse.GetValue(loraRank),
                    parse.GetValue(loraAlpha), List(parse.GetValue(loraTargets)), parse.GetValue(loraLr), parse.GetValue(lr),
                    List(parse.GetValue(loraUnfreeze))), Console.Out, Console.Error, List(parse.GetValue(seeds)))
            : Run(parse.GetValue(name)!, new ResNetFmnistOptions(parse.GetValue(trainSize) ?? Images.TrainSize, parse.GetValue(testSize) ?? Images.TestSize,
                parse.GetValue(epochs), parse.GetValue(fineTuneEpochs), parse.GetValue(fineTuneLr), parse.GetValue(seed), parse.GetValue(data), parse.GetValue(model)),
                Console.Out, Console.Error));
        return command;
    }

    /// <summary>
    /// Runs the text case study (minilm-kjv), once, or once per seed of <paramref name="seeds"/> (decimal numbers) followed by
    /// each figure's mean and sample standard deviation; returns the exit code.
    /// </summary>
    public static int RunText(MiniLmKjvOptions options, TextWriter output, TextWriter error, IReadOnlyList<string>? seeds = null) =>
        CliErrors.Guard(error, () =>
        {
            ulong[] seedList = (seeds ?? [options.Seed.ToString(CultureInfo.InvariantCulture)]).Select(text =>
                ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value
                    : throw new ArgumentException($"finetune minilm-kjv: --seeds takes whole numbers, comma-separated; \"{text}\" is not one.")).ToArray();
            if (seedList.Length == 0 || seedList.Distinct().Count() != seedList.Length)
                throw new ArgumentException("finetune minilm-kjv: --seeds needs at least one seed, each once.");
            if (options.TrainSize < 16 || options.TestSize < 1 || options.Steps < 1 || options.MaxLength < 4)
                throw new ArgumentException("finetune minilm-kjv: --train-size must be at least 16, --test-size and --steps at least 1, --max-length at least 4.");
            if (options.Models?.FirstOrDefault(m => !MiniLmKjvCase.Models.Contains(m)) is { } unknown)
                throw new ArgumentException($"finetune minilm-kjv: unknown model \"{unknown}\" in --models; the models are {string.Join(", ", MiniLmKjvCase.Models)}.");
            if (!(options.LoraLearningRate > 0) || !(options.FullLearningRate > 0))
                throw new ArgumentException("finetune minilm-kjv: --lr and --lora-lr must be positive.");
            var runs = new List<Dictionary<string, double>>();
            foreach (ulong seed in seedList)
            {
                runs.Add(MiniLmKjvCase.Run(options with { Seed = seed }, output));
                if (seedList.Length > 1) output.WriteLine($"seed {seed}: " + Json(runs[^1]));
            }
            output.WriteLine(Json(runs.Count == 1 ? runs[0] : MiniLmKjvCase.Summarize(runs, seedList, output)));
            return 0;
        });

    private static string Json(IEnumerable<KeyValuePair<string, double>> metrics) =>
        "{" + string.Join(",", metrics.Select(kv => $"\"{kv.Key}\":{kv.Value.ToString("R", CultureInfo.InvariantCulture)}")) + "}";

    /// <summary>Runs the image case study (<paramref name="name"/> must be resnet18-fmnist); returns the exit code.</summary>
    public static int Run(string name, ResNetFmnistOptions options, TextWriter output, TextWriter error) =>
        CliErrors.Guard(error, () =>
        {
            if (name != "resnet18-fmnist")
                throw new ArgumentException($"finetune: unknown case \"{name}\"; the cases are {string.Join(", ", Cases)}.");
            if (options.TrainSize < 10 || options.TestSize < 1 || options.HeadEpochs < 1 || options.FineTuneEpochs < 0)
                throw new ArgumentException("finetune: --train-size must be at least 10, --test-size and --epochs at least 1, --finetune-epochs at least 0.");
            if (!(options.FineTuneLearningRate > 0)) throw new ArgumentException("finetune: --finetune-lr must be positive.");
            var metrics = ResNetFmnistCase.Run(options, output);
            output.WriteLine("{" + string.Join(",", metrics.Select(kv => $"\"{kv.Key}\":{kv.Value.ToString("R", CultureInfo.InvariantCulture)}")) + "}");
            return 0;
        });
}
