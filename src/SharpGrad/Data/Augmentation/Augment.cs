namespace SharpGrad.Data;

/// <summary>Builds <see cref="Augmentation"/> pipelines: <c>Augment.Compose(seed, new RandomCrop(28, padding: 2), new RandomHorizontalFlip())</c>.</summary>
public static class Augment
{
    /// <summary>A pipeline applying <paramref name="transforms"/> in order, with random choices derived from <paramref name="seed"/>.</summary>
    /// <param name="seed">The seed.</param>
    /// <param name="transforms">The transforms.</param>
    /// <returns>The pipeline; pass its <see cref="Augmentation.ApplyToBatch"/> to a <see cref="DataLoader"/>.</returns>
    public static Augmentation Compose(ulong seed, params IImageTransform[] transforms) => new(seed, transforms);
}
