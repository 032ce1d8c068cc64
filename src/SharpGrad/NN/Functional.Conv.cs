using System.Numerics;
using SharpGrad.Kernels;

namespace SharpGrad.NN;

public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation) like <c>torch.nn.functional.conv2d</c>:
    /// y[n, o, i, j] = b[o] + Σ_{c, ki, kj} x[n, g·C/G + c, i·sh − pt + ki·dh, j·sw − pl + kj·dw] · w[o, c, ki, kj],
    /// where g = o / (OutC/G) is the output channel's group and taps outside the input read as zero padding.
    /// Output size OH = ⌊(H + pt + pb − dh·(kh − 1) − 1) / sh⌋ + 1 (likewise OW). Computed by im2col + GEMM
    /// (see <c>docs/cnn.md</c> for why), with a hand-written backward for input, weight and bias.
    /// </summary>
    /// <param name="input">(N, C, H, W), or (C, H, W) for one unbatched image.</param>
    /// <param name="weight">(OutC, C/groups, kh, kw).</param>
    /// <param name="bias">(OutC), or null.</param>
    /// <param name="stride">(sh, sw); default 1.</param>
    /// <param name="padding">Zero padding: an int, (h, w), <c>"valid"</c> or <c>"same"</c> (stride 1 only); default 0.</param>
    /// <param name="dilation">Spacing between kernel taps (dh, dw); default 1.</param>
    /// <param name="groups">Input and output channels are split into this many groups, each convolved separately.</param>
    /// <returns>(N, OutC, OH, OW), or (OutC, OH, OW) for an unbatched input.</returns>
    /// <exception cref="ShapeMismatchException">Wrong ranks, channel counts that do not match the weight or groups, or an input smaller than the (dilated) kernel.</exception>
    /// <exception cref="ArgumentException">Non-positive stride, dilation or groups, negative padding, or "same" with a stride other than 1.</exception>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2d? stride = null, Padding2d? padding = null,
        Size2d? dilation = null, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank == 3) return Conv2d(input.Unsqueeze(0), weight, bias, stride, padding, dilation, groups).Squeeze(0);
        if (input.Rank != 4)
            throw new ShapeMismatchException($"Conv2d: expected a 4-D input (N, C, H, W) or a 3-D unbatched input (C, H, W), got shape {Shape.Format(input.Shape)}.");
        if (weight.Rank != 4)
            throw new ShapeMismatchException($"Conv2d: weight must be 4-D (out_channels, in_channels/groups, kH, kW), got shape {Shape.Format(weight.Shape)}.");
        Size2d s = stride ?? 1, d = dilation ?? 1;
        Padding2d pad = padding ?? 0;
        if (s.Height <= 0 || s.Width <= 0) throw new ArgumentException($"Conv2d: stride must be positive, got {s}.", nameof(stride));
        if (d.Height <= 0 || d.Width <= 0) throw new ArgumentException($"Conv2d: dilation must be positive, got {d}.", nameof(dilation));
        if (groups <= 0) throw new ArgumentException($"Conv2d: groups must be positive, got {groups}.", nameof(groups));
        if (pad.Height < 0 || pad.Width < 0) throw new ArgumentException($"Conv2d: padding must be non-negative, got {pad}.", nameof(padding));
        if (pad.IsSame && (s.Height != 1 || s.Width != 1))
            throw new ArgumentException($"Conv2d: padding=\"same\" is not supported for strided convolutions (stride {s}).", nameof(padding));
        int n = input.Shape[0], c = input.Shape[1], h = input.Shape[2], w = input.Shape[3];
        int outC = weight.Shape[0], kh = weight.Shape[2], kw = weight.Shape[3];
        if (outC % groups != 0)
            throw new ShapeMismatchException($"Conv2d: out_channels ({outC}) must be divisible by groups ({groups}).");
        if (c % groups != 0 || weight.Shape[1] * groups != c)
            throw new ShapeMismatchException("Conv2d", input.Shape, weight.Shape,
                $"the input has {c} channels but the weight expects in_channels/groups × groups = {weight.Shape[1]} × {groups} = {weight.Shape[1] * groups}");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != outC))
            throw new ShapeMismatchException("Conv2d", bias.Shape, weight.Shape, $"the bias must have shape [{outC}] (out_channels)");
        var (pt, pb, pl, pr) = pad.Resolve((kh, kw), d);
        var geo = new Conv2dGeometry(n, c, h, w, outC, kh, kw, s.Height, s.Width, pt, pb, pl, pr, d.Height, d.Width, groups);
        if (h + pt + pb < d.Height * (kh - 1) + 1 || w + pl + pr < d.Width * (kw - 1) + 1)
            throw new ShapeMismatchException($"Conv2d: the padded input ({h + pt + pb}×{w + pl + pr}) is smaller than the dilated kernel " +
                $"({d.Height * (kh - 1) + 1}×{d.Width * (kw - 1) + 1}); input shape {Shape.Format(input.Shape)}, weight shape {Shape.Format(weight.Shape)}.");

        input.RequireFloating("Conv2d");
        weight.RequireFloating("Conv2d");
        bias?.RequireFloating("Conv2d");
        if (input.DType != weight.DType || (bias is not null && bias.DType != weight.DType))
        {
            DType common = input.DType == DType.Float64 || weight.DType == DType.Float64 || bias?.DType == DType.Float64 ? DType.Float64 : DType.Float32;
            return Conv2d(input.To(common), weight.To(common), bias?.To(common), stride, padding, dilation, groups);
        }

        Tensor x = input.ContiguousRaw(), wt = weight.ContiguousRaw(), b = bias?.ContiguousRaw()!;
        var y = new Tensor(Storage.AllocateUninitialized(input.DType, n * outC * geo.OH * geo.OW), [n, outC, geo.OH, geo.OW]); // every element written
        // Inside a TensorScope (a training step) or a step being captured the forward keeps every image's im2col columns for the weight gradient,
        // from the step's pool, instead of the backward unfolding the images again.
        long columnElements = (long)geo.C * geo.KH * geo.KW * geo.OutPlane * n;
        bool saveColumns = !geo.IsPointwise && weight.RequiresGrad && Autograd.IsGradEnabled && (TensorScope.IsActive || Kernels.Launch.IsRecording) &&
            columnElements <= Array.MaxLength;
        Array? saved = !saveColumns ? null
            : input.DType == DType.Float32 ? TensorScope.RentArray<float>((int)columnElements) : TensorScope.RentArray<double>((int)columnElements);
        if (input.DType == DType.Float32) ConvForward<float>(x, wt, bias is null ? null : b, y, geo, (float[]?)saved);
        else ConvForward<double>(x, wt, bias is null ? null : b, y, geo, (double[]?)saved);
        Tensor[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        Tensor output = y;
        return y.Record("Conv2dBackward", inputs, gy =>
        {
            if (saved is not null) _ = output.Storage; // throws once the step's scope has ended and recycled the columns
            Tensor gc = gy.ContiguousRaw();
            // the kernel overwrites every element of each gradient it is given
            Tensor? dx = input.RequiresGrad ? Uninitialized(input) : null;
            Tensor? dw = weight.RequiresGrad ? Uninitialized(weight) : null;
            Tensor? db = bias is not null && bias.RequiresGrad ? Uninitialized(bias) : null;
            if (gc.DType == DType.Float32) ConvBackward<float>(x, wt, gc, dx, dw, db, geo, (float[]?)saved);
            else ConvBackward<double>(x, wt, gc, dx, dw, db, geo, (double[]?)saved);
            return bias is null ? [dx, dw] : [dx, dw, db];
        }, x, wt);
    }

    private static Tensor Uninitialized(Tensor like) => new(Storage.AllocateUninitialized(like.DType, like.Numel), like.ShapeArray);

    private static void ConvForward<T>(Tensor x, Tensor w, Tensor? b, Tensor y, in Conv2dGeometry g, T[]? savedColumns) where T : unmanaged, INumberBase<T> =>
        Kernels.Conv2d.Forward((T[])x.Storage.Data, x.Offset, (T[])w.Storage.Data, w.Offset, (T[]?)b?.Storage.Data, b?.Offset ?? 0,
            (T[])y.Storage.Data, 0, g, savedColumns);

    private static void ConvBackward<T>(Tensor x, Tensor w, Tensor gy, Tensor? dx, Tensor? dw, Tensor? db, in Conv2dGeometry g, T[]? savedColumns)
        where T : unmanaged, INumberBase<T> =>
        Kernels.Conv2d.Backward((T[])x.Storage.Data, x.Offset, (T[])w.Storage.Data, w.Offset, (T[])gy.Storage.Data, gy.Offset,
            (T[]?)dx?.Storage.Data, (T[]?)dw?.Storage.Data, (T[]?)db?.Storage.Data, g, savedColumns);
}
