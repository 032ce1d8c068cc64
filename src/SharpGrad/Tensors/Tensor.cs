namespace SharpGrad;

/// <summary>
/// An n-dimensional array with reverse-mode automatic differentiation: a <see cref="DType"/>d storage plus shape,
/// strides and offset (so views such as <see cref="Transpose"/> or <see cref="Narrow"/> share memory without copying).
/// Ops are methods (<c>x.MatMul(w)</c>, <c>x.Relu()</c>, <c>x.Sum(1)</c>) and operators (<c>a + b</c>); when any input has
/// <see cref="RequiresGrad"/> and grad mode is on, the result records how to differentiate it, and <see cref="Backward"/>
/// fills <see cref="Grad"/> of the leaves. Not sealed only so that <see cref="NN.Parameter"/> (a module's trainable tensor) can derive from it.
/// </summary>
public partial class Tensor
{
    private readonly Storage _storage;
    private readonly int _generation;
    private readonly int[] _shape;
    private readonly int[] _strides;
    internal readonly int Offset;
    private bool _requiresGrad;

    internal Node? GradFn;

    internal Tensor(Storage storage, int[] shape, int[] strides, int offset)
    {
        _storage = storage;
        _generation = storage.Generation;
        _shape = shape;
        _strides = strides;
        Offset = offset;
        Numel = SharpGrad.Shape.Numel(shape);
        IsContiguous = ComputeIsContiguous(shape, strides);
    }

    /// <summary>The buffer behind this tensor; throws once a <see cref="TensorScope"/> has recycled it.</summary>
    internal Storage Storage
    {
        get
        {
            if (_storage.Generation != _generation) ThrowReleased();
            return _storage;
        }
    }

    /// <summary>False once the <see cref="TensorScope"/> this tensor was created in has ended and recycled its memory.</summary>
    public bool IsAlive => _storage.Generation == _generation;

    private void ThrowReleased() => throw new TensorReleasedException(
        $"A tensor of shape {SharpGrad.Shape.Format(_shape)} was used after the TensorScope it was created in ended, and its memory has been reused. " +
        "Read what you need before the scope ends, keep the tensor with scope.Keep(tensor), or create it inside TensorScope.Suspend().");

    internal Tensor(Storage storage, int[] shape) : this(storage, shape, SharpGrad.Shape.ContiguousStrides(shape), 0) { }

    /// <summary>The sizes of each dimension (empty for a scalar).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>A copy of the shape as an array.</summary>
    public int[] ShapeArray => (int[])_shape.Clone();

    /// <summary>Element strides of each dimension (0 for broadcast dimensions created by <see cref="Expand"/>).</summary>
    public ReadOnlySpan<int> Strides => _strides;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Total number of elements.</summary>
    public int Numel { get; }

    /// <summary>Element type.</summary>
    public DType DType => _storage.DType;

    /// <summary>True when the elements are laid out densely in row-major order starting at the offset.</summary>
    public bool IsContiguous { get; }

    /// <summary>Size of dimension <paramref name="dim"/> (negative dims count from the end).</summary>
    public int Size(int dim)
    {
        RequireRank(1, "Size");
        return _shape[SharpGrad.Shape.NormalizeDim(dim, Rank, "Size")];
    }

    /// <summary>Throws a clear error when an op that indexes a dimension is given a tensor of too low rank (e.g. a scalar).</summary>
    internal void RequireRank(int minimum, string op)
    {
        if (Rank < minimum)
            throw new ShapeMismatchException($"{op}: needs a tensor with at least {minimum} dimension(s), got shape {SharpGrad.Shape.Format(_shape)}" +
                (Rank == 0 ? " (a scalar); use Reshape(1) or Unsqueeze(0) first." : "."));
    }

    /// <summary>
    /// Whether gradients are computed for this tensor. Set it on leaves (parameters, inputs); results of ops inherit it.
    /// Only floating-point tensors can require grad.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (value && !DType.IsFloatingPoint())
                throw new DTypeMismatchException($"Only floating-point tensors can require gradients; this tensor is {DType}.");
            if (!value && GradFn is not null)
                throw new AutogradException("RequiresGrad can only be turned off on leaf tensors; use Detach() to cut a result out of the graph.");
            _requiresGrad = value;
        }
    }

    /// <summary>The gradient accumulated by <see cref="Backward"/> (leaves only, unless <see cref="RetainGrad"/> was called).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>True for tensors created by the user rather than by an op that recorded a graph node.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The name of the op that produced this tensor (like PyTorch's <c>grad_fn</c>), or null for leaves.</summary>
    public string? GradFnName => GradFn?.Name;

    /// <summary>Sets <see cref="RequiresGrad"/> and returns this tensor, for fluent creation: <c>Tensor.Randn(3).RequiresGrad_()</c>.</summary>
    public Tensor RequiresGrad_(bool requiresGrad = true)
    {
        RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Computes gradients of this tensor with respect to every leaf that requires grad, accumulating into their <see cref="Grad"/>.</summary>
    /// <param name="gradient">d(something)/d(this); required unless this tensor has one element (then 1).</param>
    /// <param name="retainGraph">Keep the graph so that Backward can be called again through it.</param>
    public void Backward(Tensor? gradient = null, bool retainGraph = false) => Engine.Backward(this, gradient, retainGraph);

    /// <summary>Asks <see cref="Backward"/> to also store the gradient of this non-leaf tensor in <see cref="Grad"/>.</summary>
    public Tensor RetainGrad()
    {
        if (GradFn is not null) GradFn.RetainedOutput = this;
        return this;
    }

    /// <summary>Clears the gradient (sets it to null, like PyTorch's default <c>set_to_none=True</c>).</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>A tensor sharing this one's storage but cut out of the graph (no grad_fn, RequiresGrad false).</summary>
    public Tensor Detach() => new(Storage, _shape, _strides, Offset);

    private static bool ComputeIsContiguous(int[] shape, int[] strides)
    {
        foreach (int d in shape)
            if (d == 0) return true; // no elements: any layout is dense
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /// <summary>Storage index of the element at a multi-index.</summary>
    internal int StorageIndex(ReadOnlySpan<int> index)
    {
        int o = Offset;
        for (int i = 0; i < index.Length; i++) o += index[i] * _strides[i];
        return o;
    }

    /// <summary>Storage index of the element at row-major linear position <paramref name="linear"/>.</summary>
    internal int StorageIndexOfLinear(int linear)
    {
        if (IsContiguous) return Offset + linear;
        int o = Offset;
        for (int i = _shape.Length - 1; i >= 0; i--)
        {
            int d = _shape[i];
            o += linear % d * _strides[i];
            linear /= d;
        }
        return o;
    }

    /// <summary>The data of a contiguous tensor as a span.</summary>
    internal Span<T> Span<T>()
    {
        if (!IsContiguous) throw new InvalidOperationException("Internal error: Span() on a non-contiguous tensor.");
        return new Span<T>((T[])Storage.Data, Offset, Numel);
    }

    /// <summary>The data of a contiguous tensor as memory (for kernels that split the work across threads).</summary>
    internal Memory<T> Memory<T>()
    {
        if (!IsContiguous) throw new InvalidOperationException("Internal error: Memory() on a non-contiguous tensor.");
        return new Memory<T>((T[])Storage.Data, Offset, Numel);
    }

    /// <summary>Wraps this tensor in a graph node when grad mode is on and any input requires grad.</summary>
    internal Tensor Record(string name, Tensor[] inputs, Node.BackwardRule backward, params Tensor[] saved)
    {
        if (!Autograd.IsGradEnabled) return this;
        bool any = false;
        foreach (var t in inputs) any |= t._requiresGrad;
        if (!any) return this;
        _requiresGrad = true;
        GradFn = new Node(name, this, inputs, backward, saved);
        // The tracer's forward hook (null outside a trace): it may substitute the output (a perturbed copy for finite differences).
        return GraphRecorder.Current is { } recorder ? recorder.OnRecord(this) : this;
    }

    internal static bool NeedsGrad(Tensor a) => Autograd.IsGradEnabled && a._requiresGrad;
}
