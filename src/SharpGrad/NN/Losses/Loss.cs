namespace SharpGrad.NN;

/// <summary>
/// A loss as an object, like <c>torch.nn.MSELoss</c> and friends: the configuration (reduction, weights, …) is fixed at
/// construction and <see cref="Forward"/> is a thin call into <see cref="Losses"/>.
/// </summary>
public abstract class Loss
{
    /// <summary>Creates a loss with the given reduction.</summary>
    protected Loss(Reduction reduction) => Reduction = reduction;

    /// <summary>How per-element losses are reduced: mean (default), sum or none.</summary>
    public Reduction Reduction { get; }

    /// <summary>Computes the loss of <paramref name="input"/> (predictions or logits) against <paramref name="target"/>.</summary>
    public abstract Tensor Forward(Tensor input, Tensor target);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}(reduction={Reduction.ToString().ToLowerInvariant()})";
}

/// <summary>Mean squared error (x − y)², like <c>torch.nn.MSELoss</c>. See <see cref="Losses.MseLoss"/>.</summary>
/// <param name="reduction">Mean (default), sum or none.</param>
public sealed class MSELoss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.MseLoss(input, target, Reduction);
}

/// <summary>Mean absolute error |x − y|, like <c>torch.nn.L1Loss</c>. See <see cref="Losses.L1Loss"/>.</summary>
/// <param name="reduction">Mean (default), sum or none.</param>
public sealed class L1Loss(Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.L1Loss(input, target, Reduction);
}

/// <summary>Smooth L1 (quadratic below β, linear above), like <c>torch.nn.SmoothL1Loss</c>. See <see cref="Losses.SmoothL1Loss"/>.</summary>
/// <param name="reduction">Mean (default), sum or none.</param>
/// <param name="beta">Where the loss turns from quadratic to linear (≥ 0; 0 gives L1).</param>
public sealed class SmoothL1Loss(Reduction reduction = Reduction.Mean, double beta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Beta { get; } = beta;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.SmoothL1Loss(input, target, Reduction, Beta);
}

/// <summary>Huber loss (quadratic below δ, δ-sloped linear above), like <c>torch.nn.HuberLoss</c>. See <see cref="Losses.HuberLoss"/>.</summary>
/// <param name="reduction">Mean (default), sum or none.</param>
/// <param name="delta">Where the loss turns from quadratic to linear (&gt; 0).</param>
public sealed class HuberLoss(Reduction reduction = Reduction.Mean, double delta = 1.0) : Loss(reduction)
{
    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; } = delta;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.HuberLoss(input, target, Reduction, Delta);
}

/// <summary>Binary cross-entropy of probabilities, like <c>torch.nn.BCELoss</c>. See <see cref="Losses.BinaryCrossEntropy"/>.</summary>
/// <param name="weight">Optional per-element weight, broadcast to the input's shape.</param>
/// <param name="reduction">Mean (default), sum or none.</param>
public sealed class BCELoss(Tensor? weight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Per-element weight (broadcast to the input), or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.BinaryCrossEntropy(input, target, Weight, Reduction);
}

/// <summary>
/// Binary cross-entropy of logits with a stable log-sigmoid, like <c>torch.nn.BCEWithLogitsLoss</c>.
/// See <see cref="Losses.BinaryCrossEntropyWithLogits"/>.
/// </summary>
/// <param name="weight">Optional per-element weight, broadcast to the input's shape.</param>
/// <param name="posWeight">Optional weight of positive examples, broadcast to the input's shape (typically (C)).</param>
/// <param name="reduction">Mean (default), sum or none.</param>
public sealed class BCEWithLogitsLoss(Tensor? weight = null, Tensor? posWeight = null, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Per-element weight (broadcast to the input), or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Weight of positive examples (broadcast to the input), or null.</summary>
    public Tensor? PosWeight { get; } = posWeight;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.BinaryCrossEntropyWithLogits(input, target, Weight, PosWeight, Reduction);
}

/// <summary>
/// Cross-entropy from logits (fused stable log-softmax + NLL), like <c>torch.nn.CrossEntropyLoss</c>: Int64 class indices
/// or class probabilities as targets. See <see cref="Losses.CrossEntropy"/>.
/// </summary>
/// <param name="weight">Optional class weights, shape (C).</param>
/// <param name="ignoreIndex">Target value whose rows are skipped (class-index targets only).</param>
/// <param name="labelSmoothing">ε in [0, 1]: the target becomes (1 − ε)·onehot + ε/C.</param>
/// <param name="reduction">Mean (default; weighted mean over non-ignored rows), sum or none.</param>
public sealed class CrossEntropyLoss(Tensor? weight = null, long ignoreIndex = Losses.DefaultIgnoreIndex, double labelSmoothing = 0,
    Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Class weights (C), or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Target value that is ignored.</summary>
    public long IgnoreIndex { get; } = ignoreIndex;

    /// <summary>Label smoothing ε.</summary>
    public double LabelSmoothing { get; } = labelSmoothing;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.CrossEntropy(input, target, Weight, IgnoreIndex, LabelSmoothing, Reduction);
}

/// <summary>Negative log-likelihood of log-probabilities, like <c>torch.nn.NLLLoss</c>. See <see cref="Losses.NllLoss"/>.</summary>
/// <param name="weight">Optional class weights, shape (C).</param>
/// <param name="ignoreIndex">Target value whose rows are skipped.</param>
/// <param name="reduction">Mean (default; weighted mean over non-ignored rows), sum or none.</param>
public sealed class NLLLoss(Tensor? weight = null, long ignoreIndex = Losses.DefaultIgnoreIndex, Reduction reduction = Reduction.Mean) : Loss(reduction)
{
    /// <summary>Class weights (C), or null.</summary>
    public Tensor? Weight { get; } = weight;

    /// <summary>Target value that is ignored.</summary>
    public long IgnoreIndex { get; } = ignoreIndex;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input, Tensor target) => Losses.NllLoss(input, target, Weight, IgnoreIndex, Reduction);
}
