using System.Text;

namespace SharpGrad.NN;

/// <summary>
/// Base class of layers and models, like <c>torch.nn.Module</c>. A module registers its state explicitly in its
/// constructor: trainable <see cref="Parameter"/>s (<see cref="RegisterParameter"/>), non-trainable state tensors such as
/// BatchNorm's running statistics (<see cref="RegisterBuffer"/>) and sub-modules (<see cref="RegisterModule{T}"/>), each
/// under a name without dots. Names compose into PyTorch-style dotted paths (<c>blocks.0.attn.qkv.weight</c>), which are
/// the keys of <see cref="StateDict"/>, so a state dict maps one-to-one onto PyTorch's.
/// <para>
/// Two separate switches: <see cref="Training"/> (mode: dropout active, batch statistics used; <see cref="Train"/> and
/// <see cref="Eval"/>) and each parameter's <see cref="Tensor.RequiresGrad"/> (trainable or frozen).
/// </para>
/// </summary>
public abstract partial class Module
{
    private readonly List<(string Name, Parameter Parameter)> _parameters = [];
    private readonly List<(string Name, Tensor Buffer, bool Persistent)> _buffers = [];
    private readonly List<(string Name, Module Module)> _modules = [];

    /// <summary>True in training mode (dropout active, batch statistics used), false after <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>The computation. Call the module through this method.</summary>
    public abstract Tensor Forward(Tensor input);

    // ---------------------------------------------------------------------------------------------------------------
    // Registration

    /// <summary>Registers a parameter under <paramref name="name"/> and returns it (its RequiresGrad is left as is).</summary>
    /// <exception cref="ArgumentException">When the name is empty, contains '.', or is already taken in this module.</exception>
    protected Parameter RegisterParameter(string name, Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        CheckName(name);
        _parameters.Add((name, parameter));
        return parameter;
    }

    /// <summary>
    /// Registers a non-trainable state tensor (e.g. a running mean). Persistent buffers are part of
    /// <see cref="StateDict"/>; non-persistent ones (caches) are not. Buffers are never returned by <see cref="Parameters"/>.
    /// </summary>
    protected Tensor RegisterBuffer(string name, Tensor buffer, bool persistent = true)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        CheckName(name);
        _buffers.Add((name, buffer, persistent));
        return buffer;
    }

    /// <summary>Registers a child module under <paramref name="name"/> and returns it.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        if (ReferenceEquals(module, this)) throw new ArgumentException("A module cannot be registered as its own child.", nameof(module));
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

    // ---------------------------------------------------------------------------------------------------------------
    // Traversal

    /// <summary>Direct children with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren() => _modules;

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<Module> Children() => _modules.Select(m => m.Module);

    /// <summary>
    /// This module (named <paramref name="prefix"/>, "" by default) and all descendants, depth first, with dotted names
    /// ("", "encoder", "encoder.0", …), like <c>named_modules()</c>. A module reachable twice is listed once.
    /// </summary>
    public IEnumerable<(string Name, Module Module)> NamedModules(string prefix = "")
    {
        var seen = new HashSet<Module>(ReferenceEqualityComparer.Instance);
        return NamedModulesCore(prefix, seen);
    }

    private IEnumerable<(string Name, Module Module)> NamedModulesCore(string prefix, HashSet<Module> seen)
    {
        if (!seen.Add(this)) yield break;
        yield return (prefix, this);
        foreach (var (name, m) in _modules)
            foreach (var item in m.NamedModulesCore(Join(prefix, name), seen)) yield return item;
    }

    /// <summary>This module and all descendants, depth first.</summary>
    public IEnumerable<Module> Modules() => NamedModules().Select(m => m.Module);

    /// <summary>
    /// All parameters of this module and its descendants with dotted names, in registration order (own parameters first,
    /// then each child's). A parameter shared by two modules is listed once, under its first name.
    /// </summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in NamedModules(prefix))
            foreach (var (name, p) in m._parameters)
                if (seen.Add(p)) yield return (Join(path, name), p);
    }

    /// <summary>All parameters (for an optimizer), trainable or frozen; filter on <see cref="Tensor.RequiresGrad"/> for trainable ones.</summary>
    public IEnumerable<Parameter> Parameters() => NamedParameters().Select(p => p.Parameter);

    /// <summary>All buffers (persistent or not) of this module and its descendants, with dotted names.</summary>
    public IEnumerable<(string Name, Tensor Buffer)> NamedBuffers(string prefix = "")
    {
        foreach (var (path, m) in NamedModules(prefix))
            foreach (var (name, b, _) in m._buffers) yield return (Join(path, name), b);
    }

    /// <summary>All buffers of this module and its descendants.</summary>
    public IEnumerable<Tensor> Buffers() => NamedBuffers().Select(b => b.Buffer);

    /// <summary>Total number of parameter elements; with <paramref name="trainableOnly"/>, only those with RequiresGrad.</summary>
    public long ParameterCount(bool trainableOnly = false) =>
        Parameters().Where(p => !trainableOnly || p.RequiresGrad).Sum(p => (long)p.Numel);

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;

    // ---------------------------------------------------------------------------------------------------------------
    // Modes and helpers

    /// <summary>Puts this module and all descendants in training mode (or evaluation mode when <paramref name="mode"/> is false).</summary>
    public Module Train(bool mode = true)
    {
        foreach (var m in Modules()) m.Training = mode;
        return this;
    }

    /// <summary>Puts this module and all descendants in evaluation mode (dropout off, running statistics used).</summary>
    public Module Eval() => Train(false);

    /// <summary>Clears the gradients of all parameters (sets them to null, like PyTorch's <c>set_to_none=True</c>).</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>Calls <paramref name="fn"/> on every descendant and then on this module (children first, like PyTorch's <c>apply</c>); returns this.</summary>
    public Module Apply(Action<Module> fn)
    {
        ArgumentNullException.ThrowIfNull(fn);
        foreach (var (_, m) in _modules) m.Apply(fn);
        fn(this);
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // State dict

    /// <summary>
    /// The module's state: every parameter and persistent buffer under its dotted name (<c>0.weight</c>,
    /// <c>bn.running_mean</c>, <c>bn.num_batches_tracked</c>), in registration order. Like PyTorch, the values are
    /// <em>detached views</em> sharing memory with the module: they follow later training steps. Clone them
    /// (<c>sd[k].Clone()</c>) for a snapshot such as "best weights so far".
    /// </summary>
    public OrderedDictionary<string, Tensor> StateDict()
    {
        var dict = new OrderedDictionary<string, Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (path, m) in NamedModules())
        {
            foreach (var (name, p) in m._parameters)
                if (seen.Add(p)) dict.Add(Join(path, name), p.Detach());
            foreach (var (name, b, persistent) in m._buffers)
                if (persistent && seen.Add(b)) dict.Add(Join(path, name), b.Detach());
        }
        return dict;
    }

    /// <summary>
    /// Copies the values of <paramref name="stateDict"/> into this module's parameters and persistent buffers, in place
    /// (under no-grad, so references held by optimizers stay valid; dtypes are converted). Every problem is collected
    /// before anything is copied: a shape mismatch always fails; missing and unexpected keys fail when
    /// <paramref name="strict"/> and are returned otherwise.
    /// </summary>
    /// <exception cref="StateDictException">Lists all missing/unexpected keys (strict) and all shape mismatches.</exception>
    public LoadStateDictResult LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateDict();
        var missing = own.Keys.Where(k => !stateDict.ContainsKey(k)).ToList();
        var unexpected = stateDict.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatches = new List<string>();
        foreach (var (key, target) in own)
        {
            if (!stateDict.TryGetValue(key, out var source)) continue;
            if (source is null)
                mismatches.Add($"value for {key} is null.");
            else if (!Shape.Equal(source.Shape, target.Shape))
                mismatches.Add($"size mismatch for {key}: copying a param with shape {Shape.Format(source.Shape)} from checkpoint, " +
                    $"the shape in current model is {Shape.Format(target.Shape)}.");
        }
        if (mismatches.Count > 0 || (strict && (missing.Count > 0 || unexpected.Count > 0)))
            throw new StateDictException(GetType().Name, strict ? missing : [], strict ? unexpected : [], mismatches);
        using (Autograd.NoGrad())
        {
            foreach (var (key, target) in own)
                if (stateDict.TryGetValue(key, out var source) && !ReferenceEquals(source.Storage, target.Storage))
                    target.CopyFrom(source);
        }
        return new LoadStateDictResult(missing, unexpected);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Printing

    /// <summary>A one-line description of this module's own configuration (e.g. "in_features=20, out_features=10").</summary>
    protected virtual string ExtraRepr() => "";

    /// <summary>
    /// A tree like PyTorch's module printout:
    /// <code>
    /// Sequential(
    ///   (0): Linear(in_features=4, out_features=3, bias=True)
    ///   (1): ReLU()
    /// )
    /// </code>
    /// </summary>
    public override string ToString()
    {
        string extra = ExtraRepr();
        var lines = new List<string>();
        if (extra.Length > 0) lines.AddRange(extra.Split('\n'));
        foreach (var (name, m) in _modules)
            lines.Add($"({name}): " + m.ToString().Replace("\n", "\n  "));
        var sb = new StringBuilder(GetType().Name).Append('(');
        if (lines.Count == 1 && _modules.Count == 0) sb.Append(lines[0]);
        else if (lines.Count > 0)
        {
            sb.Append('\n');
            foreach (var line in lines) sb.Append("  ").Append(line).Append('\n');
        }
        return sb.Append(')').ToString();
    }
}
