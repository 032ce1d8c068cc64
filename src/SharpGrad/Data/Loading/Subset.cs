namespace SharpGrad.Data;

/// <summary>
/// The samples of another data set at given indices (like <c>torch.utils.data.Subset</c>); sample i of the
/// subset is sample <c>indices[i]</c> of the underlying data set. Nothing is copied until a sample is read.
/// </summary>
public sealed class Subset : IBatchDataset
{
    private readonly int[] _indices;

    /// <summary>Creates the subset.</summary>
    /// <param name="dataset">The underlying data set.</param>
    /// <param name="indices">Indices into <paramref name="dataset"/>; may repeat. The array is copied.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, dataset.Count).</exception>
    public Subset(IDataset dataset, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)dataset.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Subset: index {indices[i]} (at position {i}) is outside [0, {dataset.Count}).");
            }
        }

        Dataset = dataset;
        _indices = (int[])indices.Clone();
    }

    /// <summary>The underlying data set.</summary>
    public IDataset Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>.</summary>
    public IReadOnlyList<int> Indices => _indices;

    /// <inheritdoc/>
    public int Count => _indices.Length;

    /// <inheritdoc/>
    public (Tensor Input, Tensor Target) Get(int index)
    {
        if ((uint)index >= (uint)_indices.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Subset: index {index} is outside [0, {_indices.Length}).");
        }

        return Dataset.Get(_indices[index]);
    }

    /// <inheritdoc/>
    public (Tensor Inputs, Tensor Targets) GetBatch(ReadOnlySpan<int> indices)
    {
        int[] mapped = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)_indices.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Subset: index {indices[i]} (at position {i}) is outside [0, {_indices.Length}).");
            }

            mapped[i] = _indices[indices[i]];
        }

        return DataLoader.Collate(Dataset, mapped);
    }
}
