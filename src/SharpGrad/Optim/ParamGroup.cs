namespace SharpGrad.Optim;

/// <summary>
/// A set of parameters that share a learning rate and a weight decay, like one entry of PyTorch's
/// <c>optimizer.param_groups</c>. Options left null take the optimizer's defaults when the group is handed to it:
/// <code>
/// var opt = new AdamW([
///     new ParamGroup(backbone.Parameters(), learningRate: 1e-4),
///     new ParamGroup(head.Parameters(), learningRate: 1e-3, weightDecay: 0),
/// ], lr: 1e-3);
/// </code>
/// Other hyperparameters (momentum, betas, eps, …) belong to the optimizer and are shared by all of its groups.
/// A group belongs to one optimizer at most.
/// </summary>
public sealed class ParamGroup
{
    private double? _learningRate;
    private double? _weightDecay;

    /// <summary>Creates a group; null options take the optimizer's defaults.</summary>
    /// <param name="parameters">Tensors that require grad.</param>
    /// <param name="learningRate">This group's learning rate η (null: the optimizer's <c>lr</c>).</param>
    /// <param name="weightDecay">This group's weight decay λ (null: the optimizer's default).</param>
    public ParamGroup(IEnumerable<Tensor> parameters, double? learningRate = null, double? weightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Params = parameters.ToArray();
        if (learningRate is double lr) LearningRate = lr;
        if (weightDecay is double wd) WeightDecay = wd;
    }

    /// <summary>The parameters of this group.</summary>
    public IReadOnlyList<Tensor> Params { get; }

    /// <summary>Current learning rate η of this group (NaN until set or defaulted by an optimizer).</summary>
    public double LearningRate
    {
        get => _learningRate ?? double.NaN;
        set
        {
            if (value < 0) // like PyTorch, NaN and ∞ pass (a NaN rate is a handy way to test divergence handling)
                throw new ArgumentOutOfRangeException(nameof(value), value, "ParamGroup: the learning rate must be non-negative.");
            _learningRate = value;
        }
    }

    /// <summary>
    /// The learning rate this group started with (PyTorch's <c>initial_lr</c>): fixed when the group is handed to an optimizer,
    /// restored by <see cref="Optimizer.LoadStateDict"/>. <see cref="Optimizer.SetLearningRateScale"/> sets
    /// <see cref="LearningRate"/> = <see cref="InitialLearningRate"/> · factor, so a schedule keeps the ratio between groups.
    /// </summary>
    public double InitialLearningRate { get; internal set; } = double.NaN;

    /// <summary>Weight decay λ of this group (L2 for SGD/Adam/RMSProp/Adagrad, decoupled for AdamW).</summary>
    public double WeightDecay
    {
        get => _weightDecay ?? double.NaN;
        set
        {
            if (value < 0)
                throw new ArgumentOutOfRangeException(nameof(value), value, "ParamGroup: the weight decay must be non-negative.");
            _weightDecay = value;
        }
    }

    /// <summary>Global index (PyTorch numbering: position over all groups in order) of this group's first parameter.</summary>
    internal int FirstIndex { get; private set; }

    internal Optimizer? Owner { get; private set; }

    internal void Adopt(Optimizer owner, int firstIndex, double defaultLearningRate, double defaultWeightDecay)
    {
        if (Owner is not null)
            throw new ArgumentException("ParamGroup: this group already belongs to another optimizer; create a new ParamGroup for each optimizer.");
        _learningRate ??= defaultLearningRate;
        _weightDecay ??= defaultWeightDecay;
        InitialLearningRate = LearningRate;
        FirstIndex = firstIndex;
        Owner = owner;
    }
}
