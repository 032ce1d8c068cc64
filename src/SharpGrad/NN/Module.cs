using System.Text;

namespace SharpGrad.NN;

/// <summary>
/// Base class of layers and models, like <c>torch.nn.Module</c>: holds parameters, buffers and sub-modules registered
/// explicitly under PyTorch-style names, so <see cref="NamedParameters"/> yields dotted paths such as <c>layers.0.weight</c>.
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _modules = [];

    /// <summary>True in training mode (dropout active, batch statistics used), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation. Call the module through this method.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers a trainable tensor under <paramref name="name"/>; sets <see cref="Tensor.RequiresGrad"/> and returns it.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        CheckName(name);
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a non-trainable state tensor (saved in the state dict, not returned by <see cref="Parameters"/>).</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        CheckName(name);
        _buffers.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        CheckName(name);
        _modules.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"Module name \"{name}\" must be non-empty and contain no '.'.", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _buffers.Any(b => b.Name == name) || _modules.Any(m => m.Name == name))
            throw new ArgumentException($"\"{name}\" is already registered in {GetType().Name}.", nameof(name));
    }

    /// <summary>Direct children with their names.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _modules;

    /// <summary>All parameters of this module and its descendants, with dotted names, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return (prefix + name, p);
        foreach (var (name, m) in _modules)
            foreach (var item in m.NamedParameters(prefix + name + ".")) yield return item;
    }

    /// <summary>All buffers of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in _buffers) yield return (prefix + name, b);
        foreach (var (name, m) in _modules)
            foreach (var item in m.NamedBuffers(prefix + name + ".")) yield return item;
    }

    /// <summary>All parameters (for an optimizer).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Numel);

    /// <summary>Puts this module and all descendants in training mode.</summary>
    public Module Train(bool mode = true)
    {
        Training = mode;
        foreach (var (_, m) in _modules) m.Train(mode);
        return this;
    }

    /// <summary>Puts this module and all descendants in evaluation mode.</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears the gradients of all parameters.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>A one-line description of this module's own configuration (e.g. "in_features=20, out_features=10").</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>A tree like PyTorch's module printout.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(GetType().Name).Append('(').Append(ExtraRepr());
        if (_modules.Count > 0)
        {
            sb.Append('\n');
            foreach (var (name, m) in _modules)
                sb.Append("  (").Append(name).Append("): ").Append(m.ToString().Replace("\n", "\n  ")).Append('\n');
        }
        return sb.Append(')').ToString();
    }
}
