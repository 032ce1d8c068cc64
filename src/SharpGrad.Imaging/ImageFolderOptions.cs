namespace SharpGrad.Imaging;

/// <summary>Settings of an <see cref="ImageFolder"/>.</summary>
public sealed record ImageFolderOptions
{
    /// <summary>The height every image is resized to (required, ≥ 1).</summary>
    public int Height { get; init; }

    /// <summary>The width every image is resized to (required, ≥ 1).</summary>
    public int Width { get; init; }

    /// <summary>Grey-scale (1 channel) or RGB (3 channels); RGB by default.</summary>
    public ColorMode Color { get; init; } = ColorMode.Rgb;

    /// <summary>
    /// Skip files that are not decodable images (with a warning in <see cref="ImageFolder.Warnings"/> and a call to
    /// <see cref="OnWarning"/>) instead of throwing <see cref="ImageDecodeException"/>.
    /// </summary>
    public bool SkipInvalid { get; init; }

    /// <summary>Called with each warning as it is found (e.g. to print it); warnings are also kept in <see cref="ImageFolder.Warnings"/>.</summary>
    public Action<string>? OnWarning { get; init; }

    /// <summary>The file extensions treated as images (case-insensitive); other files are ignored.</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
}
