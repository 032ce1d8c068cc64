namespace SharpGrad.Kernels;

/// <summary>Copies a strided n-d view into a dense row-major buffer (the kernel behind <c>Contiguous()</c>).</summary>
public static class StridedCopy
{
    /// <summary>
    /// Writes the elements of the view (<paramref name="source"/>, <paramref name="offset"/>, <paramref name="shape"/>, <paramref name="strides"/>)
    /// in row-major order into <paramref name="destination"/>. The innermost dimension is copied as a block when its stride is 1.
    /// </summary>
    public static void Copy<T>(T[] source, int offset, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, Span<T> destination)
    {
        int rank = shape.Length;
        if (rank == 0)
        {
            destination[0] = source[offset];
            return;
        }
        int inner = shape[rank - 1];
        int innerStride = strides[rank - 1];
        int total = destination.Length;
        if (total == 0) return;
        Span<int> index = stackalloc int[rank];
        int src = offset;
        for (int d = 0; d < total; d += inner)
        {
            if (innerStride == 1) source.AsSpan(src, inner).CopyTo(destination.Slice(d, inner));
            else if (innerStride == 0) destination.Slice(d, inner).Fill(source[src]);
            else
                for (int j = 0, s = src; j < inner; j++, s += innerStride) destination[d + j] = source[s];
            // advance the outer multi-index (odometer)
            for (int k = rank - 2; k >= 0; k--)
            {
                src += strides[k];
                if (++index[k] < shape[k]) break;
                src -= strides[k] * shape[k];
                index[k] = 0;
            }
        }
    }
}
