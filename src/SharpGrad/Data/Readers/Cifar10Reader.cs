namespace SharpGrad.Data;

/// <summary>
/// Reads the CIFAR-10 binary version (<c>cifar-10-batches-bin</c>): <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c>
/// (10,000 training images each), <c>test_batch.bin</c> and <c>batches.meta.txt</c> (the class names, one a line).
/// </summary>
/// <remarks>
/// Each record is 3,073 bytes: one label byte (0 … 9), then the 32×32 red plane, the green plane and the blue plane,
/// each row-major (1,024 bytes). Images become Float32 (N, 3, 32, 32) in [0, 1] (byte / 255, as torchvision's
/// <c>ToTensor</c>); labels Int64 (N).
/// </remarks>
public static class Cifar10Reader
{
    /// <summary>The image side in pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>The bytes of one image (3 planes of 32×32).</summary>
    public const int ImageBytes = 3 * ImageSize * ImageSize;

    /// <summary>The bytes of one record: the label byte and the image.</summary>
    public const int RecordBytes = 1 + ImageBytes;

    /// <summary>The number of classes (labels are 0 … 9).</summary>
    public const int ClassCount = 10;

    /// <summary>The training files, in order.</summary>
    public static IReadOnlyList<string> TrainFiles { get; } = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>The test file.</summary>
    public const string TestFile = "test_batch.bin";

    /// <summary>The file of class names.</summary>
    public const string MetaFile = "batches.meta.txt";

    /// <summary>The standard class names, used when <see cref="MetaFile"/> is absent.</summary>
    public static IReadOnlyList<string> DefaultClassNames { get; } = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Reads one or more batch files as one data set (records in file order).</summary>
    /// <param name="paths">The <c>.bin</c> files.</param>
    /// <returns>Inputs Float32 (N, 3, 32, 32) in [0, 1]; targets Int64 (N).</returns>
    /// <exception cref="Cifar10FormatException">A file is not a whole number of records, or holds a label ≥ 10.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static TensorDataset Read(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        if (paths.Length == 0)
        {
            throw new ArgumentException("Cifar10Reader: no files given.", nameof(paths));
        }

        var contents = new byte[paths.Length][];
        long records = 0;
        for (int f = 0; f < paths.Length; f++)
        {
            contents[f] = File.ReadAllBytes(paths[f]);
            Validate(contents[f], paths[f]);
            records += contents[f].Length / RecordBytes;
        }

        int n = checked((int)records);
        var pixels = new float[checked(n * ImageBytes)];
        var labels = new long[n];
        int i = 0;
        foreach (byte[] bytes in contents)
        {
            for (int r = 0; r < bytes.Length / RecordBytes; r++, i++)
            {
                labels[i] = bytes[r * RecordBytes];
                IdxReader.ScaleBytes(bytes.AsSpan((r * RecordBytes) + 1, ImageBytes), pixels.AsSpan(i * ImageBytes, ImageBytes));
            }
        }

        return new TensorDataset(TensorWrap.Own(pixels, [n, 3, ImageSize, ImageSize]), TensorWrap.Own(labels, [n]));
    }

    /// <summary>Reads the class names of <c>batches.meta.txt</c>: the non-empty lines, trimmed.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The names, indexed by label.</returns>
    public static IReadOnlyList<string> ReadClassNames(string path) =>
        File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    /// <summary>Loads the training set (the five data batches), the test set and the class names from a folder.</summary>
    /// <param name="directory">The folder holding the files, or its parent holding <c>cifar-10-batches-bin</c>.</param>
    /// <returns>The data.</returns>
    /// <exception cref="DatasetNotFoundException">A data file is missing; the message lists which.</exception>
    /// <exception cref="Cifar10FormatException">A file is corrupt.</exception>
    public static Cifar10Data Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string[] candidates = [directory, Path.Combine(directory, "cifar-10-batches-bin")];
        string[] needed = [.. TrainFiles, TestFile];
        string? dir = candidates.FirstOrDefault(d => needed.All(f => File.Exists(Path.Combine(d, f))));
        if (dir is null)
        {
            string where = string.Join(Environment.NewLine, candidates.Select(d =>
                "  " + d + (Directory.Exists(d) ? $" (missing {string.Join(", ", needed.Where(f => !File.Exists(Path.Combine(d, f))))})" : " (no such folder)")));
            throw new DatasetNotFoundException(
                $"CIFAR-10 (binary version) was not found. Searched:{Environment.NewLine}{where}{Environment.NewLine}" +
                $"The folder must hold {string.Join(", ", needed)} (and optionally {MetaFile}), as in cifar-10-binary.tar.gz.",
                candidates);
        }

        TensorDataset train = Read(TrainFiles.Select(f => Path.Combine(dir, f)).ToArray());
        TensorDataset test = Read(Path.Combine(dir, TestFile));
        string meta = Path.Combine(dir, MetaFile);
        IReadOnlyList<string> names = File.Exists(meta) ? ReadClassNames(meta) : DefaultClassNames;
        return new Cifar10Data(train, test, names, dir);
    }

    private static void Validate(byte[] bytes, string path)
    {
        if (bytes.Length == 0)
        {
            throw new Cifar10FormatException(path, 0, $"the file is empty; expected records of {RecordBytes} bytes (1 label byte + {ImageBytes} pixel bytes).");
        }

        if (bytes.Length % RecordBytes != 0)
        {
            long whole = bytes.Length / RecordBytes;
            throw new Cifar10FormatException(path, whole * RecordBytes,
                $"the file has {bytes.Length} bytes, not a multiple of the {RecordBytes}-byte record (1 label byte + {ImageBytes} pixel bytes): " +
                $"{whole} whole record(s), then {bytes.Length % RecordBytes} stray byte(s). The file is truncated or not a CIFAR-10 binary batch.");
        }

        for (long r = 0; r < bytes.Length / RecordBytes; r++)
        {
            byte label = bytes[r * RecordBytes];
            if (label >= ClassCount)
            {
                throw new Cifar10FormatException(path, r * RecordBytes,
                    $"record {r} has label {label}; CIFAR-10 labels are 0 … {ClassCount - 1}. (CIFAR-100 binary files have two label bytes per record and are not supported.)");
            }
        }
    }
}

/// <summary>The CIFAR-10 training and test sets, with the class names.</summary>
public sealed class Cifar10Data
{
    internal Cifar10Data(TensorDataset train, TensorDataset test, IReadOnlyList<string> classNames, string directory)
    {
        Train = train;
        Test = test;
        ClassNames = classNames;
        Directory = directory;
    }

    /// <summary>The training images (50,000 in the full set): inputs Float32 (N, 3, 32, 32) in [0, 1], targets Int64 (N).</summary>
    public TensorDataset Train { get; }

    /// <summary>The test images (10,000 in the full set), shaped like <see cref="Train"/>.</summary>
    public TensorDataset Test { get; }

    /// <summary>The class names, indexed by label (from <c>batches.meta.txt</c>, else the standard ten).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The folder the files were read from.</summary>
    public string Directory { get; }

    /// <summary>Deconstructs into the training and test sets.</summary>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set.</param>
    public void Deconstruct(out TensorDataset train, out TensorDataset test)
    {
        train = Train;
        test = Test;
    }
}
