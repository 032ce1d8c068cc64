using SharpGrad.Data;
using SkiaSharp;

namespace SharpGrad.Imaging;

/// <summary>
/// Decodes image files (PNG, JPEG, BMP, GIF — first frame —, WebP, ICO, WBMP) with SkiaSharp into float (C, H, W) pixels in [0, 1].
/// </summary>
public static class ImageDecoder
{
    /// <summary>Whether SkiaSharp recognises the file's header as an image format (reads only the header).</summary>
    /// <param name="path">The file.</param>
    /// <param name="problem">Why not, when it is not.</param>
    /// <returns>True when a decoder accepts the header.</returns>
    public static bool TryProbe(string path, out string? problem)
    {
        try
        {
            using SKCodec? codec = SKCodec.Create(path, out SKCodecResult result);
            if (codec is null)
            {
                problem = Describe(path, result);
                return false;
            }

            if (codec.Info.Width <= 0 || codec.Info.Height <= 0)
            {
                problem = $"the image has no pixels ({codec.Info.Width}×{codec.Info.Height}).";
                return false;
            }

            problem = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"could not be read: {e.Message}";
            return false;
        }
    }

    /// <summary>Decodes a file and resizes it to <paramref name="height"/>×<paramref name="width"/>.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="height">The output height; 0 keeps the image's own (then <paramref name="width"/> must be 0 too).</param>
    /// <param name="width">The output width; 0 keeps the image's own.</param>
    /// <param name="color">Grey-scale (C = 1) or RGB (C = 3).</param>
    /// <returns>Float32 (C, H, W) in [0, 1].</returns>
    /// <exception cref="ImageDecodeException">The file is not a decodable image.</exception>
    public static Tensor Decode(string path, int height = 0, int width = 0, ColorMode color = ColorMode.Rgb)
    {
        using SKBitmap bitmap = DecodeBitmap(path, height, width);
        int channels = color == ColorMode.Rgb ? 3 : 1;
        var pixels = new float[channels * bitmap.Height * bitmap.Width];
        ToPlanes(bitmap, color, pixels);
        return TensorWrap.Own(pixels, [channels, bitmap.Height, bitmap.Width]);
    }

    /// <summary>Decodes a file into <paramref name="destination"/>, resized to the given shape.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="shape">The output shape: C = 1 (grey) or 3 (RGB), and the height and width to resize to.</param>
    /// <param name="destination">Receives the (C, H, W) pixels in [0, 1].</param>
    /// <exception cref="ImageDecodeException">The file is not a decodable image.</exception>
    public static void Decode(string path, ImageShape shape, Span<float> destination)
    {
        if (shape.Channels is not (1 or 3))
        {
            throw new ArgumentException($"ImageDecoder: images have 1 (grey) or 3 (RGB) channels, not {shape.Channels}.", nameof(shape));
        }

        using SKBitmap bitmap = DecodeBitmap(path, shape.Height, shape.Width);
        ToPlanes(bitmap, shape.Channels == 3 ? ColorMode.Rgb : ColorMode.Grayscale, destination[..shape.Numel]);
    }

    /// <summary>Decodes to unpremultiplied RGBA and resizes (bilinear with mipmaps, so large reductions do not alias).</summary>
    private static SKBitmap DecodeBitmap(string path, int height, int width)
    {
        SKCodec? codec;
        SKCodecResult result;
        try
        {
            codec = SKCodec.Create(path, out result);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageDecodeException(path, $"could not be read: {e.Message}");
        }

        using (codec)
        {
            if (codec is null)
            {
                throw new ImageDecodeException(path, Describe(path, result));
            }

            var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
            if (info.Width <= 0 || info.Height <= 0)
            {
                throw new ImageDecodeException(path, $"the image has no pixels ({info.Width}×{info.Height}).");
            }

            var bitmap = new SKBitmap(info);
            result = codec.GetPixels(info, bitmap.GetPixels());
            if (result != SKCodecResult.Success)
            {
                bitmap.Dispose();
                string why = result == SKCodecResult.IncompleteInput
                    ? "the image data is truncated or corrupt (the decoder ran out of input)."
                    : $"the image could not be decoded ({result}); the file is corrupt or uses an unsupported variant of {codec.EncodedFormat}.";
                throw new ImageDecodeException(path, why);
            }

            if ((height == 0 && width == 0) || (height == info.Height && width == info.Width))
            {
                return bitmap;
            }

            using (bitmap)
            {
                var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
                return bitmap.Resize(target, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
                    ?? throw new ImageDecodeException(path, $"the {info.Width}×{info.Height} image could not be resized to {width}×{height}.");
            }
        }
    }

    /// <summary>RGBA bytes → planes scaled by 1/255: R, G, B, or Pillow's integer luma for grey-scale.</summary>
    private static void ToPlanes(SKBitmap bitmap, ColorMode color, Span<float> destination)
    {
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan();
        int plane = bitmap.Width * bitmap.Height;
        int rowBytes = bitmap.RowBytes;
        int w = bitmap.Width;
        for (int y = 0; y < bitmap.Height; y++)
        {
            ReadOnlySpan<byte> row = rgba.Slice(y * rowBytes, 4 * w);
            for (int x = 0; x < w; x++)
            {
                int i = (y * w) + x;
                byte r = row[4 * x], g = row[(4 * x) + 1], b = row[(4 * x) + 2];
                if (color == ColorMode.Rgb)
                {
                    destination[i] = r / 255f;
                    destination[plane + i] = g / 255f;
                    destination[(2 * plane) + i] = b / 255f;
                }
                else
                {
                    // Pillow's "L" conversion in fixed point: L = (R·19595 + G·38470 + B·7471 + 2^15) >> 16.
                    int l = ((r * 19595) + (g * 38470) + (b * 7471) + 0x8000) >> 16;
                    destination[i] = l / 255f;
                }
            }
        }
    }

    private static string Describe(string path, SKCodecResult result)
    {
        long length = new FileInfo(path).Length;
        return length == 0
            ? "the file is empty; expected an image (PNG, JPEG, BMP, GIF or WebP)."
            : $"not a recognised image ({result}); expected PNG, JPEG, BMP, GIF or WebP data, but the file's {length} bytes are none of these.";
    }
}
