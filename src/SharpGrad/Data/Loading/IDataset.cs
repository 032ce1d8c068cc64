namespace SharpGrad.Data;

/// <summary>
/// A map-style data set (like <c>torch.utils.data.Dataset</c>): <see cref="Count"/> samples, each an
/// (input, target) pair of tensors read by index.
/// </summary>
public interface IDataset
{
    /// <summary>The number of samples.</summary>
    int Count { get; }

    /// <summary>Returns sample <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    /// <param name="index">The sample index.</param>
    /// <returns>The input and the target of the sample, without a leading batch dimension.</returns>
    (Tensor Input, Tensor Target) Get(int index);
}

/// <summary>
/// A data set that can gather many samples at once (one copy per batch instead of one tensor per sample).
/// <see cref="DataLoader"/> uses <see cref="GetBatch"/> whenever a data set implements it.
/// </summary>
public interface IBatchDataset : IDataset
{
    /// <summary>Gathers the samples at <paramref name="indices"/>, in that order, into one batch.</summary>
    /// <param name="indices">Sample indices; may repeat.</param>
    /// <returns>Inputs of shape (B, …input) and targets of shape (B, …target), B = <c>indices.Length</c>.</returns>
    (Tensor Inputs, Tensor Targets) GetBatch(ReadOnlySpan<int> indices);
}
