namespace SharpGrad.Data;

/// <summary>
/// Rotates the image about its centre by an angle drawn uniformly from [<see cref="MinDegrees"/>, <see cref="MaxDegrees"/>],
/// with bilinear interpolation; pixels that come from outside the image take the value <see cref="Fill"/>. Like
/// torchvision's <c>RandomRotation(degrees, interpolation=BILINEAR, fill)</c>: positive angles turn the content
/// counter-clockwise as displayed (row 0 at the top), and the output keeps the input's size.
/// </summary>
/// <remarks>
/// <para>Inverse mapping: with the centre c = ((W − 1)/2, (H − 1)/2) and (dx, dy) = (x − cx, y − cy), output pixel (y, x)
/// samples the input at x' = cx + dx·cos θ − dy·sin θ, y' = cy + dx·sin θ + dy·cos θ. Each of the four neighbours of
/// (y', x') that lies outside the image contributes <see cref="Fill"/> with its bilinear weight.</para>
/// <para>The source coordinates advance by (cos θ, sin θ) along a row, so the loop does no trigonometry per pixel; the
/// weights are computed once per pixel and shared by all channels.</para>
/// </remarks>
public sealed class RandomRotation : IImageTransform
{
    /// <summary>Creates a rotation by an angle uniform in [−degrees, degrees].</summary>
    /// <param name="degrees">The largest rotation, in degrees (≥ 0).</param>
    /// <param name="fill">The value of pixels rotated in from outside the image.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="degrees"/> is negative or not finite.</exception>
    public RandomRotation(double degrees, float fill = 0f)
        : this((-degrees, degrees), fill)
    {
    }

    /// <summary>Creates a rotation by an angle uniform in [range.Min, range.Max] (torchvision's <c>degrees=(min, max)</c>).</summary>
    /// <param name="range">The smallest and the largest angle, in degrees (Min ≤ Max).</param>
    /// <param name="fill">The value of pixels rotated in from outside the image.</param>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or not finite.</exception>
    public RandomRotation((double Min, double Max) range, float fill = 0f)
    {
        (double minDegrees, double maxDegrees) = range;
        if (!double.IsFinite(minDegrees) || !double.IsFinite(maxDegrees) || maxDegrees < minDegrees)
        {
            throw new ArgumentOutOfRangeException(nameof(range), $"RandomRotation: the angle range [{minDegrees}, {maxDegrees}] must be finite and not empty (min ≤ max).");
        }

        MinDegrees = minDegrees;
        MaxDegrees = maxDegrees;
        Fill = fill;
    }

    /// <summary>The smallest angle, in degrees.</summary>
    public double MinDegrees { get; }

    /// <summary>The largest angle, in degrees.</summary>
    public double MaxDegrees { get; }

    /// <summary>The value of pixels rotated in from outside the image.</summary>
    public float Fill { get; }

    /// <inheritdoc/>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, Generator generator)
    {
        double degrees = MinDegrees + ((MaxDegrees - MinDegrees) * generator.NextDouble());
        Rotate(source, destination, shape, degrees, Fill);
    }

    /// <summary>Rotates one (C, H, W) image counter-clockwise by <paramref name="degrees"/> (bilinear; see the class remarks).</summary>
    /// <param name="source">The input image.</param>
    /// <param name="destination">Receives the rotated image (same shape); must not overlap <paramref name="source"/>.</param>
    /// <param name="shape">The image shape.</param>
    /// <param name="degrees">The angle in degrees; positive is counter-clockwise as displayed.</param>
    /// <param name="fill">The value of pixels from outside the image.</param>
    public static void Rotate(ReadOnlySpan<float> source, Span<float> destination, ImageShape shape, double degrees, float fill = 0f)
    {
        int h = shape.Height, w = shape.Width, channels = shape.Channels, plane = shape.PlaneSize;
        double radians = degrees * Math.PI / 180.0;
        float cos = (float)Math.Cos(radians), sin = (float)Math.Sin(radians);
        float cx = (w - 1) * 0.5f, cy = (h - 1) * 0.5f;

        // floor(v) = (int)(v + bias) − bias for v > −bias: a truncating cast instead of Math.Floor.
        int bias = w + h + 2;
        for (int y = 0; y < h; y++)
        {
            float dy = y - cy;

            // Source coordinates of (y, 0); each step right adds (cos θ, sin θ).
            float sx = cx - (cx * cos) - (dy * sin);
            float sy = cy - (cx * sin) + (dy * cos);
            for (int x = 0; x < w; x++, sx += cos, sy += sin)
            {
                int o = (y * w) + x;
                int x0 = (int)(sx + bias) - bias, y0 = (int)(sy + bias) - bias;
                if (x0 < -1 || x0 >= w || y0 < -1 || y0 >= h)
                {
                    for (int c = 0; c < channels; c++)
                    {
                        destination[(c * plane) + o] = fill;
                    }

                    continue;
                }

                float ax = sx - x0, ay = sy - y0;
                float w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
                int i00 = (y0 * w) + x0;
                if ((uint)x0 < (uint)(w - 1) && (uint)y0 < (uint)(h - 1))
                {
                    for (int c = 0; c < channels; c++)
                    {
                        ReadOnlySpan<float> quad = source.Slice((c * plane) + i00, w + 2);
                        destination[(c * plane) + o] = (w00 * quad[0]) + (w01 * quad[1]) + (w10 * quad[w]) + (w11 * quad[w + 1]);
                    }

                    continue;
                }

                // At the border: neighbours outside the image contribute the fill value.
                bool in00 = Inside(x0, y0, w, h), in01 = Inside(x0 + 1, y0, w, h), in10 = Inside(x0, y0 + 1, w, h), in11 = Inside(x0 + 1, y0 + 1, w, h);
                for (int c = 0; c < channels; c++)
                {
                    int i = (c * plane) + i00;
                    float v00 = in00 ? source[i] : fill, v01 = in01 ? source[i + 1] : fill;
                    float v10 = in10 ? source[i + w] : fill, v11 = in11 ? source[i + w + 1] : fill;
                    destination[(c * plane) + o] = (w00 * v00) + (w01 * v01) + (w10 * v10) + (w11 * v11);
                }
            }
        }
    }

    private static bool Inside(int x, int y, int w, int h) => (uint)x < (uint)w && (uint)y < (uint)h;

    /// <inheritdoc/>
    public override string ToString() => MinDegrees == -MaxDegrees ? $"RandomRotation(±{MaxDegrees:G3}°)" : $"RandomRotation([{MinDegrees:G3}°, {MaxDegrees:G3}°])";
}
