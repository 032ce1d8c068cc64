using SharpGrad.Cli.Commands;
using SharpGrad.Cli.Recipes;
using SharpGrad.Data;
using SkiaSharp;

namespace SharpGrad.Tests.Data;

public sealed class AugmentationPreviewTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-augpreview-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void WriteFakeFashionMnist(int n = 5)
    {
        foreach (string prefix in new[] { "train", "t10k" })
        {
            byte[] pixels = Enumerable.Range(0, n * 784).Select(i => (byte)((i % 28) * 9)).ToArray();
            IdxWriter.Write(Path.Combine(_dir, $"{prefix}-images-idx3-ubyte.gz"), [n, 28, 28], pixels, gzip: true);
            IdxWriter.Write(Path.Combine(_dir, $"{prefix}-labels-idx1-ubyte.gz"), [n], Enumerable.Range(0, n).Select(i => (byte)i).ToArray(), gzip: true);
        }
    }

    [Theory]
    [InlineData("fmnist-cnn-plus")]
    [InlineData("fmnist-strong")]
    public void WritesAPngGridOfOriginalsAndAugmentedVersions(string recipe)
    {
        WriteFakeFashionMnist();
        string png = Path.Combine(_dir, "out", "grid.png");
        var output = new StringWriter();
        var error = new StringWriter();
        int code = AugmentPreviewCommand.Run(recipe, png, seed: 1, rows: 3, cols: 4, _dir, output, error);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("wrote", output.ToString());
        using SKBitmap bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);

        // 5 columns (original + 4) and 3 rows of 28·4-pixel cells, 2-pixel gaps, an 8-pixel separator after the originals.
        Assert.Equal(2 + (5 * (112 + 2)) + 8, bitmap.Width);
        Assert.Equal(2 + (3 * (112 + 2)), bitmap.Height);
    }

    [Fact]
    public void DrawsCifarImagesInColour()
    {
        Cifar10ReaderTests.WriteFakeSet(_dir);
        string png = Path.Combine(_dir, "cifar.png");
        var error = new StringWriter();
        Assert.True(AugmentPreviewCommand.Run("cifar10", png, 0, 2, 2, _dir, new StringWriter(), error) == 0, error.ToString());
        using SKBitmap bitmap = SKBitmap.Decode(png);
        SKColor centre = bitmap.GetPixel(2 + 64, 2 + 64);   // middle of the first original
        Assert.Equal(255, centre.Blue);                      // the fake images have a full blue plane
    }

    [Fact]
    public void MissingDataAndUnknownRecipesAreClearErrors()
    {
        var error = new StringWriter();
        Assert.Equal(1, AugmentPreviewCommand.Run("fmnist", Path.Combine(_dir, "x.png"), 0, 2, 2, _dir, new StringWriter(), error));
        Assert.Contains("apt-get install -y dataset-fashion-mnist", error.ToString());

        error = new StringWriter();
        Assert.Equal(1, AugmentPreviewCommand.Run("nope", Path.Combine(_dir, "x.png"), 0, 2, 2, _dir, new StringWriter(), error));
        Assert.Contains("fmnist-cnn-plus", error.ToString());
        Assert.False(File.Exists(Path.Combine(_dir, "x.png")));
    }

    [Fact]
    public void PresetsReturnFreshPipelinesForTheirDataSet()
    {
        (Augmentation a, string dataset) = AugmentationPresets.For("fmnist-cnn-plus", seed: 3);
        Assert.Equal(AugmentationPresets.FashionMnistDataset, dataset);
        Assert.Equal(3UL, a.Seed);
        a.Apply(Tensor.Zeros([1, 1, 28, 28]));
        Assert.Equal(0, AugmentationPresets.For("fmnist-cnn-plus").Pipeline.BatchIndex);
        Assert.Contains("fmnist", AugmentationPresets.Names);
        Assert.Throws<ArgumentException>(() => AugmentationPresets.For("seed-mlp"));
    }
}
