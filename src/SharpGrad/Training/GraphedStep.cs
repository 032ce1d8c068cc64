using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// A training step that runs eagerly for its first <see cref="WarmUpSteps"/> calls, is then captured into a
/// <see cref="StepGraph"/>, checked once against an eager step, and from then on replayed: the same updates without graph
/// building or managed allocation. Like <c>torch.cuda.make_graphed_callables</c>, for the CPU. If anything in the step cannot
/// be captured, or the check finds that a replay would not repeat the eager step exactly, it keeps running eagerly and says
/// why in <see cref="FallbackReason"/>; training is never wrong because of it.
/// <code>
/// var x = Tensor.Zeros([batch, 784]); var y = Tensor.Zeros([batch], DType.Int64);   // static inputs
/// var step = new GraphedStep(model, optimizer, () =>
/// {
///     optimizer.ZeroGrad(setToNone: false);
///     Tensor loss = lossFn.Forward(model.Forward(x), y);
///     loss.Backward();
///     optimizer.Step();
///     return [loss];
/// });
/// foreach (var batch in loader)
/// {
///     x.CopyFrom(batch.Inputs); y.CopyFrom(batch.Targets);
///     double loss = step.Run()[0].Item();
/// }
/// </code>
/// The step must read its data only from tensors created before it (copy each batch into them), keep its shapes, and use
/// the model and optimizer given here; a change of what the step touches (a gradient set to null, a parameter frozen or
/// unfrozen, the model switched to evaluation) is noticed and the step is captured again.
/// </summary>
public sealed class GraphedStep
{
    private readonly Module _model;
    private readonly Optimizer _optimizer;
    private readonly Func<Tensor[]> _step;
    private readonly StateSnapshot _state;
    private StepGraph? _graph;
    private bool _verified;
    private int _eagerSteps;
    // what the capture assumed, checked before each replay: each parameter's gradient tensor (the replay writes into it),
    // each optimizer parameter's state, the training mode
    private (Tensor Parameter, Tensor? Grad, bool RequiresGrad)[] _capturedGrads = [];
    private ParamState?[] _capturedStates = [];
    private bool _capturedTraining;

    /// <summary>Creates the step; nothing runs until <see cref="Run"/>.</summary>
    /// <param name="model">The model the step trains (its parameters and buffers are what the step changes).</param>
    /// <param name="optimizer">The optimizer the step calls.</param>
    /// <param name="step">One training step reading the static inputs; returns the tensors wanted after each step (the loss first, by convention).</param>
    public GraphedStep(Module model, Optimizer optimizer, Func<Tensor[]> step) : this(model, optimizer, step, null) { }

    /// <summary>
    /// The trainer's form: several steps over one model (one per batch shape) share one <paramref name="snapshot"/>, whose
    /// copies the trainer releases once every step is checked (a later check then finds them ready instead of allocating).
    /// </summary>
    internal GraphedStep(Module model, Optimizer optimizer, Func<Tensor[]> step, StateSnapshot? snapshot)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        _step = step ?? throw new ArgumentNullException(nameof(step));
        _ownsState = snapshot is null;
        _state = snapshot ?? new StateSnapshot(model, optimizer);
    }

    private readonly bool _ownsState;

    /// <summary>Capture at once when gradients and optimizer state already exist (the trainer's later batch shapes).</summary>
    internal bool SkipWarmUpWhenReady { get; init; }

    /// <summary>True when the warm-up is done or not needed: every trainable parameter has a gradient and optimizer state.</summary>
    internal bool StateReady()
    {
        var ps = _optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
            if (ps[i].RequiresGrad && (ps[i].Grad is null || _optimizer.StateAt(i) is null)) return false;
        return true;
    }

    /// <summary>True once checked (replaying) or given up (eager for good): nothing more to verify.</summary>
    internal bool IsSettled => IsReplaying || FallbackReason is not null;

    /// <summary>Eager steps before the capture (gradients and optimizer state are created by the first one). Default 1.</summary>
    public int WarmUpSteps { get; init; } = 1;

    /// <summary>True once the step is captured and checked: <see cref="Run"/> replays it.</summary>
    public bool IsReplaying => _graph is not null && _verified;

    /// <summary>Why the step runs eagerly for good (null while capture is possible or working).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Number of kernel launches the captured step replays (0 before the capture).</summary>
    public int LaunchCount => _graph?.LaunchCount ?? 0;

    /// <summary>
    /// Performs one training step and returns the step's outputs: tensors of the eager step (valid inside the caller's
    /// <see cref="TensorScope"/>) or the graph's outputs, which the next replay overwrites. Read what you need before the next call.
    /// </summary>
    public Tensor[] Run()
    {
        if (FallbackReason is not null || (_eagerSteps < WarmUpSteps && !(SkipWarmUpWhenReady && StateReady())))
        {
            _eagerSteps++;
            return _step();
        }
        if (_graph is not null && !StillValid())
        {
            _graph = null; // what the capture assumed has changed: capture again
            _verified = false;
        }
        if (_graph is null) return Capture();
        if (!_verified) return Verify();
        _graph.Replay();
        return (Tensor[])_graph.Outputs;
    }

    private Tensor[] Capture()
    {
        _state.Save(StateSnapshot.Slot.Before);
        try
        {
            _graph = StepGraph.Capture(_step);
        }
        catch (NotSupportedException e)
        {
            // nothing of the step may count twice: back to the state before it, then the same step eagerly
            _state.Restore(StateSnapshot.Slot.Before);
            _graph = null;
            FallbackReason = e.Message;
            return _step();
        }
        RememberAssumptions();
        return (Tensor[])_graph.Outputs;
    }

    /// <summary>
    /// The one check of a new capture: the same step (the current static inputs) eagerly, then replayed from the same
    /// starting state; parameters, gradients, buffers, optimizer state and outputs must agree bit for bit.
    /// </summary>
    private Tensor[] Verify()
    {
        _state.Save(StateSnapshot.Slot.Before);
        Tensor[] eager = _step();
        var eagerOutputs = new double[eager.Length][];
        for (int i = 0; i < eager.Length; i++) eagerOutputs[i] = eager[i].ToArray<double>();
        _state.Save(StateSnapshot.Slot.After);
        // A step that sets gradients to null (ZeroGrad()) made new ones; the replay writes the captured ones.
        foreach (var (parameter, grad, _) in _capturedGrads) parameter.Grad = grad;
        _state.Restore(StateSnapshot.Slot.Before);
        _graph!.Replay();
        string? difference = _state.FirstDifference(StateSnapshot.Slot.After);
        for (int i = 0; difference is null && i < eager.Length; i++)
        {
            Tensor o = _graph.Outputs.Count > i ? _graph.Outputs[i] : eager[i];
            if (!o.ToArray<double>().AsSpan().SequenceEqual(eagerOutputs[i])) difference = $"output {i}";
        }
        if (difference is null)
        {
            _verified = true;
            if (_ownsState) _state.Release();
            return (Tensor[])_graph.Outputs;
        }
        _state.Restore(StateSnapshot.Slot.After); // keep the eager step's result
        if (_ownsState) _state.Release();
        _graph = null;
        FallbackReason = $"a replay of the captured step did not repeat the eager step ({difference} differs): some op in it is not recorded by the capture, so it runs eagerly.";
        return eager;
    }

    private void RememberAssumptions()
    {
        var parameters = new List<(Tensor, Tensor?, bool)>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (Tensor p in _model.Parameters().Concat(_optimizer.AllParameters))
            if (seen.Add(p)) parameters.Add((p, p.Grad, p.RequiresGrad));
        _capturedGrads = [.. parameters];
        var ps = _optimizer.AllParameters;
        _capturedStates = new ParamState?[ps.Count];
        for (int i = 0; i < ps.Count; i++) _capturedStates[i] = _optimizer.StateAt(i);
        _capturedTraining = _model.Training;
    }

    private bool StillValid()
    {
        if (_model.Training != _capturedTraining || !Autograd.IsGradEnabled) return false;
        foreach (var (parameter, grad, requiresGrad) in _capturedGrads)
            if (!ReferenceEquals(parameter.Grad, grad) || parameter.RequiresGrad != requiresGrad || (grad is not null && !grad.IsAlive)) return false;
        var ps = _optimizer.AllParameters;
        if (ps.Count != _capturedStates.Length) return false;
        for (int i = 0; i < ps.Count; i++)
            if (!ReferenceEquals(_optimizer.StateAt(i), _capturedStates[i])) return false;
        return true;
    }
}
