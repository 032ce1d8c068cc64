using System.Collections;
using System.Globalization;

namespace SharpGrad.NN;

/// <summary>
/// Holds sub-modules in a list, like <c>torch.nn.ModuleList</c>: each added module is registered as a child named
/// "0", "1", …, so its parameters appear in <see cref="Module.Parameters"/> and the state dict (<c>layers.0.weight</c>).
/// It has no forward of its own; the owning module decides how to call its items.
/// </summary>
public sealed class ModuleList : Module, IReadOnlyList<Module>
{
    private readonly List<Module> _items = [];

    /// <summary>Creates the list from modules in order.</summary>
    public ModuleList(params IEnumerable<Module> modules)
    {
        foreach (var m in modules) Add(m);
    }

    /// <summary>Appends a module (registered as child <c>Count</c>) and returns this list.</summary>
    public ModuleList Add(Module module)
    {
        _items.Add(RegisterModule(_items.Count.ToString(CultureInfo.InvariantCulture), module));
        return this;
    }

    /// <summary>The module at <paramref name="index"/> (negative indices count from the end, as in Python).</summary>
    public Module this[int index] => _items[index < 0 ? index + _items.Count : index];

    /// <summary>Number of modules.</summary>
    public int Count => _items.Count;

    /// <inheritdoc/>
    public IEnumerator<Module> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Not supported: a ModuleList is a container; iterate over it in the owning module's Forward.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Forward(Tensor input) =>
        throw new NotSupportedException("ModuleList has no Forward; iterate over its modules in the owning module's Forward (or use Sequential).");
}
