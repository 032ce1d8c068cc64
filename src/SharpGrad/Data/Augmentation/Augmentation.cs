namespace SharpGrad.Data;

/// <summary>
/// A seeded pipeline of <see cref="IImageTransform"/>s applied, in order, to every image of a batch (N, C, H, W) —
/// the <c>transforms.Compose([...])</c> of torchvision, run on whole batches. Pass <see cref="ApplyToBatch"/> as a
/// <see cref="DataLoader"/>'s <c>transform</c>:
/// <code>
/// var augment = Augment.Compose(seed: 1, new RandomCrop(28, padding: 2), new RandomHorizontalFlip());
/// var loader = new DataLoader(train, 128, shuffle: true, seed: 1, transform: augment.ApplyToBatch);
/// </code>
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> Image i of the b-th batch the pipeline transforms gets its own <see cref="Generator"/>,
/// seeded with a hash of (<see cref="Seed"/>, b, i). The result therefore depends only on the seed, the batch counter
/// <see cref="BatchIndex"/> and the images — not on threads: the same seed over the same batches (the same loader seed
/// and epoch order) gives the same augmented batches. Set <see cref="BatchIndex"/> to resume a run, or call
/// <see cref="Apply(Tensor, long)"/> to choose the batch index explicitly.</para>
/// <para><b>Speed.</b> Large batches are split into chunks transformed in parallel; each chunk owns one generator
/// (re-seeded per image) and two scratch buffers that intermediate results alternate between, so nothing is allocated
/// per image or per pixel. The first transform reads the batch and the last writes the output directly.</para>
/// <para>The input is not modified; the result is a new Float32 tensor of shape (N, C', H', W') (the shape after the
/// transforms, e.g. a smaller <see cref="RandomCrop"/>). Targets pass through unchanged.</para>
/// </remarks>
public sealed class Augmentation
{
    // Below this many input values a batch is transformed on the calling thread.
    private const int ParallelThreshold = 32 * 1024;

    private readonly IImageTransform[] _transforms;
    private long _batchIndex;

    /// <summary>Creates the pipeline.</summary>
    /// <param name="seed">The seed every random choice derives from.</param>
    /// <param name="transforms">The transforms, applied in order; may be empty (a copy).</param>
    public Augmentation(ulong seed, params IImageTransform[] transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        for (int i = 0; i < transforms.Length; i++)
        {
            if (transforms[i] is null)
            {
                throw new ArgumentNullException(nameof(transforms), $"Augmentation: transform {i} is null.");
            }
        }

        Seed = seed;
        _transforms = (IImageTransform[])transforms.Clone();
    }

    /// <summary>The seed every random choice derives from.</summary>
    public ulong Seed { get; }

    /// <summary>The transforms, in the order they are applied.</summary>
    public IReadOnlyList<IImageTransform> Transforms => _transforms;

    /// <summary>
    /// The index of the next batch <see cref="Apply(Tensor)"/> or <see cref="ApplyToBatch"/> transforms (0 at the start;
    /// incremented by each call, thread-safely). Set it to replay or resume.
    /// </summary>
    public long BatchIndex
    {
        get => Interlocked.Read(ref _batchIndex);
        set => Interlocked.Exchange(ref _batchIndex, value);
    }

    /// <summary>The shape of one output image for input images of shape <paramref name="input"/>.</summary>
    /// <param name="input">The input image shape.</param>
    /// <returns>The shape after all transforms.</returns>
    /// <exception cref="ShapeMismatchException">A transform cannot take the shape it receives.</exception>
    public ImageShape OutputShape(ImageShape input)
    {
        ImageShape shape = input;
        foreach (IImageTransform t in _transforms)
        {
            shape = t.OutputShape(shape);
        }

        return shape;
    }

    /// <summary>Transforms the inputs of a batch (the targets are kept): the <see cref="DataLoader"/> transform hook.</summary>
    /// <param name="batch">A batch whose inputs have shape (N, C, H, W).</param>
    /// <returns>The batch with augmented inputs.</returns>
    /// <exception cref="ShapeMismatchException">The inputs are not (N, C, H, W) Float32, or a transform cannot take their shape.</exception>
    public Batch ApplyToBatch(Batch batch) => batch with { Inputs = Apply(batch.Inputs) };

    /// <summary>Transforms every image of <paramref name="images"/> as batch number <see cref="BatchIndex"/>, then increments it.</summary>
    /// <param name="images">Float32 images of shape (N, C, H, W).</param>
    /// <returns>A new tensor of augmented images, shape (N, C', H', W').</returns>
    /// <exception cref="ShapeMismatchException">The images are not (N, C, H, W) Float32, or a transform cannot take their shape.</exception>
    public Tensor Apply(Tensor images) => Apply(images, Interlocked.Increment(ref _batchIndex) - 1);

    /// <summary>Transforms every image of <paramref name="images"/> as batch number <paramref name="batchIndex"/> (leaves <see cref="BatchIndex"/> alone).</summary>
    /// <param name="images">Float32 images of shape (N, C, H, W).</param>
    /// <param name="batchIndex">Which batch this is: with the seed and the image's position it selects the random choices.</param>
    /// <returns>A new tensor of augmented images, shape (N, C', H', W').</returns>
    /// <exception cref="ShapeMismatchException">The images are not (N, C, H, W) Float32, or a transform cannot take their shape.</exception>
    public Tensor Apply(Tensor images, long batchIndex)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Rank != 4 || images.DType != DType.Float32)
        {
            throw new ShapeMismatchException(
                $"Augmentation: expected Float32 images of shape (N, C, H, W), got {images.DType} {SharpGrad.Shape.Format(images.Shape)}" +
                (images.Rank == 2 ? " (flattened images: load them unflattened, e.g. FashionMnist.Load(dir, flatten: false), or reshape to (N, C, H, W))." : "."));
        }

        int n = images.Shape[0];
        var inShape = new ImageShape(images.Shape[1], images.Shape[2], images.Shape[3]);
        ImageShape outShape = OutputShape(inShape);

        // Intermediate shapes, and the largest, to size the scratch buffers.
        var shapes = new ImageShape[_transforms.Length + 1];
        shapes[0] = inShape;
        int scratch = 0;
        for (int t = 0; t < _transforms.Length; t++)
        {
            shapes[t + 1] = _transforms[t].OutputShape(shapes[t]);
            scratch = Math.Max(scratch, shapes[t + 1].Numel);
        }

        Tensor input = images.Detach().Contiguous();
        float[] src = (float[])input.Storage.Data;
        int srcOffset = input.Offset;
        var output = new float[checked(n * outShape.Numel)];

        int perChunk = Math.Max(1, ParallelThreshold / Math.Max(1, inShape.Numel));
        int chunks = (n + perChunk - 1) / perChunk;
        ulong batchSeed = Mix(Seed + (0x9E3779B97F4A7C15UL * (ulong)(batchIndex + 1)));
        void RunChunk(int chunk)
        {
            var generator = new Generator(0);
            var buffers = new[] { new float[scratch], new float[scratch] };
            int end = Math.Min(n, (chunk + 1) * perChunk);
            for (int i = chunk * perChunk; i < end; i++)
            {
                generator.Seed(batchSeed ^ (0xD1B54A32D192ED03UL * (ulong)(i + 1)));
                ReadOnlySpan<float> image = src.AsSpan(srcOffset + (i * inShape.Numel), inShape.Numel);
                Span<float> result = output.AsSpan(i * outShape.Numel, outShape.Numel);
                Transform(image, result, shapes, buffers, generator);
            }
        }

        if (chunks <= 1 || (long)n * inShape.Numel < ParallelThreshold)
        {
            for (int c = 0; c < chunks; c++)
            {
                RunChunk(c);
            }
        }
        else
        {
            Parallel.For(0, chunks, RunChunk);
        }

        return TensorWrap.Own(output, [n, outShape.Channels, outShape.Height, outShape.Width]);
    }

    /// <summary>Runs the transforms on one image, alternating between the two scratch buffers.</summary>
    private void Transform(ReadOnlySpan<float> image, Span<float> result, ImageShape[] shapes, float[][] buffers, Generator generator)
    {
        if (_transforms.Length == 0)
        {
            image.CopyTo(result);
            return;
        }

        ReadOnlySpan<float> current = image;
        for (int t = 0; t < _transforms.Length; t++)
        {
            Span<float> next = t == _transforms.Length - 1 ? result : buffers[t & 1].AsSpan(0, shapes[t + 1].Numel);
            _transforms[t].Apply(current, next, shapes[t], generator);
            current = next;
        }
    }

    // SplitMix64's finaliser: decorrelates nearby (seed, batch) pairs.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Augmentation(seed {Seed}: {(_transforms.Length == 0 ? "identity" : string.Join(", ", _transforms.Select(t => t.ToString())))})";
}
