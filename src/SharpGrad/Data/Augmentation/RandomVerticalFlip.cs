namespace SharpGrad.Data;

/// <summary>
/// Mirrors the image top–bottom with probability <see cref="P"/> (like torchvision's <c>RandomVerticalFlip(p)</c>):
/// output pixel (y, x) is input pixel (H − 1 − y, x).
/// </summary>
public sealed class RandomVerticalFlip : IImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="p">The probability of flipping, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public RandomVerticalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "RandomVerticalFlip: the probability must be in [0, 1].");
        }

        P = p;
    }

    /// <summary>The probability of flipping.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        bool flip = generator.NextDouble() < P;
        if (!flip)
        {
            source[..shape.Numel].CopyTo(destination);
            return;
        }

        int h = shape.Height, w = shape.Width;
        for (int c = 0; c < shape.Channels; c++)
        {
            int plane = c * shape.PlaneSize;
            for (int y = 0; y < h; y++)
            {
                source.Slice(plane + (y * w), w).CopyTo(destination.Slice(plane + ((h - 1 - y) * w), w));
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomVerticalFlip(p {P:G3})";
}
