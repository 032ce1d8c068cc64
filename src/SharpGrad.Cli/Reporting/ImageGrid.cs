using System.Runtime.InteropServices;
using SkiaSharp;

namespace SharpGrad.Cli.Reporting;

/// <summary>Writes images as a PNG grid: grey-scale (C = 1) or RGB (C = 3) (C, H, W) float tensors, upscaled with nearest neighbour.</summary>
public static class ImageGrid
{
    /// <summary>Writes <paramref name="images"/> row by row, <paramref name="columns"/> per row.</summary>
    /// <param name="path">The PNG file to write (its folder is created).</param>
    /// <param name="images">Images of shape (C, H, W) with C = 1 or 3; sizes may differ (each is centred in its cell).</param>
    /// <param name="columns">Images per row.</param>
    /// <param name="scale">The upscaling factor (each pixel becomes scale × scale).</param>
    /// <param name="min">The value drawn black.</param>
    /// <param name="max">The value drawn white (values outside [min, max] are clipped).</param>
    /// <param name="separatorAfterColumn">Draw a wider gap after this column (e.g. 0 to set the originals apart), or −1.</param>
    public static void Write(string path, IReadOnlyList<Tensor> images, int columns, int scale = 4, float min = 0f, float max = 1f, int separatorAfterColumn = -1)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count == 0) throw new ArgumentException("ImageGrid: no images to draw.", nameof(images));
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        foreach (Tensor image in images)
        {
            if (image.Rank != 3 || image.Shape[0] is not (1 or 3))
                throw new ShapeMismatchException($"ImageGrid: images must be (C, H, W) with C = 1 or 3; got {Shape.Format(image.Shape)}.");
        }

        const int gap = 2, separator = 8;
        int cellH = images.Max(i => i.Shape[1]) * scale, cellW = images.Max(i => i.Shape[2]) * scale;
        int rows = (images.Count + columns - 1) / columns;
        int ColumnX(int c) => gap + (c * (cellW + gap)) + (separatorAfterColumn >= 0 && c > separatorAfterColumn ? separator : 0);
        int width = ColumnX(columns - 1) + cellW + gap, height = gap + (rows * (cellH + gap));

        // RGBA bytes; the background is a mid grey so black and white image borders stay visible.
        var rgba = new byte[width * height * 4];
        for (int i = 0; i < rgba.Length; i += 4)
        {
            (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = ((byte)96, (byte)96, (byte)110, (byte)255);
        }

        float range = max > min ? max - min : 1f;
        for (int k = 0; k < images.Count; k++)
        {
            Tensor image = images[k];
            int c = image.Shape[0], h = image.Shape[1], w = image.Shape[2];
            float[] v = image.Contiguous().ToArray();
            int x0 = ColumnX(k % columns) + ((cellW - (w * scale)) / 2), y0 = gap + ((k / columns) * (cellH + gap)) + ((cellH - (h * scale)) / 2);
            for (int y = 0; y < h * scale; y++)
            {
                for (int x = 0; x < w * scale; x++)
                {
                    int p = ((y / scale) * w) + (x / scale);
                    int o = (((y0 + y) * width) + x0 + x) * 4;
                    for (int ch = 0; ch < 3; ch++)
                    {
                        float value = v[(c == 3 ? ch * h * w : 0) + p];
                        rgba[o + ch] = (byte)Math.Clamp(MathF.Round((value - min) / range * 255f), 0f, 255f);
                    }
                }
            }
        }

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        using FileStream file = File.Create(path);
        png.SaveTo(file);
    }
}
