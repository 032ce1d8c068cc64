namespace SharpGrad.NN;

/// <summary>How a loss reduces its per-element values.</summary>
public enum Reduction
{
    /// <summary>Average over elements (PyTorch's default).</summary>
    Mean,
    /// <summary>Sum over elements.</summary>
    Sum,
    /// <summary>No reduction: per-element losses.</summary>
    None,
}

/// <summary>Loss functions as plain functions of tensors (the layer forms build on these).</summary>
public static partial class Losses
{
    /// <summary>Mean squared error (x − y)², like <c>torch.nn.functional.mse_loss</c>; shapes must match exactly.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (!Shape.Equal(input.Shape, target.Shape))
            throw new ShapeMismatchException("MseLoss", input.Shape, target.Shape, "input and target must have the same shape");
        if (reduction == Reduction.None)
        {
            Tensor diff = input.Sub(target);
            return diff.Mul(diff);
        }
        return FusedMse(input, target, reduction == Reduction.Mean);
    }

    /// <summary>
    /// L = Σ(x − y)² (÷ N for the mean) in one pass, with the hand-written backward dL/dx = 2(x − y)·g (÷ N), dL/dy = −dL/dx.
    /// Tested against the composite (x − y)·(x − y) then Mean/Sum.
    /// </summary>
    private static Tensor FusedMse(Tensor input, Tensor target, bool mean)
    {
        Tensor diff = input.Detach().Sub(target.Detach());
        double scale = mean ? 1.0 / Math.Max(diff.Numel, 1) : 1.0;
        var loss = new Tensor(Storage.AllocateUninitialized(diff.DType, 1), []);
        // the sum is a kernel of its own (not a host value baked into the loss), so a replayed step computes it anew
        Kernels.Launch.Run((diff, loss, scale), static s =>
        {
            double sum = s.diff.DType == DType.Float32
                ? System.Numerics.Tensors.TensorPrimitives.SumOfSquares(s.diff.Span<float>())
                : System.Numerics.Tensors.TensorPrimitives.SumOfSquares(s.diff.Span<double>());
            s.loss.Storage.Set(s.loss.Offset, sum * s.scale);
        });
        return loss.Record(mean ? "MseLossBackward" : "MseLossSumBackward", [input, target], g =>
        {
            // dL/dx = 2(x − y)·g (÷ N), g read by the kernel (a replay's g may differ from the capture's)
            var dx = new Tensor(Storage.AllocateUninitialized(diff.DType, diff.Numel), diff.ShapeArray);
            Kernels.Launch.Run((diff, g, dx, scale), static s =>
            {
                double factor = 2 * s.scale * s.g.Storage.Get(s.g.Offset);
                if (s.diff.DType == DType.Float32) Kernels.Unary.Apply(Kernels.UnaryKind.MulScalar, s.diff.Span<float>(), s.dx.Span<float>(), factor);
                else Kernels.Unary.Apply(Kernels.UnaryKind.MulScalar, s.diff.Span<double>(), s.dx.Span<double>(), factor);
            });
            return [dx.To(input.DType), target.RequiresGrad ? dx.Neg().To(target.DType) : null];
        }, input, target);
    }

    internal static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => loss,
    };
}
