using System.Runtime.ExceptionServices;
using SharpGrad.Data;

namespace SharpGrad.Imaging;

/// <summary>One image of an <see cref="ImageFolder"/>: its file and its class index.</summary>
/// <param name="Path">The image file.</param>
/// <param name="Label">The class index (position of the folder name in <see cref="ImageFolder.Classes"/>).</param>
public readonly record struct ImageSample(string Path, int Label);

/// <summary>
/// A data set of images stored one folder per class, like torchvision's <c>ImageFolder</c> and Keras'
/// <c>flow_from_directory</c>: <c>root/cat/1.png</c>, <c>root/dog/x.jpg</c>, … Classes are the sub-folder names sorted
/// ordinally (label i is <c>Classes[i]</c>); samples are ordered by class, then by file name.
/// </summary>
/// <remarks>
/// <para>Inputs are Float32 (C, H, W) in [0, 1] (C = 1 for <see cref="ColorMode.Grayscale"/>, 3 for RGB), resized to
/// <see cref="ImageFolderOptions.Height"/>×<see cref="ImageFolderOptions.Width"/> with bilinear filtering and mipmaps;
/// targets are Int64 scalars. Images are decoded lazily, each time a sample is read (a batch is decoded in parallel);
/// <see cref="Preload"/> decodes everything once and keeps it in memory.</para>
/// <para><b>Errors.</b> At construction every image file's header is checked. A file that is not an image (random
/// bytes named <c>x.png</c>, an empty file) throws <see cref="ImageDecodeException"/> naming it, or — with
/// <see cref="ImageFolderOptions.SkipInvalid"/> — is left out with a warning. A file whose header is fine but whose data
/// is corrupt is found when it is decoded: reading it throws <see cref="ImageDecodeException"/>, and <see cref="Preload"/>
/// with <see cref="ImageFolderOptions.SkipInvalid"/> leaves it out with a warning. A missing or empty root, a root with
/// no class folders, or a class folder with no images throws <see cref="ImageFolderException"/>. Files whose extension
/// is not in <see cref="ImageFolderOptions.Extensions"/> and hidden files (names starting with '.') are ignored.</para>
/// </remarks>
public sealed class ImageFolder : IBatchDataset
{
    private readonly List<string> _warnings = [];
    private ImageSample[] _samples;
    private float[]? _cache;

    /// <summary>Indexes the folder.</summary>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="height">The height images are resized to.</param>
    /// <param name="width">The width images are resized to.</param>
    /// <param name="color">Grey-scale or RGB.</param>
    /// <param name="skipInvalid">Skip non-image files with a warning instead of throwing.</param>
    /// <param name="onWarning">Called with each warning.</param>
    /// <exception cref="ImageFolderException">The folder layout is wrong (see remarks).</exception>
    /// <exception cref="ImageDecodeException">A file is not an image and <paramref name="skipInvalid"/> is false.</exception>
    public ImageFolder(string root, int height, int width, ColorMode color = ColorMode.Rgb, bool skipInvalid = false, Action<string>? onWarning = null)
        : this(root, new ImageFolderOptions { Height = height, Width = width, Color = color, SkipInvalid = skipInvalid, OnWarning = onWarning })
    {
    }

    /// <summary>Indexes the folder.</summary>
    /// <param name="root">The folder holding one sub-folder per class.</param>
    /// <param name="options">The settings.</param>
    /// <exception cref="ImageFolderException">The folder layout is wrong (see remarks).</exception>
    /// <exception cref="ImageDecodeException">A file is not an image and <see cref="ImageFolderOptions.SkipInvalid"/> is false.</exception>
    public ImageFolder(string root, ImageFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Height < 1 || options.Width < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ImageFolder: the image size must be positive; got {options.Height}×{options.Width}.");
        }

        Root = root;
        Options = options;
        ImageShape = new ImageShape(options.Color == ColorMode.Rgb ? 3 : 1, options.Height, options.Width);

        if (!Directory.Exists(root))
        {
            throw new ImageFolderException(root, $"Image folder {root} does not exist; expected a folder with one sub-folder of images per class (root/class_name/image.png).");
        }

        string[] classDirs = Directory.GetDirectories(root)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .ToArray();
        if (classDirs.Length == 0)
        {
            bool empty = !Directory.EnumerateFileSystemEntries(root).Any();
            throw new ImageFolderException(root, empty
                ? $"Image folder {root} is empty; expected one sub-folder of images per class (root/class_name/image.png)."
                : $"Image folder {root} has no class sub-folders (only files); put the images of each class in their own sub-folder (root/class_name/image.png).");
        }

        Classes = classDirs.Select(d => Path.GetFileName(d)!).ToArray();
        ClassToIndex = Classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);

        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        var samples = new List<ImageSample>();
        for (int label = 0; label < classDirs.Length; label++)
        {
            string[] files = Directory.GetFiles(classDirs[label])
                .Where(f => !Path.GetFileName(f).StartsWith('.') && extensions.Contains(Path.GetExtension(f)))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
                .ToArray();
            int valid = 0;
            foreach (string file in files)
            {
                if (ImageDecoder.TryProbe(file, out string? problem))
                {
                    samples.Add(new ImageSample(file, label));
                    valid++;
                }
                else if (options.SkipInvalid)
                {
                    Warn($"skipped {file}: {problem}");
                }
                else
                {
                    throw new ImageDecodeException(file, problem + " (Pass skipInvalid: true to skip such files with a warning.)");
                }
            }

            if (valid == 0)
            {
                string what = files.Length == 0
                    ? $"has no image files ({string.Join(", ", options.Extensions)})"
                    : $"has no valid images (all {files.Length} file(s) were skipped)";
                throw new ImageFolderException(classDirs[label], $"Class folder {classDirs[label]} (class \"{Classes[label]}\") {what}; every class needs at least one image.");
            }
        }

        _samples = samples.ToArray();
    }

    /// <summary>The root folder.</summary>
    public string Root { get; }

    /// <summary>The settings.</summary>
    public ImageFolderOptions Options { get; }

    /// <summary>The class names (sub-folder names, sorted ordinally); label i is <c>Classes[i]</c>.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>The label of each class name.</summary>
    public IReadOnlyDictionary<string, int> ClassToIndex { get; }

    /// <summary>The images and their labels, in sample order.</summary>
    public IReadOnlyList<ImageSample> Samples => _samples;

    /// <summary>The warnings so far (skipped files), in the order they were found.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The shape (C, H, W) of every input.</summary>
    public ImageShape ImageShape { get; }

    /// <summary>Whether all images are decoded and held in memory (see <see cref="Preload"/>).</summary>
    public bool IsPreloaded => _cache is not null;

    /// <inheritdoc/>
    public int Count => _samples.Length;

    /// <summary>
    /// Decodes every image now (in parallel) and keeps the pixels in memory, so later reads only copy. With
    /// <see cref="ImageFolderOptions.SkipInvalid"/>, images that fail to decode are dropped with a warning
    /// (<see cref="Count"/> shrinks); otherwise the first failure throws.
    /// </summary>
    /// <returns>This data set.</returns>
    /// <exception cref="ImageDecodeException">An image cannot be decoded and <see cref="ImageFolderOptions.SkipInvalid"/> is false.</exception>
    public ImageFolder Preload()
    {
        if (_cache is not null)
        {
            return this;
        }

        int size = ImageShape.Numel;
        var pixels = new float[checked(_samples.Length * size)];
        var errors = new ImageDecodeException?[_samples.Length];
        Parallel.For(0, _samples.Length, i =>
        {
            try
            {
                ImageDecoder.Decode(_samples[i].Path, ImageShape, pixels.AsSpan(i * size, size));
            }
            catch (ImageDecodeException e)
            {
                errors[i] = e;
            }
        });

        if (errors.All(e => e is null))
        {
            _cache = pixels;
            return this;
        }

        if (!Options.SkipInvalid)
        {
            throw errors.First(e => e is not null)!;
        }

        var kept = new List<ImageSample>();
        var keptPixels = new float[checked((_samples.Length - errors.Count(e => e is not null)) * size)];
        for (int i = 0; i < _samples.Length; i++)
        {
            if (errors[i] is { } e)
            {
                Warn($"skipped {e.FileName}: {e.Problem}");
                continue;
            }

            pixels.AsSpan(i * size, size).CopyTo(keptPixels.AsSpan(kept.Count * size, size));
            kept.Add(_samples[i]);
        }

        _samples = kept.ToArray();
        _cache = keptPixels;
        return this;
    }

    /// <inheritdoc/>
    /// <exception cref="ImageDecodeException">The image cannot be decoded.</exception>
    public (Tensor Input, Tensor Target) Get(int index)
    {
        (Tensor x, Tensor y) = GetBatch([index]);
        return (x.View([ImageShape.Channels, ImageShape.Height, ImageShape.Width]), y.View([]));
    }

    /// <inheritdoc/>
    /// <exception cref="ImageDecodeException">An image cannot be decoded.</exception>
    public (Tensor Inputs, Tensor Targets) GetBatch(ReadOnlySpan<int> indices)
    {
        int n = _samples.Length, size = ImageShape.Numel;
        int[] picked = indices.ToArray();
        foreach (int i in picked)
        {
            if ((uint)i >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"ImageFolder: index {i} is outside [0, {n}).");
            }
        }

        var pixels = new float[checked(picked.Length * size)];
        var labels = new long[picked.Length];
        for (int k = 0; k < picked.Length; k++)
        {
            labels[k] = _samples[picked[k]].Label;
        }

        if (_cache is { } cache)
        {
            for (int k = 0; k < picked.Length; k++)
            {
                cache.AsSpan(picked[k] * size, size).CopyTo(pixels.AsSpan(k * size, size));
            }
        }
        else if (picked.Length == 1)
        {
            ImageDecoder.Decode(_samples[picked[0]].Path, ImageShape, pixels);
        }
        else
        {
            try
            {
                Parallel.For(0, picked.Length, k => ImageDecoder.Decode(_samples[picked[k]].Path, ImageShape, pixels.AsSpan(k * size, size)));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                // Surface the decoder's own error (naming the file), not the wrapper.
                ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
                throw;
            }
        }

        int[] shape = [picked.Length, ImageShape.Channels, ImageShape.Height, ImageShape.Width];
        return (TensorWrap.Own(pixels, shape), TensorWrap.Own(labels, [picked.Length]));
    }

    /// <summary>All images in memory as one data set: inputs (N, C, H, W), targets Int64 (N) (decodes everything, as <see cref="Preload"/>).</summary>
    /// <returns>The data set.</returns>
    /// <exception cref="ImageDecodeException">An image cannot be decoded and <see cref="ImageFolderOptions.SkipInvalid"/> is false.</exception>
    public TensorDataset ToTensorDataset()
    {
        Preload();
        (Tensor x, Tensor y) = GetBatch(Enumerable.Range(0, Count).ToArray());
        return new TensorDataset(x, y);
    }

    private void Warn(string message)
    {
        _warnings.Add(message);
        Options.OnWarning?.Invoke(message);
    }
}
