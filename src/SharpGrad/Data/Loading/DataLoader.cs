using System.Collections;

namespace SharpGrad.Data;

/// <summary>One mini-batch: inputs (B, …) and targets (B, …).</summary>
/// <param name="Inputs">The batch inputs; dimension 0 indexes samples.</param>
/// <param name="Targets">The batch targets; dimension 0 indexes samples.</param>
public readonly record struct Batch(Tensor Inputs, Tensor Targets)
{
    /// <summary>The number of samples in the batch (the size of dimension 0).</summary>
    public int Size => Inputs.Shape[0];
}

/// <summary>
/// Iterates over a data set in mini-batches, like <c>torch.utils.data.DataLoader</c> (map-style, one process).
/// Each enumeration is one epoch.
/// </summary>
/// <remarks>
/// <para>Batches hold <see cref="BatchSize"/> samples; the last one is smaller when the count is not a multiple
/// of the batch size, unless <see cref="DropLast"/> is set (then it is skipped).</para>
/// <para>With <see cref="Shuffle"/>, epoch e visits the samples in the order of a permutation drawn from a
/// <see cref="Generator"/> seeded with a function of (seed, e): the same seed gives the same sequence of
/// epochs, every epoch is reshuffled, and setting <see cref="Epoch"/> (e.g. when resuming from a checkpoint)
/// reproduces the order of that epoch. Without a seed, the seed is drawn once from <see cref="Generator.Default"/>,
/// so <see cref="Generator.ManualSeed"/> makes the loader reproducible too.</para>
/// <para>Batches are gathered with <see cref="IBatchDataset.GetBatch"/> when the data set implements it (one copy
/// per batch); otherwise the samples are read one by one and stacked.</para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private readonly Func<Batch, Batch>? _transform;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The data set to iterate over.</param>
    /// <param name="batchSize">Samples per batch (≥ 1).</param>
    /// <param name="shuffle">Reshuffle the samples at the start of every epoch.</param>
    /// <param name="dropLast">Skip the last batch when it is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="seed">Seed for shuffling; null draws one from <see cref="Generator.Default"/>.</param>
    /// <param name="transform">Applied to every batch before it is returned (e.g. augmentation or a dtype change).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public DataLoader(IDataset dataset, int batchSize, bool shuffle = false, bool dropLast = false, ulong? seed = null, Func<Batch, Batch>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "DataLoader: the batch size must be at least 1.");
        }

        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Seed = seed ?? Generator.Default.NextUInt64();
        _transform = transform;
    }

    /// <summary>The data set being iterated.</summary>
    public IDataset Dataset { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether every epoch visits the samples in a new random order.</summary>
    public bool Shuffle { get; }

    /// <summary>Whether a last, smaller batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The seed the shuffling order derives from.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// The index of the next epoch (0 before the first enumeration; each enumeration uses it and increments it).
    /// Set it to replay or resume a particular epoch's order.
    /// </summary>
    public int Epoch { get; set; }

    /// <summary>The number of batches one epoch yields: ⌈N / B⌉, or ⌊N / B⌋ with <see cref="DropLast"/>.</summary>
    public int BatchesPerEpoch => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The sample order of epoch <paramref name="epoch"/>: 0 … N − 1, or a seeded permutation with <see cref="Shuffle"/>.</summary>
    /// <param name="epoch">The epoch index.</param>
    /// <returns>The indices into <see cref="Dataset"/> in visiting order.</returns>
    public int[] EpochOrder(int epoch)
    {
        var order = new int[Dataset.Count];
        FillEpochOrder(epoch, order);
        return order;
    }

    private void FillEpochOrder(int epoch, int[] order)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        if (!Shuffle) return;
        // One independent stream per epoch: Generator seeds through SplitMix64, so nearby seeds decorrelate.
        var generator = new Generator(Seed + 0x9E3779B97F4A7C15UL * (ulong)(epoch + 1));
        generator.Shuffle<int>(order);
    }

    // The order array of the last epoch, reused by the next one when no iteration still reads it (an epoch of 60,000
    // samples would otherwise allocate 240 KB on the large-object heap each time).
    private int[]? _spareOrder;

    /// <summary>Starts one epoch: the order is fixed when this is called, then <see cref="Epoch"/> is incremented.</summary>
    /// <returns>The batches of the epoch.</returns>
    public IEnumerator<Batch> GetEnumerator()
    {
        int[] order = Interlocked.Exchange(ref _spareOrder, null) is { } spare && spare.Length == Dataset.Count ? spare : new int[Dataset.Count];
        FillEpochOrder(Epoch, order);
        Epoch++;
        return Iterate(order);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IEnumerator<Batch> Iterate(int[] order)
    {
        try
        {
            int batches = DropLast ? order.Length / BatchSize : (order.Length + BatchSize - 1) / BatchSize;
            for (int b = 0; b < batches; b++)
            {
                int start = b * BatchSize;
                int length = Math.Min(BatchSize, order.Length - start);
                (Tensor x, Tensor y) = Collate(Dataset, order.AsSpan(start, length));
                var batch = new Batch(x, y);
                yield return _transform is null ? batch : _transform(batch);
            }
        }
        finally
        {
            _spareOrder = order;
        }
    }

    /// <summary>Gathers samples into one batch: <see cref="IBatchDataset.GetBatch"/> when available, else stacked samples.</summary>
    internal static (Tensor Inputs, Tensor Targets) Collate(IDataset dataset, ReadOnlySpan<int> indices)
    {
        if (dataset is IBatchDataset batched)
        {
            return batched.GetBatch(indices);
        }

        if (indices.Length == 0)
        {
            throw new ArgumentException("DataLoader: cannot stack an empty batch from a data set that does not implement IBatchDataset.", nameof(indices));
        }

        var inputs = new Tensor[indices.Length];
        var targets = new Tensor[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            (inputs[i], targets[i]) = dataset.Get(indices[i]);
        }

        using (Autograd.NoGrad())
        {
            return (Tensor.Stack(inputs), Tensor.Stack(targets));
        }
    }
}
