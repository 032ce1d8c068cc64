using SharpGrad.Data;
using SharpGrad.Imaging;
using SkiaSharp;

namespace SharpGrad.Tests.Data;

public sealed class ImageFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-imagefolder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A 3×4 (H×W) opaque image: pixel (y, x) = (10·y + x + seed, 2·(10·y + x), 200 − seed); pixel (0, 0) is grey 77.</summary>
    private static SKColor Pixel(int y, int x, int seed) =>
        y == 0 && x == 0 ? new SKColor(77, 77, 77) : new SKColor((byte)((10 * y) + x + seed), (byte)(2 * ((10 * y) + x)), (byte)(200 - seed));

    private static void WriteImage(string path, int seed, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int height = 3, int width = 4)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, Pixel(y, x, seed));
            }
        }

        using SKData data = bitmap.Encode(format, 95);
        File.WriteAllBytes(path, data.ToArray());
    }

    private string Root(string name = "root")
    {
        string root = Path.Combine(_dir, name);
        WriteImage(Path.Combine(root, "dog", "b.png"), 3);
        WriteImage(Path.Combine(root, "dog", "a.png"), 2);
        WriteImage(Path.Combine(root, "cat", "z.png"), 1);
        File.WriteAllText(Path.Combine(root, "cat", "notes.txt"), "not an image, ignored by extension");
        return root;
    }

    [Fact]
    public void PngRoundTripGivesExactPixelsLabelsAndClasses()
    {
        var data = new ImageFolder(Root(), height: 3, width: 4);
        Assert.Equal(["cat", "dog"], data.Classes);
        Assert.Equal(1, data.ClassToIndex["dog"]);
        Assert.Equal(3, data.Count);
        Assert.Equal(["z.png", "a.png", "b.png"], data.Samples.Select(s => Path.GetFileName(s.Path)));
        Assert.Equal(new ImageShape(3, 3, 4), data.ImageShape);

        (Tensor x, Tensor y) = data.Get(1);   // dog/a.png, seed 2
        Assert.Equal([3, 3, 4], x.ShapeArray);
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal(1L, (long)y.Item());
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 4; c++)
            {
                SKColor p = Pixel(r, c, 2);
                Assert.Equal(p.Red / 255f, (float)x[0, r, c]);
                Assert.Equal(p.Green / 255f, (float)x[1, r, c]);
                Assert.Equal(p.Blue / 255f, (float)x[2, r, c]);
            }
        }

        (Tensor xs, Tensor ys) = data.GetBatch([2, 0]);
        Assert.Equal([2, 3, 3, 4], xs.ShapeArray);
        Assert.Equal([1L, 0], ys.ToArray<long>());
        Assert.Equal(data.ToTensorDataset().Inputs.ToArray(), data.GetBatch([0, 1, 2]).Inputs.ToArray());
    }

    [Fact]
    public void GreyScaleUsesPillowLumaAndKeepsGreyExact()
    {
        var data = new ImageFolder(Root(), 3, 4, ColorMode.Grayscale);
        Tensor x = data.Get(0).Input;   // cat/z.png, seed 1
        Assert.Equal([1, 3, 4], x.ShapeArray);
        Assert.Equal(77 / 255f, (float)x[0, 0, 0]);
        SKColor p = Pixel(2, 3, 1);
        int luma = ((p.Red * 19595) + (p.Green * 38470) + (p.Blue * 7471) + 0x8000) >> 16;
        Assert.Equal(luma / 255f, (float)x[0, 2, 3]);
    }

    [Fact]
    public void ResizesJpegAndOtherFormatsAndPreloads()
    {
        string root = Path.Combine(_dir, "mixed");
        WriteImage(Path.Combine(root, "a", "one.jpg"), 5, SKEncodedImageFormat.Jpeg, 16, 16);
        WriteImage(Path.Combine(root, "b", "two.PNG"), 9, SKEncodedImageFormat.Png, 40, 20);
        WriteImage(Path.Combine(root, "b", "three.webp"), 9, SKEncodedImageFormat.Webp, 8, 8);
        var data = new ImageFolder(root, 8, 8).Preload();
        Assert.True(data.IsPreloaded);
        Assert.Equal(3, data.Count);
        (Tensor xs, Tensor ys) = data.GetBatch([0, 1, 2]);
        Assert.Equal([3, 3, 8, 8], xs.ShapeArray);
        Assert.Equal([0L, 1, 1], ys.ToArray<long>());
        Assert.All(xs.ToArray(), v => Assert.InRange(v, 0f, 1f));
        Assert.Equal((200 - 5) / 255f, (float)xs[0, 2, 4, 4], 1);   // JPEG is lossy: blue plane ≈ 195/255
    }

    [Fact]
    public void ACorruptFileGivesAnErrorNamingIt()
    {
        string root = Root();
        string bad = Path.Combine(root, "dog", "x.png");
        File.WriteAllBytes(bad, Enumerable.Range(0, 300).Select(i => (byte)(i * 37 % 251)).ToArray());
        var e = Assert.Throws<ImageDecodeException>(() => new ImageFolder(root, 3, 4));
        Assert.Equal(bad, e.FileName);
        Assert.Contains(bad, e.Message);
        Assert.Contains("skipInvalid", e.Message);
        Assert.IsAssignableFrom<DataFormatException>(e);

        File.WriteAllBytes(bad, []);
        Assert.Contains("empty", Assert.Throws<ImageDecodeException>(() => new ImageFolder(root, 3, 4)).Message);
    }

    [Fact]
    public void SkipInvalidLeavesCorruptFilesOutWithAWarning()
    {
        string root = Root();
        string bad = Path.Combine(root, "cat", "x.png");
        File.WriteAllBytes(bad, [1, 2, 3, 4, 5]);
        var seen = new List<string>();
        var data = new ImageFolder(root, 3, 4, skipInvalid: true, onWarning: seen.Add);
        Assert.Equal(3, data.Count);
        Assert.DoesNotContain(data.Samples, s => s.Path == bad);
        string warning = Assert.Single(data.Warnings);
        Assert.Contains(bad, warning);
        Assert.Equal(data.Warnings, seen);
    }

    [Fact]
    public void ATruncatedImageFailsWhenDecodedAndPreloadCanSkipIt()
    {
        string root = Root();
        string good = Path.Combine(root, "cat", "big.png");
        WriteImage(good, 4, height: 64, width: 64);
        byte[] bytes = File.ReadAllBytes(good);
        string cut = Path.Combine(root, "cat", "cut.png");
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);   // the header survives, the data does not

        var data = new ImageFolder(root, 3, 4);
        int index = data.Samples.Select(s => s.Path).ToList().IndexOf(cut);
        var e = Assert.Throws<ImageDecodeException>(() => data.Get(index));
        Assert.Contains(cut, e.Message);
        Assert.Contains(cut, Assert.Throws<ImageDecodeException>(() => data.GetBatch([0, 1, 2, 3, 4])).Message);

        var skipping = new ImageFolder(root, 3, 4, skipInvalid: true).Preload();
        Assert.Equal(4, skipping.Count);
        Assert.Contains(cut, Assert.Single(skipping.Warnings));
    }

    [Fact]
    public void BadLayoutsGiveClearErrors()
    {
        string missing = Path.Combine(_dir, "nope");
        Assert.Contains("does not exist", Assert.Throws<ImageFolderException>(() => new ImageFolder(missing, 4, 4)).Message);

        string empty = Directory.CreateDirectory(Path.Combine(_dir, "empty")).FullName;
        Assert.Contains("is empty", Assert.Throws<ImageFolderException>(() => new ImageFolder(empty, 4, 4)).Message);

        string flat = Path.Combine(_dir, "flat");
        WriteImage(Path.Combine(flat, "a.png"), 0);
        Assert.Contains("no class sub-folders", Assert.Throws<ImageFolderException>(() => new ImageFolder(flat, 4, 4)).Message);

        string root = Root("withempty");
        string emptyClass = Directory.CreateDirectory(Path.Combine(root, "emu")).FullName;
        var e = Assert.Throws<ImageFolderException>(() => new ImageFolder(root, 4, 4));
        Assert.Equal(emptyClass, e.Directory);
        Assert.Contains("\"emu\"", e.Message);

        File.WriteAllBytes(Path.Combine(emptyClass, "junk.jpg"), [9, 9, 9]);
        Assert.Contains("no valid images", Assert.Throws<ImageFolderException>(() => new ImageFolder(root, 4, 4, skipInvalid: true)).Message);
    }

    [Fact]
    public void WorksWithTheDataLoaderAndAugmentation()
    {
        var data = new ImageFolder(Root(), 3, 4);
        var augment = Augment.Compose(1, new RandomHorizontalFlip(p: 1));
        var loader = new DataLoader(data, batchSize: 2, transform: augment.ApplyToBatch);
        List<Batch> batches = [.. loader];
        Assert.Equal(2, batches.Count);
        Assert.Equal([2, 3, 3, 4], batches[0].Inputs.ShapeArray);
        Assert.Equal((float)data.Get(0).Input[0, 0, 3], (float)batches[0].Inputs[0, 0, 0, 0]);   // flipped
    }
}
