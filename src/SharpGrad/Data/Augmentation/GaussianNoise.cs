using System.Numerics.Tensors;

namespace SharpGrad.Data;

/// <summary>
/// Adds independent Gaussian noise N(0, <see cref="Std"/>²) to every value, optionally clipping the result to
/// [<see cref="ClipMin"/>, <see cref="ClipMax"/>] (e.g. [0, 1] for images scaled like <c>ToTensor</c>).
/// </summary>
public sealed class GaussianNoise : IImageTransform
{
    /// <summary>Creates the transform.</summary>
    /// <param name="std">The standard deviation of the noise (≥ 0).</param>
    /// <param name="clip">Clip the result to [<paramref name="clipMin"/>, <paramref name="clipMax"/>].</param>
    /// <param name="clipMin">The lower clipping bound.</param>
    /// <param name="clipMax">The upper clipping bound (≥ <paramref name="clipMin"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative, or the clipping range is empty.</exception>
    public GaussianNoise(double std, bool clip = false, float clipMin = 0f, float clipMax = 1f)
    {
        if (!(std >= 0) || !double.IsFinite(std))
        {
            throw new ArgumentOutOfRangeException(nameof(std), std, "GaussianNoise: the standard deviation must be finite and ≥ 0.");
        }

        if (clip && !(clipMin <= clipMax))
        {
            throw new ArgumentOutOfRangeException(nameof(clipMax), clipMax, $"GaussianNoise: the clipping range [{clipMin}, {clipMax}] is empty.");
        }

        Std = std;
        Clip = clip;
        ClipMin = clipMin;
        ClipMax = clipMax;
    }

    /// <summary>The standard deviation of the noise.</summary>
    public double Std { get; }

    /// <summary>Whether results are clipped to [<see cref="ClipMin"/>, <see cref="ClipMax"/>].</summary>
    public bool Clip { get; }

    /// <summary>The lower clipping bound.</summary>
    public float ClipMin { get; }

    /// <summary>The upper clipping bound.</summary>
    public float ClipMax { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        int n = shape.Numel;
        Span<float> output = destination[..n];
        for (int i = 0; i < n; i++)
        {
            output[i] = source[i] + (float)(Std * generator.NextNormal());
        }

        if (Clip)
        {
            TensorPrimitives.Max(output, ClipMin, output);
            TensorPrimitives.Min(output, ClipMax, output);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Clip ? $"GaussianNoise(std {Std:G3}, clip [{ClipMin:G3}, {ClipMax:G3}])" : $"GaussianNoise(std {Std:G3})";
}
