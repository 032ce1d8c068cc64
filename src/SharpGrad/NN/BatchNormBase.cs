namespace SharpGrad.NN;

/// <summary>
/// Batch normalisation over the channels (dim 1) of an (N, C, *) input — what <see cref="BatchNorm1d"/> and
/// <see cref="BatchNorm2d"/> share, like PyTorch's <c>_BatchNorm</c>; subclasses only say which ranks they accept.
/// <para>
/// Training mode: normalise with the batch mean and biased batch variance (over every dim but C), then update the running
/// statistics: running_mean ← (1 − m)·running_mean + m·mean and running_var ← (1 − m)·running_var + m·var_unbiased, and
/// count <c>num_batches_tracked</c>. With momentum null the update is a cumulative average (m = 1/num_batches_tracked).
/// Evaluation mode: normalise with the running statistics (batch statistics if they are not tracked). Whether γ and β are
/// trainable (RequiresGrad) does not change which statistics are used, as in PyTorch; <see cref="Module.Training"/> does, and so
/// does <see cref="Module.Freeze"/>: a frozen BatchNorm uses its running statistics in training mode too (Keras' <c>trainable = False</c>).
/// </para>
/// γ starts at 1, β at 0, running_mean at 0, running_var at 1.
/// </summary>
public abstract class BatchNormBase : Module
{
    /// <summary>Scale γ, shape (C), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>Shift β, shape (C), or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Running mean, shape (C) (buffer), or null when not tracked.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>Running (unbiased) variance, shape (C) (buffer), or null when not tracked.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>Number of training batches seen, an Int64 scalar (buffer), or null when not tracked.</summary>
    public Tensor? NumBatchesTracked { get; }

    /// <summary>Number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance for stability.</summary>
    public double Eps { get; }

    /// <summary>Weight of each new batch in the running averages; null for a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>Creates the layer with PyTorch's defaults.</summary>
    protected BatchNormBase(int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), numFeatures, $"{GetType().Name}: num_features must be positive.");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.Ones(numFeatures)));
            Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(numFeatures)));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Ones(numFeatures));
            NumBatchesTracked = RegisterBuffer("num_batches_tracked", Tensor.Zeros([], DType.Int64));
        }
    }

    /// <summary>Resets running_mean to 0, running_var to 1 and num_batches_tracked to 0.</summary>
    public void ResetRunningStats()
    {
        if (RunningMean is null) return;
        Init.Zeros(RunningMean);
        Init.Ones(RunningVar!);
        Init.Zeros(NumBatchesTracked!);
    }

    /// <summary>Resets the running statistics and sets γ to 1 and β to 0.</summary>
    public void ResetParameters()
    {
        ResetRunningStats();
        if (Weight is not null) Init.Ones(Weight);
        if (Bias is not null) Init.Zeros(Bias);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (!AcceptsRank(input.Rank) || input.Shape[1] != NumFeatures)
            throw new ShapeMismatchException($"{GetType().Name}: expected input of shape {ExpectedShape}, got {Shape.Format(input.Shape)}.");
        double factor = Momentum ?? 0;
        bool batchStatistics = Training && !IsFrozen; // a frozen BatchNorm normalises as in evaluation (Keras' trainable = False)
        bool track = batchStatistics && NumBatchesTracked is not null;
        double tracked = track ? NumBatchesTracked!.Item() + 1 : 0;
        if (track && Momentum is null) factor = 1.0 / tracked;
        Tensor output = Functional.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, training: batchStatistics, momentum: factor, eps: Eps);
        if (track)
            using (Autograd.NoGrad()) NumBatchesTracked!.Fill(tracked);
        return output;
    }

    /// <summary>Whether an input of this rank is accepted (C is always dim 1).</summary>
    protected abstract bool AcceptsRank(int rank);

    /// <summary>The accepted input shapes, for error messages, e.g. "(N, 64, H, W)".</summary>
    protected abstract string ExpectedShape { get; }

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{NumFeatures}, eps={PyRepr.Float(Eps)}, momentum={(Momentum is double m ? PyRepr.Float(m) : "None")}, " +
        $"affine={PyRepr.Bool(Weight is not null)}, track_running_stats={PyRepr.Bool(RunningMean is not null)}";
}
