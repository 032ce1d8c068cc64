namespace SharpGrad.Optim;

/// <summary>
/// The state an optimizer keeps for one parameter: the number of updates it received (<see cref="Step"/>) and its named
/// buffers (each shaped and typed like the parameter: <c>exp_avg</c>, <c>momentum_buffer</c>, …). Created lazily on the
/// parameter's first update and updated in place afterwards.
/// </summary>
public sealed class ParamState
{
    private readonly Dictionary<string, Tensor> _buffers;

    internal ParamState(Dictionary<string, Tensor> buffers) => _buffers = buffers;

    /// <summary>Number of updates this parameter has received (PyTorch's <c>state['step']</c>).</summary>
    public long Step { get; internal set; }

    /// <summary>An optimizer's reusable work object for this parameter (e.g. its parallel update job), so steps allocate nothing.</summary>
    internal object? Work { get; set; }

    /// <summary>The buffers by PyTorch name.</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    /// <summary>The buffer named <paramref name="name"/>.</summary>
    public Tensor this[string name] => _buffers.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"ParamState: no buffer \"{name}\"; this state has {string.Join(", ", _buffers.Keys)}.");
}
