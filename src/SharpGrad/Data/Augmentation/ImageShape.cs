namespace SharpGrad.Data;

/// <summary>The shape (C, H, W) of one image: channels, height (rows) and width (columns).</summary>
/// <param name="Channels">The number of channels C (1 for grey-scale, 3 for RGB).</param>
/// <param name="Height">The number of rows H.</param>
/// <param name="Width">The number of columns W.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>The number of pixels of one channel plane, H·W.</summary>
    public int PlaneSize => Height * Width;

    /// <summary>The number of values of the image, C·H·W.</summary>
    public int Numel => Channels * Height * Width;

    /// <inheritdoc/>
    public override string ToString() => $"({Channels}, {Height}, {Width})";
}
