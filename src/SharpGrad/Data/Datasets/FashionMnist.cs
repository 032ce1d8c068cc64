namespace SharpGrad.Data;

/// <summary>The Fashion-MNIST training and test sets, with the class names.</summary>
public sealed class FashionMnistData
{
    internal FashionMnistData(TensorDataset train, TensorDataset test, string directory)
    {
        Train = train;
        Test = test;
        Directory = directory;
    }

    /// <summary>The 60,000 training images: inputs Float32 (60000, 784) in [0, 1] (or (60000, 1, 28, 28)), targets Int64 (60000).</summary>
    public TensorDataset Train { get; }

    /// <summary>The 10,000 test images, shaped like <see cref="Train"/>.</summary>
    public TensorDataset Test { get; }

    /// <summary>The folder the files were read from.</summary>
    public string Directory { get; }

    /// <summary>The class names, indexed by label.</summary>
    public IReadOnlyList<string> ClassNames => FashionMnist.ClassNames;

    /// <summary>Deconstructs into the training and test sets: <c>var (train, test) = FashionMnist.Load();</c>.</summary>
    /// <param name="train">The training set.</param>
    /// <param name="test">The test set.</param>
    public void Deconstruct(out TensorDataset train, out TensorDataset test)
    {
        train = Train;
        test = Test;
    }
}

/// <summary>
/// Loads Fashion-MNIST (Zalando; 70,000 28×28 grey-scale images of 10 kinds of clothing; MIT licence) from the IDX files
/// <c>{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]</c>.
/// </summary>
/// <remarks>
/// <para>The folder is searched in this order: the <c>dataDirectory</c> argument (when given, only it is searched);
/// <c>$SHARPGRAD_DATA/fashion-mnist</c> and <c>$SHARPGRAD_DATA</c>; <see cref="DefaultDirectory"/>, where the Debian
/// package <c>dataset-fashion-mnist</c> installs the files.</para>
/// <para>Pixels are scaled to [0, 1] (value / 255, as torchvision's <c>ToTensor</c>); labels are Int64 in 0 … 9.</para>
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where the Debian package installs the files.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The command that installs the files into <see cref="DefaultDirectory"/>.</summary>
    public const string InstallCommand = "apt-get install -y dataset-fashion-mnist";

    /// <summary>The environment variable naming a data root (searched as <c>$SHARPGRAD_DATA/fashion-mnist</c>, then itself).</summary>
    public const string DataEnvironmentVariable = "SHARPGRAD_DATA";

    private static readonly string[] Names =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private static readonly string[] Files =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The class names, indexed by label: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static IReadOnlyList<string> ClassNames => Names;

    /// <summary>Loads the training and test sets.</summary>
    /// <param name="dataDirectory">The folder holding the four files; null to search the default places (see remarks).</param>
    /// <param name="flatten">True for inputs of shape (N, 784) (an MLP); false for (N, 1, 28, 28) (a CNN).</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="DatasetNotFoundException">No searched folder holds all four files; the message says how to install them.</exception>
    /// <exception cref="IdxFormatException">A file is corrupt.</exception>
    public static FashionMnistData Load(string? dataDirectory = null, bool flatten = true)
    {
        string directory = FindDirectory(dataDirectory);
        TensorDataset? train = null, test = null;

        // The two halves are independent: decompress them on two threads.
        Parallel.Invoke(
            () => train = IdxReader.ReadDataset(FilePath(directory, Files[0]), FilePath(directory, Files[1]), flatten),
            () => test = IdxReader.ReadDataset(FilePath(directory, Files[2]), FilePath(directory, Files[3]), flatten));
        return new FashionMnistData(train!, test!, directory);
    }

    /// <summary>Finds the folder holding the four files.</summary>
    /// <param name="dataDirectory">A folder to use instead of the default search, or null.</param>
    /// <returns>The folder.</returns>
    /// <exception cref="DatasetNotFoundException">The files are not there; the message says how to get them.</exception>
    public static string FindDirectory(string? dataDirectory = null)
    {
        var candidates = new List<string>();
        if (dataDirectory is not null)
        {
            candidates.Add(dataDirectory);
            candidates.Add(Path.Combine(dataDirectory, "fashion-mnist"));
        }
        else
        {
            string? root = Environment.GetEnvironmentVariable(DataEnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(root))
            {
                candidates.Add(Path.Combine(root, "fashion-mnist"));
                candidates.Add(root);
            }

            candidates.Add(DefaultDirectory);
        }

        foreach (string dir in candidates)
        {
            if (Files.All(f => FindFile(dir, f) is not null))
            {
                return dir;
            }
        }

        string where = string.Join(Environment.NewLine, candidates.Select(c => "  " + c + Missing(c)));
        string message = dataDirectory is not null
            ? $"Fashion-MNIST was not found in {dataDirectory}. Searched:{Environment.NewLine}{where}{Environment.NewLine}" +
              $"The folder must hold {string.Join(", ", Files.Select(f => f + ".gz"))} (gzipped or not). " +
              $"To install them in {DefaultDirectory}, run: {InstallCommand}"
            : $"Fashion-MNIST was not found. Searched:{Environment.NewLine}{where}{Environment.NewLine}" +
              $"Install it with: {InstallCommand}{Environment.NewLine}" +
              $"or pass --data DIR (a folder holding {string.Join(", ", Files.Select(f => f + ".gz"))}), or set {DataEnvironmentVariable}.";
        throw new DatasetNotFoundException(message, candidates);
    }

    private static string Missing(string dir)
    {
        if (!System.IO.Directory.Exists(dir))
        {
            return " (no such folder)";
        }

        string[] missing = Files.Where(f => FindFile(dir, f) is null).ToArray();
        return $" (missing {string.Join(", ", missing)})";
    }

    private static string? FindFile(string directory, string name)
    {
        string gz = Path.Combine(directory, name + ".gz");
        if (File.Exists(gz))
        {
            return gz;
        }

        string raw = Path.Combine(directory, name);
        return File.Exists(raw) ? raw : null;
    }

    private static string FilePath(string directory, string name) => FindFile(directory, name)
        ?? throw new DatasetNotFoundException($"Fashion-MNIST file {name} disappeared from {directory}.", [directory]);
}
