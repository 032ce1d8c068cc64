namespace SharpGrad.Data;

/// <summary>
/// A (usually random) transformation of one image stored as a contiguous (C, H, W) float span, such as
/// <see cref="RandomCrop"/> or <see cref="RandomHorizontalFlip"/>. Transforms are combined into an
/// <see cref="Augmentation"/>, which applies them to every image of a batch (N, C, H, W).
/// </summary>
/// <remarks>
/// A transform holds only its settings: all randomness comes from the <see cref="Generator"/> passed to
/// <see cref="Apply"/>, so one instance can be used from many threads and the same generator state gives the same result.
/// </remarks>
public interface IImageTransform
{
    /// <summary>The shape of the result for an input of shape <paramref name="input"/> (the same shape unless the transform resizes).</summary>
    /// <param name="input">The input image shape.</param>
    /// <returns>The output image shape.</returns>
    /// <exception cref="ShapeMismatchException">The transform cannot be applied to images of this shape.</exception>
    ImageShape OutputShape(ImageShape input) => input;

    /// <summary>Transforms one image.</summary>
    /// <param name="source">The input image, (C, H, W) contiguous, <c>shape.Numel</c> values.</param>
    /// <param name="destination">Receives the result, laid out as <see cref="OutputShape"/>; must not overlap <paramref name="source"/>.</param>
    /// <param name="shape">The shape of <paramref name="source"/>.</param>
    /// <param name="generator">The source of randomness for this image.</param>
    void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator);
}
