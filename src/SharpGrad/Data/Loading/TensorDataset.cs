namespace SharpGrad.Data;

/// <summary>
/// A data set held in two tensors whose first dimension indexes the samples (like
/// <c>torch.utils.data.TensorDataset</c>): sample i is <c>(inputs[i], targets[i])</c>.
/// </summary>
/// <remarks>
/// Both tensors are detached from any autograd graph and made contiguous once, at construction, so that
/// <see cref="GetBatch"/> gathers a batch with one block copy per row into a single new tensor
/// (no per-sample tensors).
/// </remarks>
public sealed class TensorDataset : IBatchDataset
{
    private readonly Tensor _inputs;
    private readonly Tensor _targets;
    private readonly int _inputRow;
    private readonly int _targetRow;

    /// <summary>Creates a data set from inputs (N, …) and targets (N, …).</summary>
    /// <param name="inputs">The inputs; dimension 0 indexes samples.</param>
    /// <param name="targets">The targets (e.g. Int64 class labels of shape (N)); dimension 0 indexes samples.</param>
    /// <exception cref="ShapeMismatchException">A tensor is a scalar, or the first dimensions differ.</exception>
    public TensorDataset(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Rank == 0 || targets.Rank == 0)
        {
            throw new ShapeMismatchException(
                $"TensorDataset: inputs and targets need a first (sample) dimension; got inputs {SharpGrad.Shape.Format(inputs.Shape)} and targets {SharpGrad.Shape.Format(targets.Shape)}.");
        }

        if (inputs.Shape[0] != targets.Shape[0])
        {
            throw new ShapeMismatchException(
                $"TensorDataset: inputs have {inputs.Shape[0]} samples (shape {SharpGrad.Shape.Format(inputs.Shape)}) but targets have {targets.Shape[0]} (shape {SharpGrad.Shape.Format(targets.Shape)}); the first dimensions must match.");
        }

        _inputs = inputs.Detach().Contiguous();
        _targets = targets.Detach().Contiguous();
        _inputRow = SharpGrad.Shape.Numel(inputs.Shape[1..]);
        _targetRow = SharpGrad.Shape.Numel(targets.Shape[1..]);
    }

    /// <summary>All inputs, shape (N, …).</summary>
    public Tensor Inputs => _inputs;

    /// <summary>All targets, shape (N, …).</summary>
    public Tensor Targets => _targets;

    /// <inheritdoc/>
    public int Count => _inputs.Shape[0];

    /// <inheritdoc/>
    public (Tensor Input, Tensor Target) Get(int index)
    {
        (Tensor x, Tensor y) = GetBatch([index]);
        return (x.View(_inputs.Shape[1..].ToArray()), y.View(_targets.Shape[1..].ToArray()));
    }

    /// <inheritdoc/>
    public (Tensor Inputs, Tensor Targets) GetBatch(ReadOnlySpan<int> indices)
    {
        int n = Count;
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)n)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"TensorDataset: index {indices[i]} (at position {i}) is outside [0, {n}).");
            }
        }

        return (GatherRows(_inputs, _inputRow, indices), GatherRows(_targets, _targetRow, indices));
    }

    /// <summary>Returns the samples at <paramref name="indices"/> as a new data set (copies the rows).</summary>
    /// <param name="indices">Sample indices; may repeat.</param>
    /// <returns>A data set with <c>indices.Length</c> samples.</returns>
    public TensorDataset Select(ReadOnlySpan<int> indices)
    {
        (Tensor x, Tensor y) = GetBatch(indices);
        return new TensorDataset(x, y);
    }

    /// <summary>Copies rows of a contiguous (N, …) tensor into a new (indices.Length, …) tensor.</summary>
    internal static Tensor GatherRows(Tensor source, int rowSize, ReadOnlySpan<int> indices)
    {
        int[] shape = source.ShapeArray;
        shape[0] = indices.Length;
        var storage = Storage.Allocate(source.DType, checked(indices.Length * rowSize));
        Array src = source.Storage.Data, dst = storage.Data;
        for (int i = 0; i < indices.Length; i++)
        {
            Array.Copy(src, source.Offset + (long)indices[i] * rowSize, dst, (long)i * rowSize, rowSize);
        }

        return new Tensor(storage, shape);
    }
}
