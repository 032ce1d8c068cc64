namespace SharpGrad.Data;

/// <summary>
/// Crops a random <see cref="Height"/>×<see cref="Width"/> window out of the image padded by <see cref="Padding"/>
/// pixels of value <see cref="Fill"/> on every side, like torchvision's <c>RandomCrop(size, padding, fill)</c>.
/// </summary>
/// <remarks>
/// With padding p the window's top-left corner (top, left) is uniform over [0, H + 2p − height] × [0, W + 2p − width],
/// and output pixel (y, x) is input pixel (y + top − p, x + left − p), or <see cref="Fill"/> outside the input.
/// <c>RandomCrop(28, padding: 2)</c> on a 28×28 image therefore shifts it by −2 … +2 pixels in each direction.
/// The padded image is never built: each output row is one block copy plus fills.
/// </remarks>
public sealed class RandomCrop : IImageTransform
{
    /// <summary>Creates a square crop.</summary>
    /// <param name="size">The output height and width.</param>
    /// <param name="padding">Pixels of <paramref name="fill"/> added on every side before cropping (≥ 0).</param>
    /// <param name="fill">The value of the padding.</param>
    public RandomCrop(int size, int padding = 0, float fill = 0f)
        : this(size, size, padding, fill)
    {
    }

    /// <summary>Creates a crop of a given height and width.</summary>
    /// <param name="height">The output height.</param>
    /// <param name="width">The output width.</param>
    /// <param name="padding">Pixels of <paramref name="fill"/> added on every side before cropping (≥ 0).</param>
    /// <param name="fill">The value of the padding.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the padding is negative.</exception>
    public RandomCrop(int height, int width, int padding, float fill = 0f)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        Height = height;
        Width = width;
        Padding = padding;
        Fill = fill;
    }

    /// <summary>The output height.</summary>
    public int Height { get; }

    /// <summary>The output width.</summary>
    public int Width { get; }

    /// <summary>The padding added on every side before cropping.</summary>
    public int Padding { get; }

    /// <summary>The value of the padding pixels.</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public ImageShape OutputShape(ImageShape input)
    {
        if (input.Height + (2 * Padding) < Height || input.Width + (2 * Padding) < Width)
        {
            throw new ShapeMismatchException(
                $"RandomCrop: a {Height}×{Width} crop does not fit in a {input.Height}×{input.Width} image padded by {Padding}; use a smaller size or more padding.");
        }

        return input with { Height = Height, Width = Width };
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        ImageShape output = OutputShape(shape);
        int top = (int)generator.NextInt64(0, shape.Height + (2 * Padding) - Height + 1);
        int left = (int)generator.NextInt64(0, shape.Width + (2 * Padding) - Width + 1);
        ImageOps.ShiftCopy(source, shape, destination, output, top - Padding, left - Padding, Fill);
    }

    /// <inheritdoc/>
    public override string ToString() => Height == Width ? $"RandomCrop({Height}, padding {Padding})" : $"RandomCrop({Height}×{Width}, padding {Padding})";
}
