namespace SharpGrad.Imaging;

/// <summary>How decoded images are converted to channels.</summary>
public enum ColorMode
{
    /// <summary>One channel: luma L = (299·R + 587·G + 114·B) / 1000, rounded as Pillow's <c>convert("L")</c> does (grey pixels keep their value exactly).</summary>
    Grayscale,

    /// <summary>Three channels R, G, B (alpha is dropped, as Pillow's <c>convert("RGB")</c>).</summary>
    Rgb,
}
