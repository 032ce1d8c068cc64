namespace SharpGrad;

/// <summary>
/// One recorded op in the autograd graph: its inputs, the tensors its backward rule reads (with their storage versions
/// at record time), and the rule itself, which maps the gradient of the op's output to the gradients of its inputs.
/// </summary>
internal sealed class Node
{
    /// <summary>Backward rule: gradient of the output in, one gradient per input out (null where an input needs none).</summary>
    public delegate Tensor?[] BackwardRule(Tensor gradOutput);

    public readonly string Name;
    public readonly int[] OutputShape;
    public readonly DType OutputDType;
    public Tensor[]? Inputs;
    private BackwardRule? _backward;
    private Tensor[]? _saved;
    private int[]? _savedVersions;

    /// <summary>Gradient accumulated from the node's consumers during a backward pass.</summary>
    public Tensor? PendingGrad;

    /// <summary>The output tensor, kept only when the user asked for its gradient (<see cref="Tensor.RetainGrad"/>).</summary>
    public Tensor? RetainedOutput;

    public Node(string name, Tensor output, Tensor[] inputs, BackwardRule backward, Tensor[] saved)
    {
        Name = name;
        OutputShape = output.ShapeArray;
        OutputDType = output.DType;
        Inputs = inputs;
        _backward = backward;
        if (saved.Length > 0)
        {
            _saved = saved;
            _savedVersions = new int[saved.Length];
            for (int i = 0; i < saved.Length; i++) _savedVersions[i] = saved[i].Storage.Version;
        }
    }

    public bool IsReleased => _backward is null;

    public Tensor?[] Apply(Tensor gradOutput)
    {
        if (_backward is null)
            throw new AutogradException($"Trying to backward through {Name} a second time, but its graph was released by the first Backward(). " +
                "Call Backward(retainGraph: true) the first time if you need to backward twice.");
        if (_saved is not null)
        {
            for (int i = 0; i < _saved.Length; i++)
            {
                int now = _saved[i].Storage.Version;
                if (now != _savedVersions![i])
                    throw new AutogradException($"A tensor of shape {Shape.Format(_saved[i].Shape)} needed by {Name} for the backward pass was modified by an " +
                        $"in-place operation after it was used (version {_savedVersions[i]} when saved, now {now}). Use an out-of-place op (e.g. Add instead of AddInPlace) or Clone() first.");
            }
        }
        return _backward(gradOutput);
    }

    public void Release()
    {
        _backward = null;
        _saved = null;
        _savedVersions = null;
        Inputs = null;
        PendingGrad = null;
    }

    public override string ToString() => $"<{Name}>";
}
