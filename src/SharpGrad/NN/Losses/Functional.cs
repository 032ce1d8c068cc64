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
        double sum = diff.DType == DType.Float32
            ? System.Numerics.Tensors.TensorPrimitives.SumOfSquares(diff.Span<float>())
            : System.Numerics.Tensors.TensorPrimitives.SumOfSquares(diff.Span<double>());
        double scale = mean ? 1.0 / Math.Max(diff.Numel, 1) : 1.0;
        Tensor loss = Tensor.Scalar(sum * scale, diff.DType);
        return loss.Record(mean ? "MseLossBackward" : "MseLossSumBackward", [input, target], g =>
        {
            Tensor dx = diff.MulScalar(2 * scale * g.Item());
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
