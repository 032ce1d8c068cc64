namespace SharpGrad;

public partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, DType.Float32);

    /// <summary>A tensor of zeros of the given dtype.</summary>
    public static Tensor Zeros(int[] shape, DType dtype) => new(Storage.Allocate(dtype, CheckShape(shape, "Zeros")), (int[])shape.Clone());

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0);

    /// <summary>A tensor of ones of the given dtype.</summary>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1.0, dtype);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        var t = ConstantZeros(shape, dtype);
        if (value != 0) t.FillRaw(value);
        return t;
    }

    /// <summary>Zeros with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Zeros(like._shape, like.DType);

    /// <summary>Ones with the shape and dtype of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Full(like._shape, 1.0, like.DType);

    /// <summary>A scalar (rank-0) tensor.</summary>
    public static Tensor Scalar(double value, DType dtype = DType.Float32) => Full([], value, dtype);

    /// <summary>A float32 tensor holding a copy of <paramref name="data"/> with the given shape (1-D when no shape is given).</summary>
    /// <exception cref="ShapeMismatchException">When the element count of the shape differs from the data length.</exception>
    public static Tensor FromArray(float[] data, params int[] shape) => FromArrayCore((float[])data.Clone(), DType.Float32, shape);

    /// <summary>A float64 tensor holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(double[] data, params int[] shape) => FromArrayCore((double[])data.Clone(), DType.Float64, shape);

    /// <summary>An Int64 tensor (indices, labels) holding a copy of <paramref name="data"/> with the given shape.</summary>
    public static Tensor FromArray(long[] data, params int[] shape) => FromArrayCore((long[])data.Clone(), DType.Int64, shape);

    /// <summary>An Int64 tensor (indices, labels) from 32-bit integers.</summary>
    public static Tensor FromArray(int[] data, params int[] shape) => FromArrayCore(Array.ConvertAll(data, x => (long)x), DType.Int64, shape);

    /// <summary>A float32 tensor from a 2-D array (rows × columns).</summary>
    public static Tensor FromArray(float[,] data)
    {
        int r = data.GetLength(0), c = data.GetLength(1);
        var flat = new float[r * c];
        Buffer.BlockCopy(data, 0, flat, 0, flat.Length * sizeof(float));
        return FromArrayCore(flat, DType.Float32, [r, c]);
    }

    private static Tensor FromArrayCore(Array data, DType dtype, int[] shape)
    {
        if (shape.Length == 0) shape = [data.Length];
        if (CheckShape(shape, "FromArray") != data.Length)
            throw new ShapeMismatchException($"FromArray: shape {SharpGrad.Shape.Format(shape)} holds {SharpGrad.Shape.Numel(shape)} elements but the data has {data.Length}.");
        return new Tensor(new Storage(data, dtype), (int[])shape.Clone());
    }

    /// <summary>Values from <paramref name="start"/> (inclusive) to <paramref name="end"/> (exclusive) in steps of <paramref name="step"/>.</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType dtype = DType.Float32)
    {
        if (step == 0) throw new ArgumentException("Arange: step must be non-zero.", nameof(step));
        int n = Math.Max(0, (int)Math.Ceiling((end - start) / step));
        var t = ConstantZeros([n], dtype);
        for (int i = 0; i < n; i++) t.Storage.Set(i, start + i * step);
        return t;
    }

    /// <summary>Values 0, 1, …, end − 1.</summary>
    public static Tensor Arange(int end, DType dtype = DType.Float32) => Arange(0, end, 1, dtype);

    /// <summary><paramref name="steps"/> evenly spaced values from <paramref name="start"/> to <paramref name="end"/>, both included.</summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Linspace: steps must be non-negative.");
        var t = ConstantZeros([steps], dtype);
        if (dtype == DType.Float32)
        {
            // PyTorch computes a float32 linspace in float32 arithmetic (start, end and step rounded to float first).
            float fs = (float)start, fe = (float)end, fdelta = steps > 1 ? (fe - fs) / (steps - 1) : 0;
            for (int i = 0; i < steps; i++)
                t.Storage.Set(i, i < steps / 2 ? MathF.FusedMultiplyAdd(i, fdelta, fs) : MathF.FusedMultiplyAdd(-(steps - 1 - i), fdelta, fe));
            return t;
        }
        double delta = steps > 1 ? (end - start) / (steps - 1) : 0;
        // Like PyTorch, fill the second half from the end so that the last value is exactly `end`; PyTorch's CPU kernel
        // evaluates start + i·step and end − j·step with one rounding (a fused multiply-add), and so does this.
        for (int i = 0; i < steps; i++)
            t.Storage.Set(i, i < steps / 2 ? Math.FusedMultiplyAdd(i, delta, start) : Math.FusedMultiplyAdd(-(steps - 1 - i), delta, end));
        return t;
    }

    /// <summary>An n×m matrix with ones on the diagonal (m defaults to n).</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        int cols = m ?? n;
        var t = ConstantZeros([n, cols], dtype);
        for (int i = 0; i < Math.Min(n, cols); i++) t.Storage.Set(i * cols + i, 1);
        return t;
    }

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor Rand(int[] shape, Generator? generator = null, DType dtype = DType.Float32) => Uniform(shape, 0, 1, generator, dtype);

    /// <summary>Uniform samples in [0, 1) from the default generator.</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape, null);

    /// <summary>Uniform samples in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static Tensor Uniform(int[] shape, double low, double high, Generator? generator = null, DType dtype = DType.Float32)
    {
        Kernels.Launch.RefuseWhileRecording("random sampling (Uniform, Rand)");
        var g = generator ?? Generator.Default;
        var t = Zeros(shape, RequireFloat(dtype, "Uniform"));
        for (int i = 0; i < t.Numel; i++) t.Storage.Set(i, low + (high - low) * g.NextDouble());
        return t;
    }

    /// <summary>Standard normal samples.</summary>
    public static Tensor Randn(int[] shape, Generator? generator = null, DType dtype = DType.Float32) => Normal(shape, 0, 1, generator, dtype);

    /// <summary>Standard normal samples from the default generator.</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape, null);

    /// <summary>Normal samples with the given mean and standard deviation.</summary>
    public static Tensor Normal(int[] shape, double mean, double std, Generator? generator = null, DType dtype = DType.Float32)
    {
        Kernels.Launch.RefuseWhileRecording("random sampling (Normal, Randn)");
        var g = generator ?? Generator.Default;
        var t = Zeros(shape, RequireFloat(dtype, "Normal"));
        for (int i = 0; i < t.Numel; i++) t.Storage.Set(i, mean + std * g.NextNormal());
        return t;
    }

    /// <summary>Uniform random integers in [<paramref name="low"/>, <paramref name="high"/>), as Int64 unless another dtype is asked for.</summary>
    public static Tensor RandInt(long low, long high, int[] shape, Generator? generator = null, DType dtype = DType.Int64)
    {
        Kernels.Launch.RefuseWhileRecording("random sampling (RandInt)");
        var g = generator ?? Generator.Default;
        var t = Zeros(shape, dtype);
        for (int i = 0; i < t.Numel; i++) t.Storage.Set(i, g.NextInt64(low, high));
        return t;
    }

    /// <summary>
    /// Zeros for a tensor whose values the creating function writes once (a constant): unlike <see cref="Zeros(int[], DType)"/>
    /// a captured <see cref="StepGraph"/> does not clear it again on replay, so the constant keeps its values.
    /// </summary>
    private static Tensor ConstantZeros(int[] shape, DType dtype) => new(Storage.AllocateConstant(dtype, CheckShape(shape, "Zeros")), (int[])shape.Clone());

    private static int CheckShape(int[] shape, string op)
    {
        foreach (int d in shape)
            if (d < 0) throw new ArgumentException($"{op}: negative dimension in shape {SharpGrad.Shape.Format(shape)}.", nameof(shape));
        return SharpGrad.Shape.Numel(shape);
    }

    private static DType RequireFloat(DType dtype, string op) => dtype.IsFloatingPoint() ? dtype
        : throw new DTypeMismatchException($"{op}: needs a floating-point dtype (Float32 or Float64), got {dtype}.");

    internal void FillRaw(double value)
    {
        switch (Storage.Data)
        {
            case float[] f: f.AsSpan(Offset, Numel).Fill((float)value); break;
            case double[] d: d.AsSpan(Offset, Numel).Fill(value); break;
            case long[] l: l.AsSpan(Offset, Numel).Fill((long)value); break;
        }
    }
}
