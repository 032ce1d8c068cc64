namespace SharpGrad.Data;

/// <summary>Stateless preprocessing helpers (label encodings). The fitted scalers are <see cref="StandardScaler"/> and <see cref="MinMaxScaler"/>.</summary>
public static class Preprocessing
{
    /// <summary>
    /// One-hot encodes integer class labels (like <c>torch.nn.functional.one_hot</c>, but Float32 so the result can be a
    /// target of a loss): <c>out[i, c] = 1</c> if <c>labels[i] == c</c>, else 0.
    /// </summary>
    /// <param name="labels">Int64 labels, shape (N) (any shape S gives S + (C)).</param>
    /// <param name="numClasses">The number of classes C; −1 uses max(label) + 1.</param>
    /// <returns>A Float32 tensor of shape (N, C).</returns>
    /// <exception cref="DTypeMismatchException"><paramref name="labels"/> is not Int64.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is outside [0, C), or <paramref name="numClasses"/> is invalid.</exception>
    public static Tensor OneHot(Tensor labels, int numClasses = -1)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.DType != DType.Int64)
        {
            throw new DTypeMismatchException($"OneHot: labels must be an Int64 tensor of class indices, got {labels.DType}. Convert with .To(DType.Int64).");
        }

        long[] values = labels.ToArray<long>();
        if (numClasses == -1)
        {
            if (values.Length == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "OneHot: cannot infer the number of classes from empty labels; pass numClasses.");
            }

            numClasses = checked((int)(values.Max() + 1));
        }

        if (numClasses < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, "OneHot: the number of classes must be at least 1 (or −1 to infer it).");
        }

        var data = new float[checked(values.Length * numClasses)];
        for (int i = 0; i < values.Length; i++)
        {
            long c = values[i];
            if (c < 0 || c >= numClasses)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), c, $"OneHot: label {c} at position {i} is outside [0, {numClasses}).");
            }

            data[(i * numClasses) + (int)c] = 1f;
        }

        return Tensor.FromArray(data, [.. labels.Shape, numClasses]);
    }
}
