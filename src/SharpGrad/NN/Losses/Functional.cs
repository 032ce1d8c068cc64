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
public static class Losses
{
    /// <summary>Mean squared error (x − y)², like <c>torch.nn.functional.mse_loss</c>; shapes must match exactly.</summary>
    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean)
    {
        if (!Shape.Equal(input.Shape, target.Shape))
            throw new ShapeMismatchException("MseLoss", input.Shape, target.Shape, "input and target must have the same shape");
        Tensor diff = input.Sub(target);
        return Reduce(diff.Mul(diff), reduction);
    }

    internal static Tensor Reduce(Tensor loss, Reduction reduction) => reduction switch
    {
        Reduction.Mean => loss.Mean(),
        Reduction.Sum => loss.Sum(),
        _ => loss,
    };
}
