namespace SharpGrad.Data;

/// <summary>
/// Mirrors the image left–right with probability <see cref="P"/> (like torchvision's <c>RandomHorizontalFlip(p)</c>):
/// output pixel (y, x) is input pixel (y, W − 1 − x).
/// </summary>
public sealed class RandomHorizontalFlip : IImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="p">The probability of flipping, in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is outside [0, 1].</exception>
    public RandomHorizontalFlip(double p = 0.5)
    {
        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "RandomHorizontalFlip: the probability must be in [0, 1].");
        }

        P = p;
    }

    /// <summary>The probability of flipping.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        // One draw per image whether or not it flips, so the stream does not depend on the outcome.
        bool flip = generator.NextDouble() < P;
        source[..shape.Numel].CopyTo(destination);
        if (!flip)
        {
            return;
        }

        int w = shape.Width;
        for (int row = 0; row < shape.Channels * shape.Height; row++)
        {
            destination.Slice(row * w, w).Reverse();   // vectorised by the runtime
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"RandomHorizontalFlip(p {P:G3})";
}
