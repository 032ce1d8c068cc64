namespace SharpGrad.NN;

/// <summary>
/// Layer computations as plain functions of tensors, like <c>torch.nn.functional</c>; the layer classes are thin wrappers
/// over these. BatchNorm and LayerNorm are composed from differentiable primitives (mean, var, sub, div, sqrt), so their
/// gradients come from autograd and are checked by the gradcheck table; a fused kernel can replace them later.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// Layer normalisation over the trailing dims given by <paramref name="normalizedShape"/>:
    /// y = (x − E[x]) / √(Var[x] + ε) · weight + bias, with the biased variance, like <c>F.layer_norm</c>.
    /// </summary>
    /// <param name="input">(*, normalizedShape…).</param>
    /// <param name="normalizedShape">The trailing shape to normalise over.</param>
    /// <param name="weight">Scale of shape normalizedShape, or null.</param>
    /// <param name="bias">Shift of shape normalizedShape, or null.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <exception cref="ShapeMismatchException">When the input's trailing dims differ from normalizedShape.</exception>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        if (k == 0) throw new ArgumentException("LayerNorm: normalizedShape must have at least one dimension.", nameof(normalizedShape));
        if (input.Rank < k || !Shape.Equal(input.Shape[(input.Rank - k)..], normalizedShape))
            throw new ShapeMismatchException("LayerNorm", input.Shape, normalizedShape, "the input's trailing dimensions must equal normalized_shape");
        CheckParam(weight, normalizedShape, "LayerNorm", "weight");
        CheckParam(bias, normalizedShape, "LayerNorm", "bias");
        int[] dims = Enumerable.Range(input.Rank - k, k).ToArray();
        Tensor mean = input.Mean(dims, keepDim: true);
        Tensor variance = input.Var(dims, correction: 0, keepDim: true);
        Tensor y = (input - mean) / (variance + eps).Sqrt();
        if (weight is not null) y = y * weight;
        if (bias is not null) y = y + bias;
        return y;
    }

    /// <summary>
    /// Batch normalisation over the channel dim 1 of an (N, C), (N, C, L) or (N, C, H, W) input (any (N, C, *)), like
    /// <c>F.batch_norm</c>; statistics are taken over every dim but 1.
    /// Training (or no running statistics): normalise with the batch mean and the biased batch variance over N (and L); when
    /// running statistics are given, update them in place as running ← (1 − momentum)·running + momentum·batch, using the
    /// <em>unbiased</em> batch variance for the running variance. Evaluation: normalise with the running statistics.
    /// </summary>
    /// <param name="input">(N, C, *): (N, C), (N, C, L) or (N, C, H, W).</param>
    /// <param name="runningMean">(C) running mean (updated in training), or null.</param>
    /// <param name="runningVar">(C) running variance (updated in training), or null.</param>
    /// <param name="weight">(C) scale γ, or null.</param>
    /// <param name="bias">(C) shift β, or null.</param>
    /// <param name="training">Use batch statistics (and update the running ones).</param>
    /// <param name="momentum">Weight of the new batch in the running average.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2)
            throw new ShapeMismatchException($"BatchNorm: expected an input (N, C, *) of at least 2 dims, got shape {Shape.Format(input.Shape)}.");
        int c = input.Shape[1];
        int[] channelShape = [c];
        CheckParam(runningMean, channelShape, "BatchNorm", "running_mean");
        CheckParam(runningVar, channelShape, "BatchNorm", "running_var");
        CheckParam(weight, channelShape, "BatchNorm", "weight");
        CheckParam(bias, channelShape, "BatchNorm", "bias");
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException("BatchNorm: give both running_mean and running_var, or neither.");
        // Per-channel tensors of shape (C) broadcast against (N, C) directly, against (N, C, L) as (C, 1), (N, C, H, W) as (C, 1, 1).
        int[] perChannelShape = [c, .. Enumerable.Repeat(1, input.Rank - 2)];
        Tensor PerChannel(Tensor t) => input.Rank > 2 ? t.Reshape(perChannelShape) : t;
        int[] dims = [0, .. Enumerable.Range(2, input.Rank - 2)];
        Tensor y;
        if (training || runningMean is null)
        {
            int n = input.Numel / Math.Max(c, 1);
            if (training && n <= 1)
                throw new ArgumentException($"BatchNorm: expected more than 1 value per channel when training, got input shape {Shape.Format(input.Shape)}.");
            Tensor mean = input.Mean(dims, keepDim: true);                    // (1, C) or (1, C, 1)
            Tensor variance = input.Var(dims, correction: 0, keepDim: true);  // biased, for normalisation
            y = (input - mean) / (variance + eps).Sqrt();
            if (training && runningMean is not null)
            {
                using var _ = Autograd.NoGrad();
                Tensor batchMean = mean.Reshape(c), unbiased = variance.Reshape(c).MulScalar((double)n / (n - 1));
                runningMean.CopyFrom(runningMean.MulScalar(1 - momentum) + batchMean.MulScalar(momentum));
                runningVar!.CopyFrom(runningVar.MulScalar(1 - momentum) + unbiased.MulScalar(momentum));
            }
        }
        else
        {
            y = (input - PerChannel(runningMean)) / (PerChannel(runningVar!) + eps).Sqrt();
        }
        if (weight is not null) y = y * PerChannel(weight);
        if (bias is not null) y = y + PerChannel(bias);
        return y;
    }

    /// <summary>
    /// Embedding lookup: rows of <paramref name="weight"/> (num_embeddings, embedding_dim) picked by Int64
    /// <paramref name="ids"/> of any shape; result ids.shape + (embedding_dim). Positions holding <paramref name="paddingIdx"/>
    /// return that row's values but send no gradient into it, like <c>F.embedding(padding_idx=…)</c>.
    /// </summary>
    public static Tensor Embedding(Tensor ids, Tensor weight, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(weight);
        if (ids.DType != DType.Int64)
            throw new DTypeMismatchException($"Embedding: indices must be Int64, got {ids.DType} with shape {Shape.Format(ids.Shape)}.");
        Tensor output = weight.Embedding(ids); // (*ids, D)
        if (paddingIdx is not int pad) return output;
        if (pad < 0) pad += weight.Shape[0];
        // Select the detached copy at padding positions: same values, no gradient path to the padding row.
        Tensor mask = ids.Eq(pad).Unsqueeze(-1);
        return Tensor.Where(mask, output.Detach(), output);
    }

    private static void CheckParam(Tensor? t, int[] expected, string op, string name)
    {
        if (t is not null && !Shape.Equal(t.Shape, expected))
            throw new ShapeMismatchException(op, t.Shape, expected, $"{name} must have shape {Shape.Format(expected)}");
    }
}
