using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace SharpGrad.NN;

/// <summary>
/// The fused softmax + cross-entropy kernels over M contiguous rows of C logits (class dim last), forward and backward.
/// No tensors, no autograd: spans in, spans out. With class weights w, label smoothing ε and target t of row i:
/// <code>
/// lse_i  = max z_i + ln Σ_c exp(z_ic − max z_i)           (stable log-sum-exp)
/// loss_i = (1 − ε)·w_t·(lse_i − z_it) + (ε/C)·Σ_c w_c·(lse_i − z_ic)
/// dz_ic  = coef_i·(p_ic·S_i − q_ic),  p = softmax(z),  q_ic = (1 − ε)·w_t·[c = t] + (ε/C)·w_c,  S_i = Σ_c q_ic
/// </code>
/// where coef_i is g/normaliser (mean), g (sum) or g_i (none). Unweighted and unsmoothed this is the familiar p − onehot.
/// Rows whose target equals the ignore index contribute nothing (loss 0, weight 0, gradient 0).
/// </summary>
internal static class CrossEntropyKernel
{
    /// <summary>
    /// Per-row log-sum-exp, loss and normaliser weight (w_t, or 0 for ignored rows) for class-index targets.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> z, int classes, ReadOnlySpan<long> target, double[]? weight, long ignoreIndex,
        double smoothing, Span<double> lse, Span<double> loss, Span<double> rowWeight) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = target.Length;
        double weightSum = weight is null ? classes : Sum(weight);
        T[] scratch = ArrayPool<T>.Shared.Rent(classes);
        try
        {
            Span<T> buf = scratch.AsSpan(0, classes);
            for (int i = 0; i < rows; i++)
            {
                long t = target[i];
                if (t == ignoreIndex)
                {
                    lse[i] = 0; loss[i] = 0; rowWeight[i] = 0;
                    continue;
                }
                ReadOnlySpan<T> row = z.Slice(i * classes, classes);
                double l = LogSumExp(row, buf);
                lse[i] = l;
                double wt = weight is null ? 1.0 : weight[t];
                double value = (1 - smoothing) * wt * (l - double.CreateTruncating(row[(int)t]));
                if (smoothing > 0)
                {
                    // Σ_c w_c (lse − z_c) = lse·Σw − Σ w_c z_c
                    double wz = 0;
                    if (weight is null) wz = double.CreateTruncating(TensorPrimitives.Sum(row));
                    else for (int c = 0; c < classes; c++) wz += weight[c] * double.CreateTruncating(row[c]);
                    value += smoothing / classes * (l * weightSum - wz);
                }
                loss[i] = value;
                rowWeight[i] = wt;
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>dz for class-index targets; <paramref name="coef"/> has one entry per row (or one for all rows).</summary>
    public static void Backward<T>(ReadOnlySpan<T> z, int classes, ReadOnlySpan<long> target, double[]? weight, long ignoreIndex,
        double smoothing, ReadOnlySpan<double> lse, ReadOnlySpan<double> coef, Span<T> dz) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = target.Length;
        double weightSum = weight is null ? classes : Sum(weight);
        for (int i = 0; i < rows; i++)
        {
            Span<T> dst = dz.Slice(i * classes, classes);
            long t = target[i];
            double k = coef.Length == 1 ? coef[0] : coef[i];
            if (t == ignoreIndex || k == 0)
            {
                dst.Clear();
                continue;
            }
            double wt = weight is null ? 1.0 : weight[t];
            double s = (1 - smoothing) * wt + smoothing / classes * weightSum;
            // p·S·k, then subtract k·q
            TensorPrimitives.Subtract(z.Slice(i * classes, classes), T.CreateTruncating(lse[i]), dst);
            TensorPrimitives.Exp(dst, dst);
            TensorPrimitives.Multiply(dst, T.CreateTruncating(k * s), dst);
            if (smoothing > 0)
            {
                if (weight is null) TensorPrimitives.Subtract(dst, T.CreateTruncating(k * smoothing / classes), dst);
                else for (int c = 0; c < classes; c++) dst[c] -= T.CreateTruncating(k * smoothing / classes * weight[c]);
            }
            dst[(int)t] -= T.CreateTruncating(k * (1 - smoothing) * wt);
        }
    }

    /// <summary>
    /// Per-row loss for class-probability targets: loss_i = −Σ_c w_c·t̃_ic·(z_ic − lse_i) with t̃ = (1 − ε)·t + ε/C.
    /// </summary>
    public static void ForwardProbabilities<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> target, int classes, double[]? weight, double smoothing,
        Span<double> lse, Span<double> loss) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = lse.Length;
        T[] scratch = ArrayPool<T>.Shared.Rent(classes);
        try
        {
            Span<T> buf = scratch.AsSpan(0, classes);
            for (int i = 0; i < rows; i++)
            {
                ReadOnlySpan<T> row = z.Slice(i * classes, classes), tr = target.Slice(i * classes, classes);
                double l = LogSumExp(row, buf);
                lse[i] = l;
                double value = 0;
                for (int c = 0; c < classes; c++)
                {
                    double tc = (1 - smoothing) * double.CreateTruncating(tr[c]) + smoothing / classes;
                    double wc = weight is null ? 1.0 : weight[c];
                    value -= wc * tc * (double.CreateTruncating(row[c]) - l);
                }
                loss[i] = value;
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// Gradients for class-probability targets: dz_ic = k_i·(p_ic·Σ_c w_c t̃_ic − w_c t̃_ic) and dt_ic = −k_i·(1 − ε)·w_c·(z_ic − lse_i).
    /// Either output may be empty when not needed.
    /// </summary>
    public static void BackwardProbabilities<T>(ReadOnlySpan<T> z, ReadOnlySpan<T> target, int classes, double[]? weight, double smoothing,
        ReadOnlySpan<double> lse, ReadOnlySpan<double> coef, Span<T> dz, Span<T> dt) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = lse.Length;
        for (int i = 0; i < rows; i++)
        {
            double k = coef.Length == 1 ? coef[0] : coef[i];
            ReadOnlySpan<T> row = z.Slice(i * classes, classes), tr = target.Slice(i * classes, classes);
            double s = 0;
            for (int c = 0; c < classes; c++)
                s += (weight is null ? 1.0 : weight[c]) * ((1 - smoothing) * double.CreateTruncating(tr[c]) + smoothing / classes);
            for (int c = 0; c < classes; c++)
            {
                double wc = weight is null ? 1.0 : weight[c];
                double logp = double.CreateTruncating(row[c]) - lse[i];
                if (!dz.IsEmpty)
                {
                    double tc = (1 - smoothing) * double.CreateTruncating(tr[c]) + smoothing / classes;
                    dz[i * classes + c] = T.CreateTruncating(k * (Math.Exp(logp) * s - wc * tc));
                }
                if (!dt.IsEmpty) dt[i * classes + c] = T.CreateTruncating(-k * (1 - smoothing) * wc * logp);
            }
        }
    }

    /// <summary>max + ln Σ exp(x − max), with the exps vectorised into <paramref name="buf"/>. An all −inf row gives −inf.</summary>
    private static double LogSumExp<T>(ReadOnlySpan<T> row, Span<T> buf) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = TensorPrimitives.Max(row);
        if (T.IsInfinity(max)) return double.CreateTruncating(max);
        TensorPrimitives.Subtract(row, max, buf);
        TensorPrimitives.Exp(buf, buf);
        return double.CreateTruncating(max) + Math.Log(double.CreateTruncating(TensorPrimitives.Sum<T>(buf)));
    }

    private static double Sum(double[] values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }
}
