namespace SharpGrad.NN;

/// <summary>
/// The padding of a convolution: explicit zero padding (an int for both sides of both dims, or (h, w)), or a mode string
/// like PyTorch's: <c>"valid"</c> (no padding) or <c>"same"</c> (stride 1 only: the output has the input's size; the total
/// padding d·(k − 1) of each dim is split with the smaller half at the top/left and the larger at the bottom/right, as
/// PyTorch does).
/// </summary>
public readonly record struct Padding2d
{
    /// <summary>Padding added above and below (explicit padding).</summary>
    public int Height { get; }

    /// <summary>Padding added left and right (explicit padding).</summary>
    public int Width { get; }

    /// <summary>True for <c>"same"</c>.</summary>
    public bool IsSame { get; }

    private Padding2d(int height, int width, bool same)
    {
        Height = height;
        Width = width;
        IsSame = same;
    }

    /// <summary>Explicit padding (h, w).</summary>
    public static Padding2d Explicit(int height, int width) => new(height, width, false);

    /// <summary>PyTorch's <c>padding="same"</c>.</summary>
    public static Padding2d Same { get; } = new(0, 0, true);

    /// <summary>(n, n).</summary>
    public static implicit operator Padding2d(int padding) => new(padding, padding, false);

    /// <summary>(h, w).</summary>
    public static implicit operator Padding2d((int Height, int Width) padding) => new(padding.Height, padding.Width, false);

    /// <summary>"same" or "valid".</summary>
    /// <exception cref="ArgumentException">For any other string.</exception>
    public static implicit operator Padding2d(string mode) => mode switch
    {
        "same" => Same,
        "valid" => new(0, 0, false),
        _ => throw new ArgumentException($"Invalid padding string \"{mode}\", should be one of \"valid\" or \"same\".", nameof(mode)),
    };

    /// <summary>(top, bottom, left, right) for a kernel (kh, kw) with dilation (dh, dw).</summary>
    internal (int Top, int Bottom, int Left, int Right) Resolve(Size2d kernel, Size2d dilation)
    {
        if (!IsSame) return (Height, Height, Width, Width);
        int th = dilation.Height * (kernel.Height - 1), tw = dilation.Width * (kernel.Width - 1);
        return (th / 2, th - th / 2, tw / 2, tw - tw / 2);
    }

    /// <summary>As PyTorch prints it: <c>same</c>, or the pair.</summary>
    public override string ToString() => IsSame ? "same" : $"({Height}, {Width})";
}
