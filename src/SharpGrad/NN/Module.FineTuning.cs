using SharpGrad.Optim;

namespace SharpGrad.NN;

/// <summary>Fine-tuning: freezing and unfreezing by name pattern, parameter groups, replacing a child (a new head).</summary>
public abstract partial class Module
{
    /// <summary>
    /// True when the module is frozen (<see cref="Freeze"/>): all its parameters are fixed, and layers that behave differently
    /// in training and evaluation behave as in evaluation even in training mode — a frozen BatchNorm normalises with its
    /// running statistics and does not update them (Keras' <c>trainable = False</c>). "Trainable" is thus kept apart from
    /// "training": <see cref="Train"/> still switches dropout and the unfrozen layers.
    /// </summary>
    public bool IsFrozen { get; private set; }

    /// <summary>
    /// Freezes parameters: with no pattern, every parameter of this module; otherwise those whose name (as in
    /// <see cref="NamedParameters"/>) or one of whose enclosing modules' names matches a pattern (<c>*</c> any characters,
    /// <c>?</c> one: <c>"features"</c>, <c>"layer4.*"</c>, <c>"*.bias"</c>). Frozen parameters stop requiring grad and lose
    /// their gradient (so an optimizer skips them); modules left with only frozen parameters become <see cref="IsFrozen"/>.
    /// Returns this module.
    /// </summary>
    public Module Freeze(params string[] patterns) => SetTrainable(false, patterns);

    /// <summary>Unfreezes parameters (all, or those matching a pattern, as <see cref="Freeze"/>); returns this module.</summary>
    public Module Unfreeze(params string[] patterns) => SetTrainable(true, patterns);

    private Module SetTrainable(bool trainable, string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var selected = NamedParameters().Where(p => patterns.Length == 0 || patterns.Any(pattern => NameMatches(pattern, p.Name))).ToList();
        if (patterns.Length > 0 && selected.Count == 0) // checked before anything changes
            throw new ArgumentException($"{(trainable ? "Unfreeze" : "Freeze")}: no parameter name matches {string.Join(", ", patterns.Select(p => $"\"{p}\""))}; " +
                $"names look like {string.Join(", ", NamedParameters().Take(4).Select(p => p.Name))}.", nameof(patterns));
        foreach (var (_, p) in selected)
        {
            if (!trainable) p.Grad = null;
            p.RequiresGrad = trainable;
        }
        foreach (var (path, m) in NamedModules())
        {
            bool named = patterns.Length == 0 || patterns.Any(pattern => NameMatches(pattern, path));
            var own = m.Parameters().ToList();
            if (own.Count == 0) { if (named) m.IsFrozen = !trainable; }
            else m.IsFrozen = own.All(p => !p.RequiresGrad);
        }
        return this;
    }

    /// <summary>
    /// Parameter groups for discriminative learning rates: each parameter goes to the first rule whose pattern matches its
    /// name (as in <see cref="Freeze"/>), with that rule's learning rate; the rest form a last group at the optimizer's
    /// default rate. Frozen parameters are included (an optimizer skips them until they are unfrozen and get gradients).
    /// <code>var adam = new AdamW(model.ParameterGroups(("backbone", 1e-5), ("head", 1e-3)), lr: 1e-4);</code>
    /// </summary>
    public IReadOnlyList<ParamGroup> ParameterGroups(params (string Pattern, double LearningRate)[] rules)
    {
        var members = rules.Select(_ => new List<Tensor>()).ToList();
        var rest = new List<Tensor>();
        foreach (var (name, p) in NamedParameters())
        {
            int rule = Array.FindIndex(rules, r => NameMatches(r.Pattern, name));
            (rule >= 0 ? members[rule] : rest).Add(p);
        }
        var groups = new List<ParamGroup>();
        for (int i = 0; i < rules.Length; i++)
        {
            if (members[i].Count == 0) throw new ArgumentException($"ParameterGroups: no parameter name matches \"{rules[i].Pattern}\".", nameof(rules));
            groups.Add(new ParamGroup(members[i], rules[i].LearningRate));
        }
        if (rest.Count > 0) groups.Add(new ParamGroup(rest));
        return groups;
    }

    /// <summary>
    /// Replaces the child registered as <paramref name="name"/> (a direct child, or a dotted path to a deeper one) with
    /// <paramref name="replacement"/> — a new classification head, for instance (<c>model.ReplaceChild("2", new Linear(128, 5))</c>).
    /// The state dict then holds the new child's parameters under the same name. Supported by containers whose forward
    /// reads their children from the registry (<see cref="Sequential"/>); other modules say so.
    /// </summary>
    /// <exception cref="ArgumentException">When there is no child of that name.</exception>
    /// <exception cref="NotSupportedException">When the parent keeps its children in fields of its own.</exception>
    public void ReplaceChild(string name, Module replacement)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(replacement);
        int dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            string parentPath = name[..dot];
            Module parent = NamedModules().FirstOrDefault(m => m.Name == parentPath).Module
                ?? throw new ArgumentException($"ReplaceChild: no module \"{parentPath}\" in {GetType().Name}.", nameof(name));
            parent.ReplaceChild(name[(dot + 1)..], replacement);
            return;
        }
        int index = _modules.FindIndex(m => m.Name == name);
        if (index < 0)
            throw new ArgumentException($"ReplaceChild: {GetType().Name} has no child \"{name}\"; its children are {string.Join(", ", _modules.Select(m => m.Name))}.", nameof(name));
        Module previous = _modules[index].Module;
        OnChildReplaced(name, previous, replacement);
        _modules[index] = (name, replacement);
    }

    /// <summary>
    /// Called by <see cref="ReplaceChild"/> before the registry changes: a module whose forward uses its children through
    /// fields of its own updates them here. The default refuses, so that a replacement never goes unused silently.
    /// </summary>
    protected virtual void OnChildReplaced(string name, Module previous, Module replacement) =>
        throw new NotSupportedException($"ReplaceChild: {GetType().Name} keeps its children in fields of its own, so \"{name}\" cannot be replaced; " +
            "build a new model around the parts instead (e.g. new Sequential(backbone, newHead)).");

    /// <summary>Whether a name pattern (<c>*</c> any characters, <c>?</c> one) matches a dotted name or one of its leading module paths.</summary>
    internal static bool NameMatches(string pattern, string name)
    {
        if (Glob(pattern, name)) return true;
        for (int i = name.IndexOf('.'); i >= 0; i = name.IndexOf('.', i + 1))
            if (Glob(pattern, name.AsSpan(0, i))) return true;
        return false;
    }

    /// <summary>Whether a pattern (<c>*</c> any characters, <c>?</c> one) matches the whole of <paramref name="text"/>.</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        // iterative wildcard matching with backtracking to the last '*'
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
