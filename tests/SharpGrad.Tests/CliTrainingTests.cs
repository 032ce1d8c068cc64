using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;
using SharpGrad.Data;

namespace SharpGrad.Tests;

/// <summary>The CLI's training paths on user data: good files train; bad files give one clear line and a non-zero exit.</summary>
public class CliTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Csv(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private (int Code, string Out, string Err) Train(string recipe, RecipeOptions options, string outFolder = "out")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainCommand.Run(recipe, options, Path.Combine(_dir, outFolder), output, error, live: false);
        return (code, output.ToString(), error.ToString());
    }

    private static string IrisLike(int rows)
    {
        var g = new Generator(3);
        var sb = new System.Text.StringBuilder("sepal,petal,width,species\n");
        string[] names = ["setosa", "versicolor", "virginica"];
        for (int i = 0; i < rows; i++)
        {
            int c = i % 3;
            sb.Append(System.FormattableString.Invariant($"{c * 2 + g.NextNormal() * 0.4:F3},{c + g.NextNormal() * 0.3:F3},{g.NextNormal():F3},{names[c]}\n"));
        }
        return sb.ToString();
    }

    [Fact]
    public void MlpRecipeTrainsOnACsvFileAndPrintsAClassificationReport()
    {
        var (code, output, error) = Train("mlp", new RecipeOptions { CsvPath = Csv("iris.csv", IrisLike(150)), Target = "species", Epochs = 40 });
        Assert.True(code == 0, error);
        Assert.Contains("precision", output);
        Assert.Contains("virginica", output);
        Assert.Contains("macro avg", output);
        string last = output.TrimEnd().Split('\n')[^1];
        using var json = System.Text.Json.JsonDocument.Parse(last);
        Assert.True(json.RootElement.GetProperty("test_accuracy").GetDouble() > 0.8);
    }

    [Fact]
    public void EagerTrainingGivesTheSameMetricsAsCapturedSteps()
    {
        string csv = Csv("iris.csv", IrisLike(150));
        string Metrics(bool eager)
        {
            var (code, output, error) = Train("mlp", new RecipeOptions { CsvPath = csv, Target = "species", Epochs = 8, Eager = eager });
            Assert.True(code == 0, error);
            using var json = System.Text.Json.JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
            // every metric but the timings
            return string.Join(" ", json.RootElement.EnumerateObject().Where(p => !p.Name.Contains("second") && !p.Name.Contains("per_sec")).Select(p => $"{p.Name}={p.Value}"));
        }
        string eager = Metrics(eager: true);
        Assert.Contains("test_accuracy=", eager);
        Assert.Equal(eager, Metrics(eager: false));
    }

    [Fact]
    public void ResumingAStoppedRunGivesTheUninterruptedRunsHistoryAndMetrics()
    {
        string csv = Csv("iris.csv", IrisLike(150));
        var options = new RecipeOptions { CsvPath = csv, Target = "species", Epochs = 6 };
        var straight = Train("mlp", options, "straight");
        Assert.True(straight.Code == 0, straight.Err);
        // a run that stopped after 3 epochs (its checkpoint is that of epoch 3), then resumed to 6
        var stopped = Train("mlp", options with { Epochs = 3 }, "stopped");
        Assert.True(stopped.Code == 0, stopped.Err);
        Assert.True(File.Exists(Path.Combine(_dir, "stopped", "checkpoint.safetensors")));
        var resumed = Train("mlp", options with { ResumeDirectory = Path.Combine(_dir, "stopped") }, "stopped");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains("resuming from", resumed.Out);

        static string WithoutTimes(string csv) => string.Join("\n", csv.Split('\n').Select(line =>
        {
            var cells = line.Split(',');
            return string.Join(",", cells.Where((_, i) => i != Array.IndexOf(csv.Split('\n')[0].Split(','), "epoch_seconds")));
        }));
        string a = File.ReadAllText(Path.Combine(_dir, "straight", "history.csv")), b = File.ReadAllText(Path.Combine(_dir, "stopped", "history.csv"));
        Assert.Equal(7, a.Trim().Split('\n').Length); // header + 6 epochs
        Assert.Equal(WithoutTimes(a), WithoutTimes(b));
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "straight", "model.safetensors")), File.ReadAllBytes(Path.Combine(_dir, "stopped", "model.safetensors")));
    }

    [Fact]
    public void ResumeIsRefusedByRecipesWithoutEpochCheckpointsAndWithoutACheckpoint()
    {
        var (code, _, error) = Train("seed-mlp", new RecipeOptions { ResumeDirectory = _dir });
        Assert.Equal(1, code);
        Assert.Contains("cannot resume", error);
        (code, _, error) = Train("mlp", new RecipeOptions { CsvPath = Csv("iris.csv", IrisLike(30)), Target = "species", ResumeDirectory = Path.Combine(_dir, "nothing") });
        Assert.Equal(1, code);
        Assert.Contains("no checkpoint.safetensors", error);
    }

    [Theory]
    [InlineData("a,b,label\n1,2,x\n3,oops,y\n", "line 3", "column 2")]
    [InlineData("a,b,label\n1,2,x\n3,4\n", "line 3", "")]
    public void BadCsvCellsAndRaggedRowsGiveTheLineAndColumnWithoutAStackTrace(string text, string line, string column)
    {
        var (code, _, error) = Train("mlp", new RecipeOptions { CsvPath = Csv("bad.csv", text), Target = "label" });
        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(line, error);
        Assert.Contains(column, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void AMissingLabelColumnNamesTheAvailableColumns()
    {
        var (code, _, error) = Train("mlp", new RecipeOptions { CsvPath = Csv("ok.csv", IrisLike(9)), Target = "kind" });
        Assert.Equal(1, code);
        Assert.Contains("kind", error);
        Assert.Contains("species", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void ACorruptIdxFileGivesAClearError()
    {
        string data = Path.Combine(_dir, "fmnist");
        Directory.CreateDirectory(data);
        IdxWriter.Write(Path.Combine(data, "train-images-idx3-ubyte.gz"), [2, 28, 28], new byte[2 * 784], gzip: true);
        IdxWriter.Write(Path.Combine(data, "train-labels-idx1-ubyte.gz"), [2], new byte[2], gzip: true);
        IdxWriter.Write(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), [2, 28, 28], new byte[2 * 784], gzip: true);
        File.WriteAllBytes(Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), [0, 0, 8, 3, 0, 0, 0, 2, 1, 2]); // raw bytes with an image magic
        var (code, _, error) = Train("fmnist-mlp", new RecipeOptions { DataDirectory = data, Epochs = 1 });
        Assert.Equal(1, code);
        Assert.Contains("t10k-labels", error);
        Assert.Contains("magic", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void MissingFashionMnistSaysHowToInstallIt()
    {
        var (code, _, error) = Train("fmnist-mlp", new RecipeOptions { DataDirectory = Path.Combine(_dir, "nowhere"), Epochs = 1 });
        Assert.Equal(1, code);
        Assert.Contains("apt-get install -y dataset-fashion-mnist", error);
    }

    [Fact]
    public void RecipesAndSummaryDescribeTheModels()
    {
        Assert.Contains("fmnist-mlp", string.Join(" ", RecipeRegistry.All.Select(r => r.Name)));
        string summary = RecipesCommand.Summary("fmnist-mlp");
        Assert.Contains("(None, 10)", summary);
        Assert.Contains("Total params: 235,146", summary);
        Assert.Throws<ArgumentException>(() => RecipeRegistry.Get("nope"));
    }
}

public class CliReviewFixTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-cli2-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void FashionMnistRecipeRunsForOneEpochOnTinyData()
    {
        TinyFashionMnist.Write(_dir, train: 8, test: 4, seed: 1);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = TrainCommand.Run("fmnist-mlp", new RecipeOptions { DataDirectory = _dir, Epochs = 1, BatchSize = 4 }, Path.Combine(_dir, "out"), output, error, live: false);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("test_accuracy", output.ToString());
    }

    [Fact]
    public void ZeroEpochsIsAClearError()
    {
        var error = new StringWriter();
        Assert.Equal(1, TrainCommand.Run("mlp", new RecipeOptions { CsvPath = "x.csv", Target = "y", Epochs = 0 }, _dir, new StringWriter(), error, live: false));
        Assert.StartsWith("error: ", error.ToString());
    }

    [Fact]
    public void DivergingTrainingIsReportedAndExitsNonZero()
    {
        string csv = Path.Combine(_dir, "d.csv");
        File.WriteAllText(csv, "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n1,3,x\n2,4,y\n3,1,x\n4,2,y\n5,5,x\n6,6,y\n");
        var error = new StringWriter();
        int code = TrainCommand.Run("mlp", new RecipeOptions { CsvPath = csv, Target = "label", LearningRate = 1e30, Epochs = 5 }, Path.Combine(_dir, "o"), new StringWriter(), error, live: false);
        Assert.Equal(1, code);
        Assert.Contains("TerminateOnNaN", error.ToString());
        Assert.Contains("step", error.ToString());
    }

    [Fact]
    public void SummaryOfTheCsvRecipeTakesTheCsvFile()
    {
        string csv = Path.Combine(_dir, "s.csv");
        File.WriteAllText(csv, "2019,b,label\n1,2,x\n3,4,y\n5,6,z\n");
        string text = RecipesCommand.Summary("mlp", new RecipeOptions { CsvPath = csv, Target = "label" });
        Assert.Contains("(None, 3)", text);
        Assert.Contains("Total params: 2,371", text); // (2·64+64) + (64·32+32) + (32·3+3)
        // a numeric target that names a header is the header
        Assert.Contains("(None, 3)", RecipesCommand.Summary("mlp", new RecipeOptions { CsvPath = csv, Target = "2" }));
    }
}

/// <summary><c>sharpgrad finetune resnet18-fmnist</c> end to end on a tiny Fashion-MNIST written here (the real ResNet-18).</summary>
public class FinetuneCommandTests : TempDirectoryTest
{
    [Fact]
    public void TheResNetCaseRunsOnTinyDataAndReportsBothAccuracies()
    {
        TinyFashionMnist.Write(Dir, train: 24, test: 6, seed: 3);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = FinetuneCommand.Run("resnet18-fmnist", new ResNetFmnistOptions(TrainSize: 12, TestSize: 6, HeadEpochs: 2, FineTuneEpochs: 1, DataDirectory: Dir), output, error);
        Assert.True(code == 0, error.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString().TrimEnd().Split('\n')[^1]);
        Assert.Equal(12, json.RootElement.GetProperty("train_images").GetDouble());
        Assert.InRange(json.RootElement.GetProperty("pretrained_test_accuracy").GetDouble(), 0, 1);
        Assert.InRange(json.RootElement.GetProperty("scratch_test_accuracy").GetDouble(), 0, 1);
        Assert.Contains("activations of 12 images", output.ToString());
        Assert.InRange(json.RootElement.GetProperty("finetuned_test_accuracy").GetDouble(), 0, 1);
        Assert.True(json.RootElement.GetProperty("finetuned_parameters").GetDouble() > 8_000_000); // layer4 (8.4 M) and the head

        Assert.Equal(1, FinetuneCommand.Run("bert-kjv", new ResNetFmnistOptions(DataDirectory: Dir), output, error));
        Assert.Contains("resnet18-fmnist", error.ToString());
    }

    [Fact]
    [Trait("Category", "Data")]
    public void TheMiniLmCaseRunsOnAFewVerses()
    {
        if (!File.Exists(SharpGrad.Data.Text.KingJamesBible.BibleProgram)) return; // needs apt-get install -y bible-kjv
        var output = new StringWriter();
        var error = new StringWriter();
        int code = FinetuneCommand.RunText(new MiniLmKjvOptions(TrainSize: 32, TestSize: 16, Steps: 2, MaxLength: 16), output, error);
        Assert.True(code == 0, error.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(output.ToString().TrimEnd().Split('\n')[^1]);
        foreach (string key in new[] { "bow_logreg_accuracy", "scratch_transformer_accuracy", "frozen_head_accuracy", "lora_accuracy", "full_finetune_accuracy" })
            Assert.InRange(json.RootElement.GetProperty(key).GetDouble(), 0, 1);
        Assert.InRange(json.RootElement.GetProperty("lora_trainable_fraction").GetDouble(), 0.001, 0.02);

        // --models: only the bag of words
        output = new StringWriter();
        Assert.Equal(0, FinetuneCommand.RunText(new MiniLmKjvOptions(TrainSize: 32, TestSize: 16, Steps: 2, MaxLength: 16, Models: new HashSet<string> { "bow" }), output, error));
        using var only = System.Text.Json.JsonDocument.Parse(output.ToString().TrimEnd().Split('\n')[^1]);
        Assert.Equal(["train_verses", "test_verses", "bow_logreg_accuracy"], only.RootElement.EnumerateObject().Select(p => p.Name));

        // --seeds: one run per seed (the same as --seed), then the mean and the sample standard deviation
        var seeded = new StringWriter();
        Assert.Equal(0, FinetuneCommand.RunText(new MiniLmKjvOptions(TrainSize: 32, TestSize: 16, Steps: 2, MaxLength: 16, Models: new HashSet<string> { "bow" }),
            seeded, error, ["0", "1"]));
        string[] lines = seeded.ToString().TrimEnd().Split('\n');
        Assert.Equal("seed 0: " + output.ToString().TrimEnd().Split('\n')[^1], lines.Single(l => l.StartsWith("seed 0: ", StringComparison.Ordinal)));
        double Bow(string line) => System.Text.Json.JsonDocument.Parse(line[line.IndexOf('{')..]).RootElement.GetProperty("bow_logreg_accuracy").GetDouble();
        double a = Bow(lines.Single(l => l.StartsWith("seed 0: ", StringComparison.Ordinal))), b = Bow(lines.Single(l => l.StartsWith("seed 1: ", StringComparison.Ordinal)));
        using var summary = System.Text.Json.JsonDocument.Parse(lines[^1]);
        Assert.Equal(2, summary.RootElement.GetProperty("seeds").GetDouble());
        Assert.Equal((a + b) / 2, summary.RootElement.GetProperty("bow_logreg_accuracy").GetDouble(), 12);
        Assert.Equal(Math.Abs(a - b) / Math.Sqrt(2), summary.RootElement.GetProperty("bow_logreg_accuracy_std").GetDouble(), 12);
        Assert.Contains("over seeds 0, 1", seeded.ToString());

        // --lora-unfreeze: LayerNorms and biases train along with the adapters (as PEFT's bias="all"): the embeddings'
        // LayerNorm (2 × 384), and in each of 6 layers two LayerNorms (4 × 384), the biases of query, key, value and the
        // attention output (4 × 384), of the intermediate layer (1,536) and of the output layer (384); and the pooler's bias
        // (384; the pooler is in the graph, though the hidden states the classifier reads do not pass through it)
        long Trainable(string[]? unfreeze)
        {
            var text = new StringWriter();
            Assert.Equal(0, FinetuneCommand.RunText(new MiniLmKjvOptions(TrainSize: 32, TestSize: 16, Steps: 1, MaxLength: 16,
                Models: new HashSet<string> { "lora" }, LoraUnfreeze: unfreeze), text, error));
            Assert.Contains(unfreeze is null ? "(all linear layers; r 8)" : "(all linear layers + *LayerNorm*, *bias; r 8)", text.ToString());
            using var lora = System.Text.Json.JsonDocument.Parse(text.ToString().TrimEnd().Split('\n')[^1]);
            return (long)lora.RootElement.GetProperty("lora_trainable_parameters").GetDouble();
        }
        long adaptersAndHead = Trainable(null);
        Assert.Equal(6 * 8 * ((384 + 384) * 4 + (384 + 1536) * 2) + 384 * 8 + 8, adaptersAndHead);
        Assert.Equal(adaptersAndHead + 2 * 384 + 6 * (4 * 384 + 4 * 384 + 1536 + 384) + 384, Trainable(["*LayerNorm*", "*bias"]));
    }

    [Fact]
    public void TheMiniLmCaseNamesABadModelOrLearningRate()
    {
        var error = new StringWriter();
        Assert.Equal(1, FinetuneCommand.RunText(new MiniLmKjvOptions(Models: new HashSet<string> { "full", "gpt" }), TextWriter.Null, error));
        Assert.Contains("unknown model \"gpt\"", error.ToString());
        Assert.Contains("bow, scratch, frozen, lora, full", error.ToString());
        Assert.Equal(1, FinetuneCommand.RunText(new MiniLmKjvOptions(LoraLearningRate: 0), TextWriter.Null, error));
        Assert.Contains("--lora-lr must be positive", error.ToString());
        Assert.Equal(1, FinetuneCommand.RunText(new MiniLmKjvOptions(), TextWriter.Null, error, ["0", "x1"]));
        Assert.Contains("\"x1\" is not one", error.ToString());
        Assert.Equal(1, FinetuneCommand.RunText(new MiniLmKjvOptions(), TextWriter.Null, error, ["3", "3"]));
        Assert.Contains("each once", error.ToString());
        if (!File.Exists(SharpGrad.Data.Text.KingJamesBible.BibleProgram)) return;
        // a typo in the LoRA settings is reported before any model trains
        var log = new StringWriter();
        Assert.Equal(1, FinetuneCommand.RunText(new MiniLmKjvOptions(TrainSize: 32, TestSize: 16, Steps: 1, MaxLength: 16, LoraUnfreeze: ["*layernorm_typo*"]), log, error));
        Assert.Contains("no parameter name matches \"*layernorm_typo*\"", error.ToString());
        Assert.Equal(1, FinetuneCommand.RunText(new MiniLmKjvOptions(TrainSize: 32, TestSize: 16, Steps: 1, MaxLength: 16, LoraTargets: ["qurey"]), log, error));
        Assert.Contains("no linear layer matches \"qurey\"", error.ToString());
        Assert.DoesNotContain("test accuracy", log.ToString());
    }
}

/// <summary>A Fashion-MNIST folder of random images (labels 0, 1, …, 9, 0, …) in the IDX format, for end-to-end tests.</summary>
internal static class TinyFashionMnist
{
    public static void Write(string directory, int train, int test, ulong seed)
    {
        var g = new Generator(seed);
        var pixels = new byte[Math.Max(train, test) * 784];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)g.NextInt64(0, 256);
        foreach (var (prefix, n) in new[] { ("train", train), ("t10k", test) })
        {
            IdxWriter.Write(Path.Combine(directory, $"{prefix}-images-idx3-ubyte.gz"), [n, 28, 28], pixels.AsSpan(0, n * 784), gzip: true);
            IdxWriter.Write(Path.Combine(directory, $"{prefix}-labels-idx1-ubyte.gz"), [n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray(), gzip: true);
        }
    }
}
