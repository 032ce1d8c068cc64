namespace SharpGrad.NN;

/// <summary>
/// A tensor that is a module's trainable state, like <c>torch.nn.Parameter</c>. It <em>is</em> a <see cref="Tensor"/>
/// (every op accepts it) and shares the storage of the tensor it was made from, so writing into one is visible in the other.
/// A parameter is always a leaf. <see cref="Tensor.RequiresGrad"/> says whether it is trainable; a frozen parameter
/// has <c>RequiresGrad = false</c>. Trainable is independent of a module's training mode (<see cref="Module.Training"/>).
/// </summary>
public sealed class Parameter : Tensor
{
    /// <summary>Wraps <paramref name="data"/> (its storage, shape, strides and offset; not its graph) as a parameter.</summary>
    /// <param name="data">The initial values; the parameter is a view of the same memory.</param>
    /// <param name="requiresGrad">Whether the parameter is trainable (true by default; only floating-point data can be).</param>
    public Parameter(Tensor data, bool requiresGrad = true)
        : base(data.Storage, data.ShapeArray, data.Strides.ToArray(), data.Offset)
    {
        RequiresGrad = requiresGrad;
    }

    /// <summary>The values as a plain tensor outside the graph (a view sharing storage, like PyTorch's <c>param.data</c>).</summary>
    public Tensor Data => Detach();

    /// <summary>"Parameter containing:" followed by the tensor, as PyTorch prints it.</summary>
    public override string ToString() => "Parameter containing:\n" + base.ToString();
}
