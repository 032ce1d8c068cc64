namespace SharpGrad.NN;

/// <summary>
/// Layer computations as plain functions of tensors, like <c>torch.nn.functional</c>; the layer classes are thin wrappers
/// over these. BatchNorm is composed from differentiable primitives (mean, var, sub, div, sqrt), so its gradients come from
/// autograd; LayerNorm runs a fused kernel (<see cref="Kernels.LayerNormKernel"/>) with a hand-written backward, tested
/// against the composed form it replaced. Both are checked by the gradcheck table.
/// </summary>
public static partial class Functional
{
    /// <summary>
    /// Layer normalisation over the trailing dims given by <paramref name="normalizedShape"/>:
    /// y = (x − E[x]) / √(Var[x] + ε) · weight + bias, with the biased variance, like <c>F.layer_norm</c>.
    /// One fused kernel pass forward (saving each row's mean and 1/√(Var + ε)) and one graph node, "LayerNormBackward",
    /// whose hand-written backward gives the input, weight and bias gradients (see <see cref="Kernels.LayerNormKernel"/>).
    /// Inputs of mixed precision are computed in float64.
    /// </summary>
    /// <param name="input">(*, normalizedShape…).</param>
    /// <param name="normalizedShape">The trailing shape to normalise over.</param>
    /// <param name="weight">Scale of shape normalizedShape, or null.</param>
    /// <param name="bias">Shift of shape normalizedShape, or null.</param>
    /// <param name="eps">Added to the variance for stability.</param>
    /// <exception cref="ShapeMismatchException">When the input's trailing dims differ from normalizedShape.</exception>
    /// <exception cref="DTypeMismatchException">When a tensor is not floating-point.</exception>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        CheckLayerNorm(input, normalizedShape, weight, bias);
        input.RequireFloating("LayerNorm");
        weight?.RequireFloating("LayerNorm");
        bias?.RequireFloating("LayerNorm");
        if (input.DType != (weight?.DType ?? input.DType) || input.DType != (bias?.DType ?? input.DType))
        {
            // Mixed precision: compute in float64, as type promotion would.
            return LayerNorm(input.To(DType.Float64), normalizedShape, weight?.To(DType.Float64), bias?.To(DType.Float64), eps);
        }
        int d = Shape.Numel(normalizedShape);
        if (d == 0)
        {
            // Nothing to normalise over: like the composed form, every element is NaN (an empty mean); there are none.
            return LayerNormReference(input, normalizedShape, weight, bias, eps);
        }
        Tensor x = input.ContiguousRaw(), w = weight?.ContiguousRaw()!, b = bias?.ContiguousRaw()!;
        int rows = input.Numel / d;
        var y = new Tensor(Storage.AllocateUninitialized(input.DType, input.Numel), input.ShapeArray);
        var mean = new Tensor(Storage.Allocate(input.DType, rows), [rows]);
        var rstd = new Tensor(Storage.Allocate(input.DType, rows), [rows]);
        if (input.DType == DType.Float32) LayerNormForward<float>(x, w, b, d, eps, y, mean, rstd);
        else LayerNormForward<double>(x, w, b, d, eps, y, mean, rstd);
        Tensor[] inputs = weight is null ? bias is null ? [input] : [input, bias] : bias is null ? [input, weight] : [input, weight, bias];
        Tensor[] saved = weight is null ? [x] : [x, w];
        return y.Record("LayerNormBackward", inputs, g =>
        {
            Tensor gc = g.DType == input.DType ? g.ContiguousRaw() : g.To(input.DType).ContiguousRaw();
            Tensor? dx = input.RequiresGrad ? new Tensor(Storage.AllocateUninitialized(input.DType, input.Numel), input.ShapeArray) : null;
            Tensor? dw = weight is not null && weight.RequiresGrad ? new Tensor(Storage.Allocate(input.DType, d), weight.ShapeArray) : null;
            Tensor? db = bias is not null && bias.RequiresGrad ? new Tensor(Storage.Allocate(input.DType, d), bias.ShapeArray) : null;
            if (input.DType == DType.Float32) LayerNormBackward<float>(x, w, mean, rstd, gc, d, dx, dw, db);
            else LayerNormBackward<double>(x, w, mean, rstd, gc, d, dx, dw, db);
            return weight is null ? bias is null ? [dx] : [dx, db] : bias is null ? [dx, dw] : [dx, dw, db];
        }, saved);
    }

    private static void LayerNormForward<T>(Tensor x, Tensor? w, Tensor? b, int d, double eps, Tensor y, Tensor mean, Tensor rstd)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Kernels.LayerNormKernel.Forward<T>(x.Memory<T>(), w is null ? default : w.Memory<T>(), b is null ? default : b.Memory<T>(), d,
            T.CreateTruncating(eps), y.Memory<T>(), mean.Memory<T>(), rstd.Memory<T>());

    private static void LayerNormBackward<T>(Tensor x, Tensor? w, Tensor mean, Tensor rstd, Tensor g, int d, Tensor? dx, Tensor? dw, Tensor? db)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        Kernels.LayerNormKernel.Backward<T>(x.Memory<T>(), w is null ? default : w.Memory<T>(), mean.Memory<T>(), rstd.Memory<T>(), g.Memory<T>(), d,
            dx is null ? default : dx.Memory<T>(), dw is null ? default : dw.Memory<T>(), db is null ? default : db.Memory<T>());

    /// <summary>
    /// <see cref="LayerNorm"/> composed from differentiable primitives (mean, var, sub, div, sqrt, mul, add): the reference
    /// the fused kernel is tested against.
    /// </summary>
    internal static Tensor LayerNormReference(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        CheckLayerNorm(input, normalizedShape, weight, bias);
        int k = normalizedShape.Length;
        int[] dims = Enumerable.Range(input.Rank - k, k).ToArray();
        Tensor mean = input.Mean(dims, keepDim: true);
        Tensor variance = input.Var(dims, correction: 0, keepDim: true);
        Tensor y = (input - mean) / (variance + eps).Sqrt();
        if (weight is not null) y = y * weight;
        if (bias is not null) y = y + bias;
        return y;
    }

    private static void CheckLayerNorm(Tensor input, int[] normalizedShape, Tensor? weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        if (k == 0) throw new ArgumentException("LayerNorm: normalizedShape must have at least one dimension.", nameof(normalizedShape));
        if (input.Rank < k || !Shape.Equal(input.Shape[(input.Rank - k)..], normalizedShape))
            throw new ShapeMismatchException("LayerNorm", input.Shape, normalizedShape, "the input's trailing dimensions must equal normalized_shape");
        CheckParam(weight, normalizedShape, "LayerNorm", "weight");
        CheckParam(bias, normalizedShape, "LayerNorm", "bias");
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
