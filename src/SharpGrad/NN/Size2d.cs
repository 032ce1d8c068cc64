namespace SharpGrad.NN;

/// <summary>
/// A (height, width) pair for kernel sizes, strides, dilations and output sizes, like PyTorch's <c>_pair</c>: an int
/// converts to (n, n) and a tuple (h, w) to (h, w), so <c>kernelSize: 3</c> and <c>kernelSize: (3, 5)</c> both work.
/// </summary>
/// <param name="Height">The size along the rows (dim −2).</param>
/// <param name="Width">The size along the columns (dim −1).</param>
public readonly record struct Size2d(int Height, int Width)
{
    /// <summary>(n, n).</summary>
    public static implicit operator Size2d(int size) => new(size, size);

    /// <summary>(h, w).</summary>
    public static implicit operator Size2d((int Height, int Width) size) => new(size.Height, size.Width);

    /// <summary>True when height and width are equal.</summary>
    public bool IsSquare => Height == Width;

    /// <summary>As PyTorch prints a pair: <c>(3, 3)</c>.</summary>
    public override string ToString() => $"({Height}, {Width})";

    /// <summary>As PyTorch prints a value given as an int when both sizes are equal, else as a pair.</summary>
    internal string Repr() => IsSquare ? Height.ToString(System.Globalization.CultureInfo.InvariantCulture) : ToString();
}
