using System.Numerics.Tensors;

namespace SharpGrad.Data;

/// <summary>
/// Normalises each channel: output[c] = (input[c] − mean[c]) / std[c], like torchvision's <c>Normalize(mean, std)</c>.
/// Not random. One mean and std apply to every channel; otherwise there must be one per channel.
/// </summary>
public sealed class Normalize : IImageTransform
{
    private readonly float[] _mean;
    private readonly float[] _std;

    /// <summary>Creates the transform.</summary>
    /// <param name="mean">The per-channel means (or one for all channels).</param>
    /// <param name="std">The per-channel standard deviations (or one for all channels); none may be 0.</param>
    /// <exception cref="ArgumentException">The arrays are empty, differ in length, or a std is 0 or not finite.</exception>
    public Normalize(float[] mean, float[] std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Length == 0 || mean.Length != std.Length)
        {
            throw new ArgumentException($"Normalize: mean ({mean.Length} values) and std ({std.Length} values) must be non-empty and equally long.", nameof(std));
        }

        foreach (float s in std)
        {
            if (s == 0 || !float.IsFinite(s))
            {
                throw new ArgumentException($"Normalize: every std must be finite and non-zero; got {s}.", nameof(std));
            }
        }

        _mean = (float[])mean.Clone();
        _std = (float[])std.Clone();
    }

    /// <summary>The per-channel means.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The per-channel standard deviations.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <inheritdoc/>
    public ImageShape OutputShape(ImageShape input)
    {
        if (_mean.Length != 1 && _mean.Length != input.Channels)
        {
            throw new ShapeMismatchException($"Normalize: {_mean.Length} means and stds were given, but the images {input} have {input.Channels} channel(s).");
        }

        return input;
    }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        OutputShape(shape);
        int plane = shape.PlaneSize;
        for (int c = 0; c < shape.Channels; c++)
        {
            int k = _mean.Length == 1 ? 0 : c;
            Span<float> output = destination.Slice(c * plane, plane);
            TensorPrimitives.Subtract(source.Slice(c * plane, plane), _mean[k], output);
            TensorPrimitives.Divide(output, _std[k], output);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Normalize(mean [{string.Join(", ", _mean.Select(m => m.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}], std [{string.Join(", ", _std.Select(s => s.ToString("G4", System.Globalization.CultureInfo.InvariantCulture)))}])";
}
