namespace SharpGrad.Data;

/// <summary>
/// Shifts the image by a random whole number of pixels, like the <c>translate</c> part of torchvision's
/// <c>RandomAffine(degrees=0, translate=(a, b), fill)</c>: the horizontal shift is
/// round(U(−a·W, a·W)) and the vertical one round(U(−b·H, b·H)); pixels shifted in are <see cref="Fill"/>.
/// </summary>
/// <remarks>Output pixel (y, x) is input pixel (y − ty, x − tx): positive shifts move the content right and down.</remarks>
public sealed class RandomTranslation : IImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="maxFractionX">The largest horizontal shift as a fraction of the width, in [0, 1].</param>
    /// <param name="maxFractionY">The largest vertical shift as a fraction of the height, in [0, 1].</param>
    /// <param name="fill">The value of the pixels shifted in.</param>
    /// <exception cref="ArgumentOutOfRangeException">A fraction is outside [0, 1].</exception>
    public RandomTranslation(double maxFractionX, double maxFractionY, float fill = 0f)
    {
        if (!(maxFractionX >= 0 && maxFractionX <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxFractionX), maxFractionX, "RandomTranslation: the fraction must be in [0, 1].");
        }

        if (!(maxFractionY >= 0 && maxFractionY <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxFractionY), maxFractionY, "RandomTranslation: the fraction must be in [0, 1].");
        }

        MaxFractionX = maxFractionX;
        MaxFractionY = maxFractionY;
        Fill = fill;
    }

    /// <summary>The largest horizontal shift as a fraction of the width.</summary>
    public double MaxFractionX { get; }

    /// <summary>The largest vertical shift as a fraction of the height.</summary>
    public double MaxFractionY { get; }

    /// <summary>The value of the pixels shifted in.</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        double maxX = MaxFractionX * shape.Width, maxY = MaxFractionY * shape.Height;
        int tx = (int)Math.Round(-maxX + (2 * maxX * generator.NextDouble()));
        int ty = (int)Math.Round(-maxY + (2 * maxY * generator.NextDouble()));
        ImageOps.ShiftCopy(source, shape, destination, shape, -ty, -tx, Fill);
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomTranslation({MaxFractionX:G3}, {MaxFractionY:G3})";
}
