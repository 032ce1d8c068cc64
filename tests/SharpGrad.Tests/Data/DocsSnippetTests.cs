using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

/// <summary>The snippets of docs/data.md, compiled and run (file paths replaced by files the test writes).</summary>
public sealed class DocsSnippetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-docs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DataLoaderAndPreprocessingSnippetsRun()
    {
        Tensor x = Tensor.Randn([100, 4], new Generator(0));
        Tensor y = Tensor.RandInt(0, 3, [100], new Generator(1));
        var data = new TensorDataset(x, y);
        (Tensor x0, Tensor y0) = data.Get(0);
        Assert.Equal([4], x0.ShapeArray);
        Assert.Equal(0, y0.Rank);
        var firstTen = new Subset(data, Enumerable.Range(0, 10).ToArray());
        Assert.Equal(10, firstTen.Count);

        var loader = new DataLoader(data, batchSize: 32, shuffle: true, seed: 42);
        Assert.Equal(4, loader.BatchesPerEpoch);
        int seen = 0;
        for (int epoch = 0; epoch < 3; epoch++)
        {
            foreach (Batch batch in loader)
            {
                seen += batch.Size;
            }
        }

        Assert.Equal(300, seen);
        var noisy = new DataLoader(data, 32, shuffle: true, seed: 1,
            transform: b => b with { Inputs = b.Inputs + (Tensor.Randn([b.Size, 4], new Generator(2)) * 0.1) });
        Assert.Equal(4, noisy.Count());

        (TensorDataset train, TensorDataset test) = TrainTestSplit.Split(data, testSize: 0.2, randomState: 42, stratify: true);
        var scaler = new StandardScaler();
        Tensor trainX = scaler.FitTransform(train.Inputs);
        Tensor testX = scaler.Transform(test.Inputs);
        Tensor back = scaler.InverseTransform(testX);
        FixtureSupport.Close(test.Inputs.ToArray<double>(), back.ToArray<double>(), 1e-5);
        Assert.Equal([80, 4], trainX.ShapeArray);
        var minmax = new MinMaxScaler((-1, 1));
        Assert.Equal(-1f, minmax.FitTransform(train.Inputs).ToArray().Min(), 5);
        Assert.Equal([80, 3], Preprocessing.OneHot(train.Targets, numClasses: 3).ShapeArray);
    }

    [Fact]
    public void CsvAndIdxSnippetsRun()
    {
        string csv = Path.Combine(_dir, "iris.csv");
        File.WriteAllText(csv, "sepal_length,petal_length,species\n5.1,1.4,setosa\n7.0,4.7,versicolor\n");
        CsvTable table = CsvReader.Read(csv, new CsvOptions { LabelColumn = "species" });
        Assert.Equal(["setosa", "versicolor"], table.ClassNames);
        Assert.Equal(2, table.ToDataset().Count);

        string images = Path.Combine(_dir, "tiny-images.gz"), labels = Path.Combine(_dir, "tiny-labels");
        IdxWriter.Write(images, [2, 28, 28], new byte[2 * 28 * 28], gzip: true);
        IdxWriter.Write(labels, [2], [4, 2]);
        Assert.Equal([2, 784], IdxReader.ReadImages(images).ShapeArray);
        Assert.Equal([2, 1, 28, 28], IdxReader.ReadImages(images, flatten: false).ShapeArray);
        Assert.Equal(2, IdxReader.ReadDataset(images, labels).Count);
        Assert.Equal([2], IdxReader.Read(labels).Dimensions);
    }

    [FashionMnistFact]
    [Trait("Category", "Data")]
    public void FashionMnistSnippetRuns()
    {
        var (trainSet, testSet) = FashionMnist.Load();
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[(int)trainSet.Get(0).Target.Item()]);
        var trainLoader = new DataLoader(trainSet, 128, shuffle: true, seed: 0);
        Assert.Equal(469, trainLoader.BatchesPerEpoch);
        Assert.Equal(10000, testSet.Count);
    }

    [Fact]
    public void AugmentationImageFolderAndCifarSnippetsRun()
    {
        Tensor images = Tensor.Rand([10, 1, 28, 28], new Generator(0));
        var train = new TensorDataset(images, Tensor.Arange(10).To(DType.Int64));
        Augmentation augment = Augment.Compose(seed: 1, new RandomCrop(28, padding: 2), new RandomHorizontalFlip(), new RandomRotation(10));
        var loader = new DataLoader(train, 4, shuffle: true, seed: 1, transform: augment.ApplyToBatch);
        Assert.Equal([4, 1, 28, 28], loader.First().Inputs.ShapeArray);
        Assert.Equal(1, augment.BatchIndex);

        string photosDir = Path.Combine(_dir, "photos");
        foreach (string cls in new[] { "dog", "cat" })
        {
            Directory.CreateDirectory(Path.Combine(photosDir, cls));
            using var bitmap = new SkiaSharp.SKBitmap(80, 60);
            bitmap.Erase(new SkiaSharp.SKColor(10, 200, 30));
            using SkiaSharp.SKData png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(photosDir, cls, "1.png"), png.ToArray());
        }

        File.WriteAllBytes(Path.Combine(photosDir, "dog", "x.png"), [1, 2, 3]);
        var warnings = new List<string>();
        var photos = new SharpGrad.Imaging.ImageFolder(photosDir, 64, 64, SharpGrad.Imaging.ColorMode.Grayscale, skipInvalid: true, onWarning: warnings.Add);
        Assert.Equal(["cat", "dog"], photos.Classes);
        Assert.Single(warnings);
        (Tensor image, Tensor label) = photos.Get(0);
        Assert.Equal([1, 64, 64], image.ShapeArray);
        Assert.Equal(0L, (long)label.Item());
        Assert.Equal([2, 1, 64, 64], photos.ToTensorDataset().Inputs.ShapeArray);

        string cifarDir = Path.Combine(_dir, "cifar-10-batches-bin");
        Cifar10ReaderTests.WriteFakeSet(cifarDir);
        Cifar10Data cifar = Cifar10Reader.Load(_dir);
        var (cifarTrain, cifarTest) = cifar;
        Assert.Equal("horse", cifar.ClassNames[(int)cifarTest.Get(0).Target.Item()]);
        Assert.Equal(2, Cifar10Reader.Read(Path.Combine(cifarDir, "data_batch_1.bin")).Count);
        Assert.Equal(10, cifarTrain.Count);
    }
}
