namespace SharpGrad.Data;

/// <summary>Shared pixel loops of the geometric transforms.</summary>
internal static class ImageOps
{
    /// <summary>
    /// dst[c, y, x] = src[c, y + rowOffset, x + colOffset] where that lies inside the source, else <paramref name="fill"/>:
    /// a crop of the zero-padded image, or an integer translation. One block copy and at most two fills per row.
    /// </summary>
    public static void ShiftCopy(ReadOnlySpan<float> src, ImageShape inShape, Span<float> dst, ImageShape outShape, int rowOffset, int colOffset, float fill)
    {
        int h = inShape.Height, w = inShape.Width, outH = outShape.Height, outW = outShape.Width;

        // Columns x in [xStart, xEnd) read source column x + colOffset in [0, w).
        int xStart = Math.Clamp(-colOffset, 0, outW);
        int xEnd = Math.Clamp(w - colOffset, xStart, outW);
        for (int c = 0; c < inShape.Channels; c++)
        {
            ReadOnlySpan<float> plane = src.Slice(c * inShape.PlaneSize, inShape.PlaneSize);
            Span<float> outPlane = dst.Slice(c * outShape.PlaneSize, outShape.PlaneSize);
            for (int y = 0; y < outH; y++)
            {
                Span<float> row = outPlane.Slice(y * outW, outW);
                int sy = y + rowOffset;
                if ((uint)sy >= (uint)h || xStart == xEnd)
                {
                    row.Fill(fill);
                    continue;
                }

                row[..xStart].Fill(fill);
                plane.Slice((sy * w) + xStart + colOffset, xEnd - xStart).CopyTo(row[xStart..xEnd]);
                row[xEnd..].Fill(fill);
            }
        }
    }
}
