namespace SharpGrad.Data.Text;

/// <summary>
/// A language-model data set over one token stream: sample i is the block of <see cref="BlockSize"/> tokens starting at
/// offset <c>i · Stride</c> (the input) and the same block shifted by one token (the target), both Int64 of shape (T).
/// </summary>
/// <remarks>
/// <para><see cref="ForTraining"/> (stride 1) makes every offset a sample, so a shuffling <see cref="DataLoader"/> samples
/// random offsets; <see cref="SampleBatch"/> draws offsets uniformly with replacement from a seeded generator, exactly as
/// nanoGPT's <c>get_batch</c>. <see cref="ForEvaluation"/> (stride T) makes non-overlapping blocks that cover the stream
/// once, for a validation loss over every token.</para>
/// <para><see cref="GetBatch"/> writes a batch straight from the stream into two new (B, T) Int64 tensors: no per-sample
/// or per-token allocation.</para>
/// </remarks>
public sealed class TokenStreamDataset : IBatchDataset
{
    private readonly int[] _tokens;

    /// <summary>Creates the data set.</summary>
    /// <param name="tokens">The token stream (kept, not copied: do not change it afterwards).</param>
    /// <param name="blockSize">The context length T.</param>
    /// <param name="stride">The distance between the starts of consecutive samples: 1 for every offset, T for non-overlapping blocks.</param>
    /// <exception cref="ArgumentException">The stream is shorter than T + 1 tokens, or T or the stride is not positive.</exception>
    public TokenStreamDataset(int[] tokens, int blockSize, int stride)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        if (tokens.Length < blockSize + 1)
        {
            throw new ArgumentException(
                $"TokenStreamDataset: a block of {blockSize} tokens plus its shifted target needs at least {blockSize + 1} tokens; the stream has {tokens.Length}.",
                nameof(tokens));
        }

        _tokens = tokens;
        BlockSize = blockSize;
        Stride = stride;
        Count = (tokens.Length - 1 - blockSize) / stride + 1;
    }

    /// <summary>A data set whose samples start at every offset (stride 1): <c>tokens.Length − T</c> samples.</summary>
    /// <param name="tokens">The token stream.</param>
    /// <param name="blockSize">The context length T.</param>
    /// <returns>The data set.</returns>
    public static TokenStreamDataset ForTraining(int[] tokens, int blockSize) => new(tokens, blockSize, 1);

    /// <summary>A data set of non-overlapping blocks (stride T): <c>⌊(tokens.Length − 1) / T⌋</c> samples.</summary>
    /// <param name="tokens">The token stream.</param>
    /// <param name="blockSize">The context length T.</param>
    /// <returns>The data set.</returns>
    public static TokenStreamDataset ForEvaluation(int[] tokens, int blockSize) => new(tokens, blockSize, blockSize);

    /// <summary>
    /// Splits a stream into a training head and a validation tail (contiguous, as nanoGPT's <c>train.bin</c>/<c>val.bin</c>):
    /// the tail holds <c>round(tokens.Length · validationFraction)</c> tokens.
    /// </summary>
    /// <param name="tokens">The token stream.</param>
    /// <param name="validationFraction">The fraction for validation, in [0, 1).</param>
    /// <returns>Copies of the two parts.</returns>
    public static (int[] Train, int[] Validation) Split(int[] tokens, double validationFraction)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (!(validationFraction >= 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be in [0, 1).");
        int validation = (int)Math.Round(tokens.Length * validationFraction, MidpointRounding.AwayFromZero);
        int train = tokens.Length - validation;
        return (tokens[..train], tokens[train..]);
    }

    /// <summary>The token stream.</summary>
    public ReadOnlyMemory<int> Tokens => _tokens;

    /// <summary>The context length T.</summary>
    public int BlockSize { get; }

    /// <summary>The distance between the starts of consecutive samples.</summary>
    public int Stride { get; }

    /// <inheritdoc/>
    public int Count { get; }

    /// <summary>The number of valid block starts, <c>tokens.Length − T</c> (offsets 0 … that − 1).</summary>
    public int OffsetCount => _tokens.Length - BlockSize;

    /// <inheritdoc/>
    public (Tensor Input, Tensor Target) Get(int index)
    {
        (Tensor x, Tensor y) = GetBatch([index]);
        return (x.View(BlockSize), y.View(BlockSize));
    }

    /// <inheritdoc/>
    public (Tensor Inputs, Tensor Targets) GetBatch(ReadOnlySpan<int> indices)
    {
        int[] offsets = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"TokenStreamDataset: index {indices[i]} (at position {i}) is outside [0, {Count}).");
            offsets[i] = indices[i] * Stride;
        }

        return Gather(offsets);
    }

    /// <summary>Gathers the blocks that start at the given token offsets (whatever the stride).</summary>
    /// <param name="offsets">Offsets in [0, <see cref="OffsetCount"/>).</param>
    /// <returns>Inputs and targets, Int64 (B, T); targets are the inputs shifted by one token.</returns>
    public (Tensor Inputs, Tensor Targets) GetBatchAt(ReadOnlySpan<int> offsets)
    {
        for (int i = 0; i < offsets.Length; i++)
        {
            if ((uint)offsets[i] >= (uint)OffsetCount)
                throw new ArgumentOutOfRangeException(nameof(offsets), offsets[i], $"TokenStreamDataset: offset {offsets[i]} (at position {i}) is outside [0, {OffsetCount}).");
        }

        return Gather(offsets);
    }

    /// <summary>
    /// nanoGPT's <c>get_batch</c>: <paramref name="batchSize"/> block starts drawn uniformly (with replacement) from
    /// [0, <see cref="OffsetCount"/>) by <paramref name="random"/>; the same seed gives the same batches.
    /// </summary>
    /// <param name="batchSize">B.</param>
    /// <param name="random">The generator (e.g. <c>new Random(seed)</c>), advanced by B draws.</param>
    /// <returns>Inputs and targets, Int64 (B, T).</returns>
    public (Tensor Inputs, Tensor Targets) SampleBatch(int batchSize, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentNullException.ThrowIfNull(random);
        int[] offsets = new int[batchSize];
        for (int i = 0; i < batchSize; i++) offsets[i] = random.Next(OffsetCount);
        return Gather(offsets);
    }

    private (Tensor Inputs, Tensor Targets) Gather(ReadOnlySpan<int> offsets)
    {
        int t = BlockSize, b = offsets.Length;
        var x = new long[checked(b * t)];
        var y = new long[b * t];
        int[] src = _tokens;
        for (int i = 0; i < b; i++)
        {
            int o = offsets[i];
            ReadOnlySpan<int> block = src.AsSpan(o, t + 1);
            Span<long> xi = x.AsSpan(i * t, t), yi = y.AsSpan(i * t, t);
            for (int j = 0; j < t; j++)
            {
                xi[j] = block[j];
                yi[j] = block[j + 1];
            }
        }

        return (new Tensor(new Storage(x, DType.Int64), [b, t]), new Tensor(new Storage(y, DType.Int64), [b, t]));
    }
}
