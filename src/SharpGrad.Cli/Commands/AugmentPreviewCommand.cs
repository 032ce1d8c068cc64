using System.CommandLine;
using SharpGrad.Cli.Recipes;
using SharpGrad.Cli.Reporting;
using SharpGrad.Data;

namespace SharpGrad.Cli.Commands;

/// <summary><c>sharpgrad augment-preview RECIPE --out grid.png [--seed S] [--rows R] [--cols C] [--data DIR]</c>: draws a recipe's augmentation.</summary>
public static class AugmentPreviewCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recipe = new Argument<string>("recipe") { Description = "Recipe whose augmentation to draw: " + string.Join(", ", AugmentationPresets.Names) };
        var output = new Option<string>("--out") { Description = "The PNG file to write.", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Seed for picking the samples and for the augmentation.", DefaultValueFactory = _ => 0 };
        var rows = new Option<int>("--rows") { Description = "Samples (one per row).", DefaultValueFactory = _ => 8 };
        var cols = new Option<int>("--cols") { Description = "Augmented versions of each sample (the columns after the original).", DefaultValueFactory = _ => 8 };
        var data = new Option<string?>("--data") { Description = "Folder holding the data set (Fashion-MNIST IDX files, or CIFAR-10 .bin files)." };
        var command = new Command("augment-preview", "Write a PNG grid of augmented training samples: each row is an original image, then its augmented versions.")
        {
            recipe, output, seed, rows, cols, data,
        };
        command.SetAction(parse => Run(parse.GetValue(recipe)!, parse.GetValue(output)!, parse.GetValue(seed), parse.GetValue(rows), parse.GetValue(cols), parse.GetValue(data), Console.Out, Console.Error));
        return command;
    }

    /// <summary>Loads the data, augments R samples C times each and writes the grid; returns the process exit code.</summary>
    public static int Run(string recipe, string outPath, ulong seed, int rows, int cols, string? dataDirectory, TextWriter output, TextWriter error) => CliErrors.Guard(error, () =>
    {
        if (rows < 1 || cols < 1) throw new ArgumentException($"--rows and --cols must be at least 1 (got {rows} and {cols}).");
        (Augmentation pipeline, string dataset) = AugmentationPresets.For(recipe, seed);
        TensorDataset train = dataset switch
        {
            AugmentationPresets.FashionMnistDataset => FashionMnist.Load(dataDirectory, flatten: false).Train,
            AugmentationPresets.Cifar10Dataset => Cifar10Reader.Load(dataDirectory
                ?? throw new ArgumentException("CIFAR-10 is not installed anywhere by default: pass --data DIR, a folder holding data_batch_1.bin … test_batch.bin.")).Train,
            _ => throw new InvalidOperationException($"Unknown data set \"{dataset}\" in the augmentation presets."),
        };

        // R distinct samples picked with the seed; each repeated C times and augmented as one batch.
        int samples = Math.Min(rows, train.Count);
        int[] picked = new Generator(seed).Permutation(train.Count)[..samples];
        int[] repeated = picked.SelectMany(i => Enumerable.Repeat(i, cols)).ToArray();
        Tensor originals = train.GetBatch(picked).Inputs;
        Tensor augmented = pipeline.Apply(train.GetBatch(repeated).Inputs, batchIndex: 0);

        var cells = new List<Tensor>();
        for (int r = 0; r < samples; r++)
        {
            cells.Add(originals.Narrow(0, r, 1).Squeeze(0));
            for (int c = 0; c < cols; c++) cells.Add(augmented.Narrow(0, (r * cols) + c, 1).Squeeze(0));
        }

        // Images in [0, 1] are drawn as they are; anything else (e.g. after Normalize) is stretched to its range.
        float[] all = [.. originals.ToArray(), .. augmented.ToArray()];
        (float min, float max) = all.All(v => v is >= 0f and <= 1f) ? (0f, 1f) : (all.Min(), all.Max());
        ImageGrid.Write(outPath, cells, cols + 1, scale: 4, min, max, separatorAfterColumn: 0);
        output.WriteLine($"{recipe}: {pipeline}");
        output.WriteLine($"wrote {outPath}: {samples} sample(s), each as the original then {cols} augmented version(s)");
        return 0;
    });
}
