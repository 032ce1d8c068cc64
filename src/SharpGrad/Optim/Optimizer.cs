using System.Globalization;

namespace SharpGrad.Optim;

/// <summary>
/// Base class of optimizers, with PyTorch's parameter groups and state layout.
/// <list type="bullet">
/// <item>Parameters are organised in <see cref="ParamGroups"/>, each with its own learning rate and weight decay.
/// Parameters are numbered globally in group order (0, 1, … over all groups), as in PyTorch's <c>state_dict()</c>.</item>
/// <item>Per-parameter state (<see cref="ParamState"/>) is created lazily on a parameter's first update, once, and updated
/// in place afterwards; parameters whose <see cref="Tensor.Grad"/> is null are skipped and keep no state.</item>
/// <item><see cref="StateDict"/> / <see cref="LoadStateDict"/> save and restore that state as a flat name → tensor map
/// (<c>state.3.exp_avg</c>, <c>state.3.step</c>, <c>param_groups.0.lr</c>, …) that can be written to safetensors.</item>
/// </list>
/// Learning-rate control: <see cref="LearningRate"/> sets every group's rate to one value;
/// <see cref="SetLearningRateScale"/> multiplies each group's <see cref="ParamGroup.InitialLearningRate"/> by a factor, so
/// a schedule keeps the ratio between groups (this is what <see cref="LearningRateScheduleExtensions.Apply"/> uses).
/// </summary>
public abstract class Optimizer
{
    private readonly ParamGroup[] _groups;
    private readonly Tensor[] _params;
    private readonly ParamState?[] _state;

    /// <summary>Creates the optimizer over one group holding <paramref name="parameters"/>.</summary>
    /// <param name="parameters">Tensors that require grad (contiguous, each at most once).</param>
    /// <param name="learningRate">Default learning rate of the groups.</param>
    /// <param name="weightDecay">Default weight decay of the groups.</param>
    protected Optimizer(IEnumerable<Tensor> parameters, double learningRate, double weightDecay)
        : this([new ParamGroup(parameters ?? throw new ArgumentNullException(nameof(parameters)))], learningRate, weightDecay)
    {
    }

    /// <summary>Creates the optimizer over <paramref name="groups"/>; options a group leaves null take these defaults.</summary>
    /// <param name="groups">Parameter groups (a group belongs to one optimizer; a parameter to one group).</param>
    /// <param name="learningRate">Default learning rate of the groups.</param>
    /// <param name="weightDecay">Default weight decay of the groups.</param>
    protected Optimizer(IEnumerable<ParamGroup> groups, double learningRate, double weightDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        string name = GetType().Name;
        // Only negative values are rejected, as in torch.optim (NaN passes: tests use it to provoke divergence).
        if (learningRate < 0)
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"{name}: the learning rate must be non-negative.");
        if (weightDecay < 0)
            throw new ArgumentOutOfRangeException(nameof(weightDecay), weightDecay, $"{name}: the weight decay must be non-negative.");
        _groups = groups.ToArray();
        if (_groups.Length == 0) throw new ArgumentException($"{name} got no parameter groups.", nameof(groups));
        var all = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int g = 0; g < _groups.Length; g++)
        {
            foreach (var p in _groups[g].Params)
            {
                if (p is null) throw new ArgumentException($"{name}: parameter group {g} contains a null parameter.", nameof(groups));
                // Frozen module parameters (RequiresGrad false) are welcome, as in PyTorch: they get no gradient, so Step skips
                // them until they are unfrozen (gradual unfreezing). A plain tensor that does not require grad is a mistake, and a
                // tensor computed by an op is not the optimizer's to set.
                if (!p.RequiresGrad && p is not NN.Parameter)
                    throw new ArgumentException($"{name}: parameter {all.Count} (group {g}, shape {Shape.Format(p.Shape)}) does not require grad " +
                        "(module parameters may be frozen; a plain tensor must be created with RequiresGrad_()).", nameof(groups));
                if (!p.IsLeaf)
                    throw new ArgumentException($"{name}: parameter {all.Count} (group {g}, shape {Shape.Format(p.Shape)}) is the result of an op ({p.GradFnName}), not a leaf; " +
                        "optimize the leaf tensors it was computed from.", nameof(groups));
                if (!p.DType.IsFloatingPoint())
                    throw new ArgumentException($"{name}: parameter {all.Count} (group {g}, shape {Shape.Format(p.Shape)}) is {p.DType}; parameters are floating point.", nameof(groups));
                if (!p.IsContiguous)
                    throw new ArgumentException($"{name}: parameter {all.Count} (group {g}, shape {Shape.Format(p.Shape)}) is a non-contiguous view; " +
                        "optimize the tensor it views, or a contiguous leaf (x.Contiguous().Detach().RequiresGrad_()).", nameof(groups));
                if (!seen.Add(p))
                    throw new ArgumentException($"{name}: a parameter of shape {Shape.Format(p.Shape)} appears more than once (in group {g}); " +
                        "each parameter may belong to one group only.", nameof(groups));
                all.Add(p);
            }
        }
        if (all.Count == 0) throw new ArgumentException($"{name} got an empty parameter list.", nameof(groups));
        int first = 0;
        foreach (var group in _groups)
        {
            group.Adopt(this, first, learningRate, weightDecay);
            first += group.Params.Count;
        }
        _params = all.ToArray();
        _state = new ParamState?[_params.Length];
    }

    /// <summary>The parameter groups, in order.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>All parameters over all groups, indexed by their global number.</summary>
    protected IReadOnlyList<Tensor> Params => _params;

    /// <summary>
    /// Learning rate: gets the first group's; setting it sets every group's (what a callback that sets "the" rate wants).
    /// Use <see cref="SetLearningRateScale"/> to keep different rates per group.
    /// </summary>
    public double LearningRate
    {
        get => _groups[0].LearningRate;
        set
        {
            foreach (var g in _groups) g.LearningRate = value;
        }
    }

    /// <summary>Sets each group's learning rate to <c>InitialLearningRate · factor</c> (factor 1 restores the initial rates).</summary>
    public void SetLearningRateScale(double factor)
    {
        if (factor < 0) throw new ArgumentOutOfRangeException(nameof(factor), factor, "SetLearningRateScale: the factor must be non-negative.");
        foreach (var g in _groups) g.LearningRate = g.InitialLearningRate * factor;
    }

    /// <summary>
    /// Performs one update of every parameter that has a gradient: under no-grad, group by group, each such parameter's
    /// step count is advanced and <see cref="UpdateParameter"/> applies the optimizer's rule in place.
    /// </summary>
    public void Step() => Kernels.Launch.Run(this, static optimizer => optimizer.StepNow()); // a replayed step updates with that step's counts and rates

    private void StepNow()
    {
        using var _ = Autograd.NoGrad();
        foreach (var group in _groups)
        {
            for (int k = 0; k < group.Params.Count; k++)
            {
                Tensor p = group.Params[k];
                if (p.Grad is null) continue;
                var (state, g) = BeginUpdate(group.FirstIndex + k);
                UpdateParameter(group, p, state, g);
                Touched(p);
            }
        }
    }

    /// <summary>
    /// Clears the gradients of all parameters, like PyTorch's <c>zero_grad</c>: by default sets them to null
    /// (<c>set_to_none=True</c>); with <paramref name="setToNone"/> false, fills existing gradients with zeros in place, so
    /// the next backward pass accumulates into the same memory instead of allocating new gradients (a parameter that then
    /// receives no gradient is still updated, with a zero gradient, as in PyTorch).
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var p in _params)
        {
            if (setToNone) p.ZeroGrad();
            else p.Grad?.Zero();
        }
    }

    /// <summary>Every parameter of every group, in global order.</summary>
    internal IReadOnlyList<Tensor> AllParameters => _params;

    /// <summary>The state of parameter <paramref name="index"/> (global order), or null before its first update.</summary>
    internal ParamState? StateAt(int index) => _state[index];

    /// <summary>The state of <paramref name="parameter"/>, or null before its first update.</summary>
    public ParamState? StateOf(Tensor parameter)
    {
        int i = Array.FindIndex(_params, p => ReferenceEquals(p, parameter));
        if (i < 0) throw new ArgumentException("StateOf: the tensor is not a parameter of this optimizer.", nameof(parameter));
        return _state[i];
    }

    // ---------------------------------------------------------------------------------------------------------------
    // For subclasses

    /// <summary>
    /// Names of the per-parameter buffers this optimizer keeps in its current configuration (e.g. <c>exp_avg</c>,
    /// <c>exp_avg_sq</c>, plus <c>max_exp_avg_sq</c> with AMSGrad). Each is shaped and typed like its parameter.
    /// </summary>
    protected abstract IReadOnlyList<string> StateBufferNames { get; }

    /// <summary>Initial value of a buffer when the state is created (0 unless overridden, e.g. Adagrad's <c>sum</c>).</summary>
    protected virtual double InitialBufferValue(string name) => 0;

    /// <summary>The state of parameter <paramref name="index"/>, created (buffers filled with their initial values) on first use.</summary>
    protected ParamState State(int index)
    {
        if (_state[index] is { } s) return s;
        Tensor p = _params[index];
        using var persistent = TensorScope.Suspend(); // the state lives as long as the optimizer, not one step's scope
        var buffers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in StateBufferNames) buffers[name] = Tensor.Full(p.ShapeArray, InitialBufferValue(name), p.DType);
        return _state[index] = new ParamState(buffers);
    }

    /// <summary>
    /// Increments the step count of parameter <paramref name="index"/> (creating its state) and returns the state, the gradient
    /// as a dense tensor of the parameter's dtype, and the step number of this update (1 for the first).
    /// </summary>
    protected (ParamState State, Tensor Grad) BeginUpdate(int index)
    {
        Tensor p = _params[index];
        Tensor g = p.Grad ?? throw new InvalidOperationException($"{GetType().Name}: parameter {index} has no gradient.");
        if (!Shape.Equal(g.Shape, p.Shape))
            throw new ShapeMismatchException(GetType().Name, p.Shape, g.Shape, $"the gradient of parameter {index} does not have the parameter's shape");
        if (g.DType != p.DType) g = g.To(p.DType);
        g = g.Contiguous();
        var s = State(index);
        s.Step++;
        return (s, g);
    }

    /// <summary>
    /// Applies the update rule to one parameter, in place, through its span. <paramref name="state"/> has already counted
    /// this step (<see cref="ParamState.Step"/> is 1 on the first update); <paramref name="grad"/> is dense, with the
    /// parameter's shape and dtype.
    /// </summary>
    /// <param name="group">The parameter's group (learning rate, weight decay).</param>
    /// <param name="parameter">The parameter.</param>
    /// <param name="state">Its state and buffers.</param>
    /// <param name="grad">Its gradient.</param>
    protected abstract void UpdateParameter(ParamGroup group, Tensor parameter, ParamState state, Tensor grad);

    /// <summary>Marks a tensor written through its span (so autograd notices the in-place change).</summary>
    private protected static void Touched(Tensor t) => t.Storage.Version++;

    // ---------------------------------------------------------------------------------------------------------------
    // State dict

    /// <summary>
    /// A snapshot of the optimizer's state as a flat map (copies, so later steps do not change it), PyTorch-like names:
    /// <list type="bullet">
    /// <item><c>state.{i}.step</c>: Int64 scalar, updates received by parameter <c>i</c> (global numbering);</item>
    /// <item><c>state.{i}.{buffer}</c>: that parameter's buffers (<see cref="StateBufferNames"/>), parameter's shape and dtype;</item>
    /// <item><c>param_groups.{g}.lr</c>, <c>.initial_lr</c>, <c>.weight_decay</c>: Float64 scalars;
    /// <c>param_groups.{g}.params</c>: Int64 vector of the group's parameter numbers.</item>
    /// </list>
    /// Parameters that have not been updated yet have no <c>state.{i}.*</c> entries.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var d = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        for (int g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g];
            d[GroupKey(g, "lr")] = Tensor.Scalar(group.LearningRate, DType.Float64);
            d[GroupKey(g, "initial_lr")] = Tensor.Scalar(group.InitialLearningRate, DType.Float64);
            d[GroupKey(g, "weight_decay")] = Tensor.Scalar(group.WeightDecay, DType.Float64);
            d[GroupKey(g, "params")] = Tensor.FromArray(Enumerable.Range(group.FirstIndex, group.Params.Count).Select(i => (long)i).ToArray(), group.Params.Count);
        }
        for (int i = 0; i < _state.Length; i++)
        {
            if (_state[i] is not { } s) continue;
            d[StateKey(i, "step")] = Tensor.Scalar(s.Step, DType.Int64);
            foreach (var (name, buffer) in s.Buffers) d[StateKey(i, name)] = buffer.Detach().Clone();
        }
        return d;
    }

    /// <summary>
    /// Restores a state saved by <see cref="StateDict"/> of an optimizer of the same kind and configuration over parameters of
    /// the same shapes and grouping. Everything is validated before anything changes: a missing or unexpected key, a wrong
    /// grouping or a buffer of the wrong shape throws with a message naming the key. Values are copied (the map can be reused).
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        string name = GetType().Name;
        var used = new HashSet<string>(StringComparer.Ordinal);

        Tensor Require(string key)
        {
            if (!stateDict.TryGetValue(key, out var t) || t is null)
                throw new KeyNotFoundException($"{name}.LoadStateDict: missing key \"{key}\".");
            used.Add(key);
            return t;
        }

        double Scalar(string key)
        {
            Tensor t = Require(key);
            if (t.Numel != 1) throw new ShapeMismatchException($"{name}.LoadStateDict: \"{key}\" must be a scalar, got shape {Shape.Format(t.Shape)}.");
            return t.Item();
        }

        var groupValues = new (double Lr, double InitialLr, double WeightDecay)[_groups.Length];
        for (int g = 0; g < _groups.Length; g++)
        {
            var group = _groups[g];
            Tensor indices = Require(GroupKey(g, "params"));
            long[] expected = Enumerable.Range(group.FirstIndex, group.Params.Count).Select(i => (long)i).ToArray();
            long[] actual = indices.To(DType.Int64).Contiguous().ToArray<long>();
            if (!expected.SequenceEqual(actual))
                throw new ArgumentException($"{name}.LoadStateDict: parameter group {g} holds parameters [{string.Join(", ", expected)}] " +
                    $"but the state dict's group {g} holds [{string.Join(", ", actual)}]; the optimizer must be built over the same parameter groups.");
            groupValues[g] = (Scalar(GroupKey(g, "lr")), Scalar(GroupKey(g, "initial_lr")), Scalar(GroupKey(g, "weight_decay")));
            if (groupValues[g].Lr < 0 || groupValues[g].InitialLr < 0 || groupValues[g].WeightDecay < 0)
                throw new ArgumentException($"{name}.LoadStateDict: parameter group {g} has a negative learning rate or weight decay.");
        }

        var states = new (long Step, Dictionary<string, Tensor> Buffers)?[_state.Length];
        var bufferNames = StateBufferNames;
        for (int i = 0; i < _state.Length; i++)
        {
            string stepKey = StateKey(i, "step");
            if (!stateDict.ContainsKey(stepKey)) continue; // no state: the parameter was never updated
            double step = Scalar(stepKey);
            if (!(step >= 0) || step != Math.Floor(step))
                throw new ArgumentException($"{name}.LoadStateDict: \"{stepKey}\" must be a non-negative integer, got {step.ToString(CultureInfo.InvariantCulture)}.");
            Tensor p = _params[i];
            var buffers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            foreach (var bufferName in bufferNames)
            {
                string key = StateKey(i, bufferName);
                Tensor t = Require(key);
                if (!Shape.Equal(t.Shape, p.Shape))
                    throw new ShapeMismatchException($"{name}.LoadStateDict: \"{key}\" has shape {Shape.Format(t.Shape)} but parameter {i} has shape {Shape.Format(p.Shape)}.");
                if (!t.DType.IsFloatingPoint())
                    throw new DTypeMismatchException($"{name}.LoadStateDict: \"{key}\" is {t.DType}; optimizer buffers are floating point.");
                buffers[bufferName] = t;
            }
            states[i] = ((long)step, buffers);
        }

        var unexpected = stateDict.Keys.Where(k => !used.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            throw new ArgumentException($"{name}.LoadStateDict: unexpected key(s) {string.Join(", ", unexpected.Take(8).Select(k => "\"" + k + "\""))}" +
                (unexpected.Count > 8 ? $" and {unexpected.Count - 8} more" : "") +
                " (state of parameters that do not exist, extra groups, or buffers this optimizer's configuration does not use).");

        // Everything is valid: apply.
        for (int g = 0; g < _groups.Length; g++)
        {
            _groups[g].LearningRate = groupValues[g].Lr;
            _groups[g].InitialLearningRate = groupValues[g].InitialLr;
            _groups[g].WeightDecay = groupValues[g].WeightDecay;
        }
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < _state.Length; i++)
        {
            if (states[i] is not { } loaded)
            {
                _state[i] = null;
                continue;
            }
            var s = State(i);
            s.Step = loaded.Step;
            foreach (var (bufferName, source) in loaded.Buffers) s[bufferName].CopyFrom(source.To(s[bufferName].DType));
        }
    }

    private static string StateKey(int index, string name) => $"state.{index}.{name}";

    private static string GroupKey(int group, string name) => $"param_groups.{group}.{name}";
}
