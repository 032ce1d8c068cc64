using System.Numerics;
using SharpGrad.Kernels;

namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// 2-D max pooling like <c>torch.nn.functional.max_pool2d</c>: each output is the maximum of a kh×kw window (taps
    /// dilation apart) starting at (i·sh − ph, j·sw − pw); padding is −∞. The gradient goes to the window's maximum; at ties
    /// to the first one in row-major order (PyTorch's rule), and a NaN in a window wins.
    /// </summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="kernelSize">Window size (kh, kw).</param>
    /// <param name="stride">Window step; default = <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Implicit −∞ padding on each side; at most half the kernel size.</param>
    /// <param name="dilation">Spacing between window taps; default 1.</param>
    /// <param name="ceilMode">Use ⌈⌉ instead of ⌊⌋ for the output size (windows starting in the right padding are dropped).</param>
    /// <returns>(N, C, OH, OW) with OH = ⌊(H + 2·ph − dh·(kh − 1) − 1) / sh⌋ + 1.</returns>
    public static Tensor MaxPool2d(Tensor input, Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, Size2d? dilation = null, bool ceilMode = false)
    {
        var (x4, x, geo, unbatched) = PoolSetup(input, kernelSize, stride ?? kernelSize, padding ?? 0, dilation ?? 1, ceilMode, "MaxPool2d");
        var y = new Tensor(Storage.AllocateUninitialized(x.DType, x.Shape[0] * x.Shape[1] * geo.OH * geo.OW), [x.Shape[0], x.Shape[1], geo.OH, geo.OW]);
        int[] indices = TensorScope.RentArray<int>(y.Numel); // every element is written by MaxForward
        Tensor output = y;
        if (x.DType == DType.Float32) Pool2d.MaxForward((float[])x.Storage.Data, x.Offset, (float[])y.Storage.Data, indices, geo);
        else Pool2d.MaxForward((double[])x.Storage.Data, x.Offset, (double[])y.Storage.Data, indices, geo);
        y = y.Record("MaxPool2dBackward", [x4], gy =>
        {
            _ = output.Storage; // throws if the step's scope has ended (and recycled the indices with the output)
            Tensor gc = gy.ContiguousRaw();
            var dx = new Tensor(Storage.AllocateUninitialized(x.DType, x.Numel), x.ShapeArray); // the kernel clears each plane
            if (gc.DType == DType.Float32) Pool2d.MaxBackward((float[])gc.Storage.Data, gc.Offset, (float[])dx.Storage.Data, indices, geo);
            else Pool2d.MaxBackward((double[])gc.Storage.Data, gc.Offset, (double[])dx.Storage.Data, indices, geo);
            return [dx];
        });
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>
    /// 2-D average pooling like <c>torch.nn.functional.avg_pool2d</c>: the mean of each kh×kw window. With
    /// <paramref name="countIncludePad"/> (PyTorch's default) the divisor counts the zero-padding taps inside the padded
    /// input; without it only the taps inside the input.
    /// </summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="kernelSize">Window size (kh, kw).</param>
    /// <param name="stride">Window step; default = <paramref name="kernelSize"/>.</param>
    /// <param name="padding">Zero padding on each side; at most half the kernel size.</param>
    /// <param name="ceilMode">Use ⌈⌉ instead of ⌊⌋ for the output size.</param>
    /// <param name="countIncludePad">Whether padding taps count in the divisor.</param>
    public static Tensor AvgPool2d(Tensor input, Size2d kernelSize, Size2d? stride = null, Size2d? padding = null, bool ceilMode = false, bool countIncludePad = true)
    {
        var (x4, x, geo, unbatched) = PoolSetup(input, kernelSize, stride ?? kernelSize, padding ?? 0, 1, ceilMode, "AvgPool2d");
        var y = Tensor.Zeros([x.Shape[0], x.Shape[1], geo.OH, geo.OW], x.DType);
        if (x.DType == DType.Float32) Pool2d.AvgForward((float[])x.Storage.Data, x.Offset, (float[])y.Storage.Data, countIncludePad, geo);
        else Pool2d.AvgForward((double[])x.Storage.Data, x.Offset, (double[])y.Storage.Data, countIncludePad, geo);
        y = y.Record("AvgPool2dBackward", [x4], gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            var dx = Tensor.Zeros(x.ShapeArray, x.DType);
            if (gc.DType == DType.Float32) Pool2d.AvgBackward((float[])gc.Storage.Data, gc.Offset, (float[])dx.Storage.Data, countIncludePad, geo);
            else Pool2d.AvgBackward((double[])gc.Storage.Data, gc.Offset, (double[])dx.Storage.Data, countIncludePad, geo);
            return [dx];
        });
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>
    /// Adaptive average pooling like <c>torch.nn.functional.adaptive_avg_pool2d</c>: output (i, j) is the mean of rows
    /// ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1 and columns ⌊j·W/OW⌋ … ⌈(j+1)·W/OW⌉ − 1, so any output size works; output 1×1 is global
    /// average pooling.
    /// </summary>
    /// <param name="input">(N, C, H, W) or (C, H, W).</param>
    /// <param name="outputSize">(OH, OW).</param>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2d outputSize)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (outputSize.Height <= 0 || outputSize.Width <= 0)
            throw new ArgumentException($"AdaptiveAvgPool2d: output size must be positive, got {outputSize}.", nameof(outputSize));
        bool unbatched = input.Rank == 3;
        Tensor x4 = unbatched ? input.Unsqueeze(0) : input;
        if (x4.Rank != 4)
            throw new ShapeMismatchException($"AdaptiveAvgPool2d: expected a 4-D input (N, C, H, W) or a 3-D input (C, H, W), got shape {Shape.Format(input.Shape)}.");
        x4.RequireFloating("AdaptiveAvgPool2d");
        Tensor x = x4.ContiguousRaw();
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        if (h == 0 || w == 0) throw new ShapeMismatchException($"AdaptiveAvgPool2d: the input has an empty spatial dim, shape {Shape.Format(input.Shape)}.");
        var geo = new Pool2dGeometry(n * c, h, w, 0, 0, 1, 1, 0, 0, 1, 1, outputSize.Height, outputSize.Width);
        var y = Tensor.Zeros([n, c, geo.OH, geo.OW], x.DType);
        if (x.DType == DType.Float32) Pool2d.AdaptiveForward((float[])x.Storage.Data, x.Offset, (float[])y.Storage.Data, geo);
        else Pool2d.AdaptiveForward((double[])x.Storage.Data, x.Offset, (double[])y.Storage.Data, geo);
        y = y.Record("AdaptiveAvgPool2dBackward", [x4], gy =>
        {
            Tensor gc = gy.ContiguousRaw();
            var dx = Tensor.Zeros(x.ShapeArray, x.DType);
            if (gc.DType == DType.Float32) Pool2d.AdaptiveBackward((float[])gc.Storage.Data, gc.Offset, (float[])dx.Storage.Data, geo);
            else Pool2d.AdaptiveBackward((double[])gc.Storage.Data, gc.Offset, (double[])dx.Storage.Data, geo);
            return [dx];
        });
        return unbatched ? y.Squeeze(0) : y;
    }

    /// <summary>
    /// Channel dropout like <c>torch.nn.functional.dropout2d</c>: in training each whole channel (n, c) is zeroed with
    /// probability <paramref name="p"/> and the others scaled by 1/(1 − p); one uniform draw per (n, c) in order from
    /// <paramref name="generator"/> (the thread's default when null). Identity when not training.
    /// </summary>
    /// <param name="input">(N, C, *) with at least 2 dims.</param>
    /// <param name="p">Probability of zeroing a channel, in [0, 1].</param>
    /// <param name="training">Apply the dropout (false: identity).</param>
    /// <param name="generator">Seeds the mask.</param>
    public static Tensor Dropout2d(Tensor input, double p = 0.5, bool training = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout2d: probability must be in [0, 1].");
        input.RequireFloating("Dropout2d");
        if (input.Rank < 2)
            throw new ShapeMismatchException($"Dropout2d: expected an input with at least 2 dims (N, C, …), got shape {Shape.Format(input.Shape)}.");
        if (!training || p == 0) return input;
        var maskShape = new int[input.Rank];
        Array.Fill(maskShape, 1);
        maskShape[0] = input.Shape[0];
        maskShape[1] = input.Shape[1];
        var mask = Tensor.Zeros(maskShape, input.DType);
        if (p < 1)
        {
            var g = generator ?? Generator.Default;
            double scale = 1.0 / (1.0 - p);
            for (int i = 0; i < mask.Numel; i++)
                if (g.NextDouble() >= p) mask.Storage.Set(i, scale);
        }
        return input * mask;
    }

    private static (Tensor X4, Tensor X, Pool2dGeometry Geometry, bool Unbatched) PoolSetup(Tensor input, Size2d k, Size2d s, Size2d p, Size2d d, bool ceilMode, string op)
    {
        ArgumentNullException.ThrowIfNull(input);
        bool unbatched = input.Rank == 3;
        Tensor x4 = unbatched ? input.Unsqueeze(0) : input;
        if (x4.Rank != 4)
            throw new ShapeMismatchException($"{op}: expected a 4-D input (N, C, H, W) or a 3-D input (C, H, W), got shape {Shape.Format(input.Shape)}.");
        x4.RequireFloating(op);
        if (k.Height <= 0 || k.Width <= 0) throw new ArgumentException($"{op}: kernel size must be positive, got {k}.");
        if (s.Height <= 0 || s.Width <= 0) throw new ArgumentException($"{op}: stride must be positive, got {s}.");
        if (d.Height <= 0 || d.Width <= 0) throw new ArgumentException($"{op}: dilation must be positive, got {d}.");
        if (p.Height < 0 || p.Width < 0 || p.Height > k.Height / 2 || p.Width > k.Width / 2)
            throw new ArgumentException($"{op}: padding should be non-negative and at most half of the kernel size, got padding {p} for kernel size {k}.");
        int n = x4.Shape[0], c = x4.Shape[1], h = x4.Shape[2], w = x4.Shape[3];
        int oh = Pool2dGeometry.OutSize(h, k.Height, s.Height, p.Height, d.Height, ceilMode);
        int ow = Pool2dGeometry.OutSize(w, k.Width, s.Width, p.Width, d.Width, ceilMode);
        if (oh <= 0 || ow <= 0)
            throw new ShapeMismatchException($"{op}: the input {Shape.Format(input.Shape)} is too small for kernel size {k}, padding {p}, dilation {d} (output would be {oh}×{ow}).");
        var geo = new Pool2dGeometry(n * c, h, w, k.Height, k.Width, s.Height, s.Width, p.Height, p.Width, d.Height, d.Width, oh, ow);
        // The autograd node is recorded on the 4-D view of the input (its gradient then has that view's shape).
        return (x4, x4.ContiguousRaw(), geo, unbatched);
    }
}
