using System.Text;

namespace SharpGrad;

/// <summary>Shape arithmetic shared by all ops: element counts, contiguous strides, broadcasting and dim normalisation.</summary>
public static class Shape
{
    /// <summary>Number of elements of a tensor with this shape (1 for a scalar shape <c>()</c>).</summary>
    public static int Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"Shape {Format(shape)} has {n} elements, more than a tensor can hold ({int.MaxValue}).");
        return (int)n;
    }

    /// <summary>Row-major (C-order) strides for <paramref name="shape"/>.</summary>
    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>Formats a shape like PyTorch's <c>torch.Size</c> contents: <c>[2, 3]</c>, or <c>[]</c> for a scalar.</summary>
    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++)
        {
            if (i > 0) sb.Append(", ");
            sb.Append(shape[i]);
        }
        return sb.Append(']').ToString();
    }

    /// <summary>NumPy broadcasting of two shapes: align trailing dims; each pair must be equal or contain a 1.</summary>
    /// <exception cref="ShapeMismatchException">When the shapes cannot be broadcast; the message names <paramref name="op"/>.</exception>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int n = Math.Max(a.Length, b.Length);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            int da = i < n - a.Length ? 1 : a[i - (n - a.Length)];
            int db = i < n - b.Length ? 1 : b[i - (n - b.Length)];
            if (da == db || db == 1) result[i] = da;
            else if (da == 1) result[i] = db;
            else throw new ShapeMismatchException(op, a, b, $"dimension {i} (aligned from the right) is {da} vs {db}, and neither is 1 (broadcasting)");
        }
        return result;
    }

    /// <summary>Turns a possibly negative dim into an index in [0, rank).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the dim is outside [-rank, rank).</exception>
    public static int NormalizeDim(int dim, int rank, string op)
    {
        int r = Math.Max(rank, 1);
        if (dim < -r || dim >= r)
            throw new ArgumentOutOfRangeException(nameof(dim), dim, $"{op}: dimension out of range (expected to be in range of [{-r}, {r - 1}], but got {dim}) for a tensor of rank {rank}.");
        return dim < 0 ? dim + r : dim;
    }

    /// <summary>True when two shapes are identical.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
