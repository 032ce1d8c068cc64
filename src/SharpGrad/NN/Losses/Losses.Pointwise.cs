using System.Numerics;

namespace SharpGrad.NN;

/// <summary>
/// Element-wise losses (L1, smooth L1, Huber, binary cross-entropy with and without logits), each one fused pass over the
/// elements with a hand-written backward for both the input and the target.
/// </summary>
public static partial class Losses
{
    /// <summary>|x − y|, like <c>torch.nn.functional.l1_loss</c>. d/dx = sign(x − y) (0 at a tie). Shapes must match.</summary>
    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        Pointwise("L1Loss", input, target, null, reduction, (int _, double x, double y, out double dx, out double dy) =>
        {
            double d = x - y;
            dx = Math.Sign(d);
            dy = -dx;
            return Math.Abs(d);
        });

    /// <summary>
    /// Smooth L1, like <c>torch.nn.functional.smooth_l1_loss</c>: with d = x − y, 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β.
    /// β = 0 gives L1. Shapes must match.
    /// </summary>
    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1.0)
    {
        if (beta < 0 || double.IsNaN(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "SmoothL1Loss: beta must be ≥ 0.");
        return Pointwise("SmoothL1Loss", input, target, null, reduction, (int _, double x, double y, out double dx, out double dy) =>
        {
            double d = x - y, a = Math.Abs(d);
            if (a < beta)
            {
                dx = d / beta;
                dy = -dx;
                return 0.5 * d * d / beta;
            }
            dx = Math.Sign(d);
            dy = -dx;
            return a - 0.5 * beta;
        });
    }

    /// <summary>
    /// Huber loss, like <c>torch.nn.functional.huber_loss</c>: with d = x − y, 0.5·d² where |d| &lt; δ, else δ·(|d| − 0.5·δ).
    /// Equals δ·SmoothL1 with β = δ. Shapes must match.
    /// </summary>
    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1.0)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "HuberLoss: delta must be > 0.");
        return Pointwise("HuberLoss", input, target, null, reduction, (int _, double x, double y, out double dx, out double dy) =>
        {
            double d = x - y, a = Math.Abs(d);
            if (a < delta)
            {
                dx = d;
                dy = -dx;
                return 0.5 * d * d;
            }
            dx = delta * Math.Sign(d);
            dy = -dx;
            return delta * (a - 0.5 * delta);
        });
    }

    /// <summary>
    /// Binary cross-entropy of probabilities, like <c>torch.nn.functional.binary_cross_entropy</c>:
    /// ℓ = −w·(y·log x + (1 − y)·log(1 − x)), each log clamped to ≥ −100 as in PyTorch (so x = 0 or 1 gives a finite loss).
    /// d/dx = w·(x − y) / max(x·(1 − x), 1e−12f). <paramref name="input"/> must lie in [0, 1]; the optional
    /// <paramref name="weight"/> broadcasts to the input's shape and is not differentiated.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An input value is outside [0, 1] (pass probabilities, or use <see cref="BinaryCrossEntropyWithLogits"/>).</exception>
    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
        Pointwise("BCELoss", input, target, weight, reduction, (int _, double x, double y, out double dx, out double dy) =>
        {
            if (!(x >= 0 && x <= 1))
                throw new ArgumentOutOfRangeException(nameof(input), x,
                    $"BCELoss: all input values must be probabilities in [0, 1], got {x}. Apply Sigmoid() first, or use BCEWithLogitsLoss on the raw logits (more stable).");
            double logX = Math.Max(Math.Log(x), -100), log1mX = Math.Max(Math.Log(1 - x), -100);
            dx = (x - y) / Math.Max(x * (1 - x), BceEpsilon);
            dy = log1mX - logX;
            return -(y * logX + (1 - y) * log1mX);
        });

    /// <summary>
    /// Binary cross-entropy of logits, like <c>torch.nn.functional.binary_cross_entropy_with_logits</c>, computed stably as
    /// ℓ = (1 − y)·x + (1 + (p − 1)·y)·(log(1 + exp(−|x|)) + max(−x, 0)), which is max(x, 0) − x·y + log(1 + exp(−|x|)) when the
    /// positive-class weight p = 1. d/dx = (1 − y) − (1 + (p − 1)·y)·σ(−x) (σ(x) − y for p = 1). <paramref name="weight"/> and
    /// <paramref name="posWeight"/> broadcast to the input's shape (posWeight is typically (C), one per class on the last dim).
    /// </summary>
    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null, Tensor? posWeight = null,
        Reduction reduction = Reduction.Mean)
    {
        double[]? pw = posWeight is null ? null : Broadcast(posWeight, input.Shape, "BCEWithLogitsLoss", "pos_weight");
        return Pointwise("BCEWithLogitsLoss", input, target, weight, reduction, (int i, double x, double y, out double dx, out double dy) =>
        {
            double p = pw is null ? 1.0 : pw[i];
            double lw = 1 + (p - 1) * y;
            double softplusNeg = Math.Log(1 + Math.Exp(-Math.Abs(x))) + Math.Max(-x, 0);   // log(1 + e^(−x)), stable
            dx = (1 - y) - lw * Sigmoid(-x);
            dy = -x + (p - 1) * softplusNeg;
            return (1 - y) * x + lw * softplusNeg;
        });
    }

    /// <summary>PyTorch's floor on x·(1 − x) in the BCE gradient: the float literal 1e−12f, widened (≈ 9.99999996e−13).</summary>
    private const double BceEpsilon = 1e-12f;

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>Per-element loss ℓ(x, y) of element <paramref name="i"/> with its derivatives in x and y.</summary>
    private delegate double PointLoss(int i, double x, double y, out double dx, out double dy);

    /// <summary>
    /// Runs an element-wise loss over same-shaped input and target in one pass (in float64 arithmetic) and records a backward
    /// that scales the saved per-element derivatives by the incoming gradient.
    /// </summary>
    private static Tensor Pointwise(string op, Tensor input, Tensor target, Tensor? weight, Reduction reduction, PointLoss f)
    {
        RequireFloatingInput(input, op);
        if (!target.DType.IsFloatingPoint())
            throw new DTypeMismatchException($"{op}: the target must be floating point like the input, got {target.DType} with shape {Shape.Format(target.Shape)}. " +
                $"Convert it with target.To({input.DType}) (class indices belong in CrossEntropyLoss or NLLLoss).");
        if (!Shape.Equal(input.Shape, target.Shape))
            throw new ShapeMismatchException(op, input.Shape, target.Shape, "input and target must have the same shape");
        Kernels.Launch.RefuseWhileRecording(op + " (computed on the host)");
        (Tensor xt, Tensor yt) = Tensor.Promote(input, target, op);
        double[] x = xt.ToArray<double>(), y = yt.ToArray<double>();
        double[]? w = weight is null ? null : Broadcast(weight, xt.Shape, op, "weight");
        int n = x.Length;
        bool wantGrad = Autograd.IsGradEnabled && (xt.RequiresGrad || yt.RequiresGrad);
        var loss = new double[n];
        double[]? dx = wantGrad ? new double[n] : null;
        double[]? dy = wantGrad && yt.RequiresGrad ? new double[n] : null;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double l = f(i, x[i], y[i], out double d, out double e);
            double wi = w is null ? 1.0 : w[i];
            loss[i] = wi * l;
            total += loss[i];
            if (dx is not null) dx[i] = wi * d;
            if (dy is not null) dy[i] = wi * e;
        }
        double scale = reduction == Reduction.Mean ? 1.0 / n : 1.0;
        Tensor result = reduction == Reduction.None ? FromDoubles(loss, xt.ShapeArray, xt.DType) : Tensor.Scalar(total * scale, xt.DType);
        if (!wantGrad) return result;
        int[] shape = xt.ShapeArray;
        DType dtype = xt.DType;
        return result.Record(op + "Backward", [xt, yt], g =>
        {
            Tensor Grad(double[] d) => reduction == Reduction.None
                ? g.Mul(FromDoubles(d, shape, dtype))
                : FromDoubles(d, shape, dtype).MulScalar(g.Item() * scale);
            return [xt.RequiresGrad ? Grad(dx!) : null, dy is null ? null : Grad(dy)];
        }, xt, yt);
    }

    /// <summary>A weight-like tensor broadcast to <paramref name="shape"/>, as float64 values in row-major order.</summary>
    private static double[] Broadcast(Tensor t, ReadOnlySpan<int> shape, string op, string what)
    {
        if (!t.DType.IsFloatingPoint())
            throw new DTypeMismatchException($"{op}: {what} must be floating point, got {t.DType}.");
        int[] s = shape.ToArray();
        int[] b;
        try { b = Shape.Broadcast(t.Shape, s, op); }
        catch (ShapeMismatchException) { b = []; }
        if (!Shape.Equal(b, s))
            throw new ShapeMismatchException(op, t.Shape, s, $"{what} must broadcast to the input's shape");
        return t.Detach().Expand(s).ToArray<double>();
    }
}
