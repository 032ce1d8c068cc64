using SharpGrad.Kernels;

namespace SharpGrad.NN;

/// <summary>Cross-entropy from logits (fused log-softmax + NLL) and the negative log-likelihood of log-probabilities.</summary>
public static partial class Losses
{
    /// <summary>The default ignore index of <see cref="CrossEntropy"/> and <see cref="NllLoss"/>, as in PyTorch.</summary>
    public const long DefaultIgnoreIndex = -100;

    /// <summary>
    /// Cross-entropy between logits and targets, like <c>torch.nn.functional.cross_entropy</c>, computed by one fused, stable
    /// log-softmax + NLL kernel with a hand-written backward (softmax − smoothed one-hot, times weights, / normaliser).
    /// <para>Shapes: <paramref name="input"/> (N, C), (N, C, d₁, …, dₖ) or unbatched (C). <paramref name="target"/> is either
    /// Int64 class indices of shape (N), (N, d₁, …, dₖ) or () — or class probabilities (floating, same shape as the input).</para>
    /// <para>For index targets, with ε = <paramref name="labelSmoothing"/> and w = <paramref name="weight"/> (all ones when null):
    /// ℓᵢ = (1 − ε)·w[tᵢ]·(−log pᵢ,tᵢ) + (ε/C)·Σ_c w_c·(−log pᵢ,c); rows with tᵢ = <paramref name="ignoreIndex"/> give 0.
    /// Mean divides Σℓᵢ by Σ w[tᵢ] over the non-ignored rows (NaN when every row is ignored, like PyTorch); Sum adds; None
    /// returns ℓ with the target's shape.</para>
    /// <para>For probability targets: ℓᵢ = −Σ_c w_c·t̃ᵢ,c·log pᵢ,c with t̃ = (1 − ε)·t + ε/C; Mean divides by the number of rows
    /// (N·d₁⋯dₖ), not by the weights, as PyTorch does; <paramref name="ignoreIndex"/> does not apply. The gradient also flows to
    /// the target.</para>
    /// </summary>
    /// <exception cref="ShapeMismatchException">Input and target shapes do not fit, or the weight is not (C).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A target index is outside [0, C) and not the ignore index.</exception>
    /// <exception cref="DTypeMismatchException">The input is not floating point.</exception>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = DefaultIgnoreIndex,
        double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
    {
        const string op = "CrossEntropyLoss";
        RequireFloatingInput(input, op);
        if (labelSmoothing is < 0 or > 1 || double.IsNaN(labelSmoothing))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, $"{op}: label smoothing must be in [0, 1].");
        if (input.Rank == 0)
            throw new ShapeMismatchException($"{op}: the input must have a class dimension, (C), (N, C) or (N, C, d1, ...); got a scalar.");
        int classes = input.Rank == 1 ? input.Shape[0] : input.Shape[1];
        double[]? w = ClassWeights(weight, classes, op);
        if (target.DType.IsFloatingPoint())
        {
            if (!Shape.Equal(input.Shape, target.Shape))
                throw new ShapeMismatchException(op, input.Shape, target.Shape,
                    "class-probability targets must have the input's shape; class-index targets must be Int64 with the class dimension removed");
            return CrossEntropyProbabilities(input, target, w, labelSmoothing, reduction);
        }
        CheckClassIndexTargets(input, target, classes, op);
        return ClassIndexLoss(op, input, target, classes, w, ignoreIndex, labelSmoothing, reduction, fromLogits: true);
    }

    /// <summary>
    /// Negative log-likelihood of log-probabilities (e.g. the output of <see cref="Tensor.LogSoftmax"/>), like
    /// <c>torch.nn.functional.nll_loss</c>: ℓᵢ = −w[tᵢ]·input[i, tᵢ], 0 where tᵢ = <paramref name="ignoreIndex"/>; Mean divides by
    /// Σ w[tᵢ] over the non-ignored rows. Shapes as in <see cref="CrossEntropy"/>; the target must hold Int64 class indices.
    /// </summary>
    /// <exception cref="DTypeMismatchException">The target is not Int64.</exception>
    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, long ignoreIndex = DefaultIgnoreIndex,
        Reduction reduction = Reduction.Mean)
    {
        const string op = "NLLLoss";
        RequireFloatingInput(input, op);
        if (input.Rank == 0)
            throw new ShapeMismatchException($"{op}: the input must have a class dimension, (C), (N, C) or (N, C, d1, ...); got a scalar.");
        if (target.DType != DType.Int64)
            throw new DTypeMismatchException($"{op}: the target must hold Int64 class indices, got {target.DType} with shape {Shape.Format(target.Shape)}. " +
                "Convert labels with target.To(DType.Int64); for class-probability (soft) targets use CrossEntropyLoss on logits instead.");
        int classes = input.Rank == 1 ? input.Shape[0] : input.Shape[1];
        double[]? w = ClassWeights(weight, classes, op);
        CheckClassIndexTargets(input, target, classes, op);
        return ClassIndexLoss(op, input, target, classes, w, ignoreIndex, 0, reduction, fromLogits: false);
    }

    private static Tensor ClassIndexLoss(string op, Tensor input, Tensor target, int classes, double[]? w, long ignoreIndex,
        double smoothing, Reduction reduction, bool fromLogits)
    {
        Tensor rows = ClassRows(input);            // (M, C), contiguous
        Tensor result = reduction == Reduction.None
            ? new Tensor(Storage.AllocateUninitialized(input.DType, target.Numel), target.ShapeArray)
            : new Tensor(Storage.AllocateUninitialized(input.DType, 1), []);
        var loss = new ClassIndexLoss(op, rows, target.ContiguousRaw(), classes, w, ignoreIndex, smoothing, reduction, fromLogits, result);
        Launch.Run(loss, static l => l.Forward());

        string name = fromLogits ? "CrossEntropyLossBackward" : "NllLossBackward";
        int[] inputShape = input.ShapeArray;
        return result.Record(name, [input], g =>
        {
            _ = result.Storage; // throws once the step's scope has ended and recycled the loss's work arrays with it
            var dRows = Tensor.Zeros(rows.ShapeArray, rows.DType);
            Launch.Run((loss, g, dRows), static s => s.loss.Backward(s.g, s.dRows));
            return [FromClassRows(dRows, inputShape)];
        }, input);
    }

    private static Tensor CrossEntropyProbabilities(Tensor input, Tensor target, double[]? w, double smoothing, Reduction reduction)
    {
        Launch.RefuseWhileRecording("cross-entropy with class-probability targets");
        (Tensor x, Tensor y) = Tensor.Promote(input, target, "CrossEntropyLoss");
        Tensor rows = ClassRows(x), targetRows = ClassRows(y);
        int classes = rows.Shape[1], m = rows.Shape[0];
        var lse = new double[m];
        var loss = new double[m];
        if (rows.DType == DType.Float32) CrossEntropyKernel.ForwardProbabilities(rows.Span<float>(), targetRows.Span<float>(), classes, w, smoothing, lse, loss);
        else CrossEntropyKernel.ForwardProbabilities(rows.Span<double>(), targetRows.Span<double>(), classes, w, smoothing, lse, loss);
        double normaliser = reduction == Reduction.Mean ? m : 1.0;
        int[] rowShape = x.Rank == 1 ? [] : [x.Shape[0], .. x.ShapeArray[2..]];
        Tensor result = reduction == Reduction.None
            ? FromDoubles(loss, rowShape, x.DType)
            : Tensor.Scalar(SumOf(loss) / normaliser, x.DType);
        return result.Record("CrossEntropyLossBackward", [x, y], g =>
        {
            double[] coef = reduction == Reduction.None ? g.ToArray<double>() : [g.Item() / normaliser];
            var dz = Tensor.Zeros(rows.ShapeArray, rows.DType);
            var dt = y.RequiresGrad ? Tensor.Zeros(rows.ShapeArray, rows.DType) : null;
            if (rows.DType == DType.Float32)
                CrossEntropyKernel.BackwardProbabilities(rows.Span<float>(), targetRows.Span<float>(), classes, w, smoothing, lse, coef, dz.Span<float>(), dt is null ? [] : dt.Span<float>());
            else
                CrossEntropyKernel.BackwardProbabilities(rows.Span<double>(), targetRows.Span<double>(), classes, w, smoothing, lse, coef, dz.Span<double>(), dt is null ? [] : dt.Span<double>());
            return [FromClassRows(dz, x.ShapeArray), dt is null ? null : FromClassRows(dt, y.ShapeArray)];
        }, x, y);
    }

    /// <summary>(C) → (1, C); (N, C) as is; (N, C, d₁, …) → (N·d₁⋯, C) with the class dim moved last. Always contiguous, no graph.</summary>
    private static Tensor ClassRows(Tensor input)
    {
        Tensor x = input.Detach();
        int r = x.Rank;
        if (r == 1) return x.ContiguousRaw().View(1, x.Shape[0]);
        if (r == 2) return x.ContiguousRaw();
        int[] perm = [0, .. Enumerable.Range(2, r - 2), 1];
        Tensor moved = x.Permute(perm).ContiguousRaw();
        return moved.View(-1, x.Shape[1]);
    }

    /// <summary>The inverse of <see cref="ClassRows"/>: (M, C) rows back to the input's layout.</summary>
    private static Tensor FromClassRows(Tensor rows, int[] shape)
    {
        int r = shape.Length;
        if (r <= 2) return rows.View(shape);
        int[] movedShape = [shape[0], .. shape[2..], shape[1]];
        int[] perm = [0, r - 1, .. Enumerable.Range(1, r - 2)];
        return rows.View(movedShape).Permute(perm).ContiguousRaw();
    }

    /// <summary>Checks that Int64 class-index targets fit the input's shape (their values are checked as the loss reads them).</summary>
    private static void CheckClassIndexTargets(Tensor input, Tensor target, int classes, string op)
    {
        if (target.DType != DType.Int64)
            throw new DTypeMismatchException($"{op}: class-index targets must be Int64, got {target.DType}. Convert with target.To(DType.Int64).");
        int[] expected = input.Rank == 1 ? [] : [input.Shape[0], .. input.ShapeArray[2..]];
        if (!Shape.Equal(target.Shape, expected))
            throw new ShapeMismatchException(op, input.Shape, target.Shape,
                $"for input {Shape.Format(input.Shape)} (class dimension {(input.Rank == 1 ? 0 : 1)} of size {classes}) the class-index target must have shape {Shape.Format(expected)}");
    }

    private static double[]? ClassWeights(Tensor? weight, int classes, string op)
    {
        if (weight is null) return null;
        if (weight.Rank != 1 || weight.Shape[0] != classes)
            throw new ShapeMismatchException($"{op}: the class weight must have shape ({classes}), one per class, got {Shape.Format(weight.Shape)}.");
        if (!weight.DType.IsFloatingPoint())
            throw new DTypeMismatchException($"{op}: the class weight must be floating point, got {weight.DType}. Convert with weight.To(DType.Float32).");
        return weight.ToArray<double>();
    }

    private static void RequireFloatingInput(Tensor input, string op)
    {
        if (!input.DType.IsFloatingPoint())
            throw new DTypeMismatchException($"{op}: the input must be floating point (Float32 or Float64), got {input.DType} with shape {Shape.Format(input.Shape)}. " +
                "Convert it with .To(DType.Float32).");
    }

    private static double SumOf(double[] values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s;
    }

    private static Tensor FromDoubles(double[] values, int[] shape, DType dtype)
    {
        // a copy: the values may sit in a step work array (ZeroedStepArray) that returns to the pool with the scope
        var t = new Tensor(Storage.AllocateUninitialized(DType.Float64, values.Length), (int[])shape.Clone());
        values.CopyTo(t.Span<double>());
        return dtype == DType.Float64 ? t : t.To(dtype);
    }
}
