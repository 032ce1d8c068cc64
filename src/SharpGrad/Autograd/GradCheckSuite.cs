namespace SharpGrad;

/// <summary>One row of the gradient self-audit: an op, the situation it is checked in, and the function and inputs to check.</summary>
/// <param name="Op">The op's name (e.g. "Add").</param>
/// <param name="Case">What this case exercises (e.g. "broadcast (3,1)+(1,4)").</param>
/// <param name="Function">The function of the inputs whose gradient is checked.</param>
/// <param name="Inputs">Float64 inputs (Int64 inputs are indices and are not perturbed).</param>
/// <param name="Eps">Finite-difference step.</param>
public sealed record GradCheckCase(string Op, string Case, Func<Tensor[], Tensor> Function, Tensor[] Inputs, double Eps = 1e-6)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Op}: {Case}";
}

/// <summary>
/// The table of every differentiable op checked against finite differences in float64: scalars, broadcasting both ways,
/// non-contiguous views, ties, −inf rows. The test suite runs it case by case; <c>sharpgrad gradcheck</c> prints it.
/// </summary>
public static class GradCheckSuite
{
    /// <summary>All cases, in a stable order. Inputs are drawn from a fixed seed.</summary>
    public static IReadOnlyList<GradCheckCase> Cases()
    {
        var gen = new Generator(2024);
        Tensor R(params int[] s) => Tensor.Uniform(s, -1, 1, gen, DType.Float64);       // general values
        Tensor P(params int[] s) => Tensor.Uniform(s, 0.5, 2, gen, DType.Float64);      // positive, away from 0
        Tensor Away(params int[] s) => Tensor.Uniform(s, 0.2, 1, gen, DType.Float64).Mul(Tensor.RandInt(0, 2, s, gen).To(DType.Float64).MulScalar(2).AddScalar(-1)); // |x| ≥ 0.2
        Tensor D(double[] v, params int[] s) => Tensor.FromArray(v, s);
        Tensor I(long[] v, params int[] s) => Tensor.FromArray(v, s);
        var negInf = double.NegativeInfinity;
        var cases = new List<GradCheckCase>();
        void Add(string op, string c, Func<Tensor[], Tensor> f, params Tensor[] inputs) => cases.Add(new GradCheckCase(op, c, f, inputs));

        // arithmetic
        Add("Add", "same shape", x => x[0] + x[1], R(3, 4), R(3, 4));
        Add("Add", "broadcast (3,4)+(4)", x => x[0] + x[1], R(3, 4), R(4));
        Add("Add", "broadcast both ways (3,1)+(1,4)", x => x[0] + x[1], R(3, 1), R(1, 4));
        Add("Add", "scalar () + (3)", x => x[0] + x[1], R(), R(3));
        Add("Add", "scalar constant", x => x[0] + 2.5, R(2, 3));
        Add("Add", "same tensor twice (diamond)", x => x[0] + x[0], R(3));
        Add("Sub", "broadcast (2,3,1)-(3,4)", x => x[0] - x[1], R(2, 3, 1), R(3, 4));
        Add("Sub", "scalar constant minus tensor", x => 1.5 - x[0], R(4));
        Add("Mul", "same shape", x => x[0] * x[1], R(3, 4), R(3, 4));
        Add("Mul", "broadcast (4,1)*(3)", x => x[0] * x[1], R(4, 1), R(3));
        Add("Mul", "non-contiguous transpose", x => x[0].Transpose(0, 1) * x[1], R(4, 3), R(3, 4));
        Add("Mul", "scalar () * (2,2)", x => x[0] * x[1], R(), R(2, 2));
        Add("Div", "same shape", x => x[0] / x[1], R(3, 4), P(3, 4));
        Add("Div", "broadcast (3,4)/(3,1)", x => x[0] / x[1], R(3, 4), P(3, 1));
        Add("Div", "scalar constant / tensor", x => 2.0 / x[0], P(5));
        Add("Neg", "matrix", x => -x[0], R(2, 3));
        Add("Pow", "tensor ** 2", x => x[0].Pow(2), R(3, 2));
        Add("Pow", "tensor ** 0.5 (positive base)", x => x[0].Pow(0.5), P(4));
        Add("Pow", "tensor ** -1.5", x => x[0].Pow(-1.5), P(4));
        Add("Pow", "tensor ** tensor, broadcast", x => x[0].Pow(x[1]), P(3, 2), R(2));
        Add("Exp", "matrix", x => x[0].Exp(), R(3, 4));
        Add("Exp", "non-contiguous slice", x => x[0].Slice(1, 0, 4, 2).Exp(), R(3, 4));
        Add("Log", "positive", x => x[0].Log(), P(3, 4));
        Add("Sqrt", "positive", x => x[0].Sqrt(), P(3, 4));
        Add("Abs", "away from 0", x => x[0].Abs(), Away(3, 4));
        Add("Clamp", "both bounds (values off the bounds)", x => x[0].Clamp(-0.5, 0.5), D([-0.9, -0.3, 0.1, 0.45, 0.8, -0.7], 6));
        Add("Clamp", "min only", x => x[0].Clamp(min: 0.0), Away(5));
        Add("Maximum", "broadcast", x => x[0].Maximum(x[1]), R(3, 4), R(4));
        Add("Maximum", "ties split the gradient", x => x[0].Maximum(x[1]), D([1, 2, 3], 3), D([1, 0, 3], 3));
        Add("Minimum", "broadcast", x => x[0].Minimum(x[1]), R(3, 1), R(3, 4));
        Add("Minimum", "ties split the gradient", x => x[0].Minimum(x[1]), D([-1, 2], 2), D([-1, 5], 2));

        // activations
        Add("Relu", "away from 0", x => x[0].Relu(), Away(3, 4));
        Add("LeakyRelu", "slope 0.1", x => x[0].LeakyRelu(0.1), Away(3, 4));
        Add("Sigmoid", "matrix", x => x[0].Sigmoid(), R(3, 4).MulScalar(4));
        Add("Tanh", "matrix", x => x[0].Tanh(), R(3, 4).MulScalar(3));
        Add("Gelu", "exact (erf)", x => x[0].Gelu(), R(3, 4).MulScalar(4));
        Add("Gelu", "tanh approximation", x => x[0].Gelu("tanh"), R(3, 4).MulScalar(4));
        Add("Softmax", "last dim", x => x[0].Softmax(-1), R(3, 5).MulScalar(3));
        Add("Softmax", "dim 0", x => x[0].Softmax(0), R(3, 5));
        Add("Softmax", "rows with -inf (masked)", x => x[0].Softmax(1), D([0.3, negInf, 1.2, negInf, 0.1, -0.4, negInf, negInf, negInf], 3, 3));
        Add("Softmax", "3-D, middle dim, non-contiguous", x => x[0].Permute(2, 0, 1).Softmax(1), R(2, 3, 4));
        Add("LogSoftmax", "last dim", x => x[0].LogSoftmax(-1), R(4, 6).MulScalar(3));
        Add("LogSoftmax", "dim 0", x => x[0].LogSoftmax(0), R(4, 3));
        Add("LogSoftmax", "rows with -inf, masked after", x => x[0].LogSoftmax(1).MaskedFill(x[1], 0),
            D([0.3, negInf, 1.2, -2, 0.1, negInf], 2, 3), D([0, 1, 0, 0, 0, 1], 2, 3));
        Add("Dropout", "p=0.3, seeded mask", x => x[0].Dropout(0.3, training: true, new Generator(7)), R(4, 5));

        // reductions
        Add("Sum", "all", x => x[0].Sum(), R(3, 4));
        Add("Sum", "dim 1", x => x[0].Sum(1), R(3, 4));
        Add("Sum", "dims (0,2) keepdim", x => x[0].Sum([0, 2], keepDim: true), R(2, 3, 4));
        Add("Sum", "scalar input", x => x[0].Sum(), R());
        Add("Sum", "non-contiguous", x => x[0].Transpose(0, 1).Sum(1), R(3, 4));
        Add("Mean", "all", x => x[0].Mean(), R(3, 4));
        Add("Mean", "dim -1 keepdim", x => x[0].Mean(-1, keepDim: true), R(3, 4));
        Add("Max", "dim 1", x => x[0].Max(1), R(3, 4));
        Add("Max", "all", x => x[0].Max(), R(3, 4));
        Add("Max", "ties share the gradient", x => x[0].Max(1, keepDim: true), D([1, 3, 3, 0, -1, 2, -1, 2], 2, 4));
        Add("Min", "dim 0", x => x[0].Min(0), R(3, 4));
        Add("Min", "ties share the gradient", x => x[0].Min(), D([0.5, -2, 1, -2], 4));
        Add("Var", "dim 1 unbiased", x => x[0].Var(1), R(3, 5));
        Add("Var", "all, population (correction 0)", x => x[0].Var([0, 1], correction: 0), R(3, 4));

        // matrix products
        Add("MatMul", "2-D", x => x[0].MatMul(x[1]), R(3, 4), R(4, 5));
        Add("MatMul", "1-D dot", x => x[0].MatMul(x[1]), R(4), R(4));
        Add("MatMul", "2-D · 1-D", x => x[0].MatMul(x[1]), R(3, 4), R(4));
        Add("MatMul", "1-D · 2-D", x => x[0].MatMul(x[1]), R(4), R(4, 3));
        Add("MatMul", "batched with broadcasting (2,1,3,4)·(3,4,2)", x => x[0].MatMul(x[1]), R(2, 1, 3, 4), R(3, 4, 2));
        Add("MatMul", "transposed views (no copy)", x => x[0].Transpose(0, 1).MatMul(x[1].Transpose(0, 1)), R(4, 3), R(5, 4));
        Add("Linear", "with bias", x => Tensor.Linear(x[0], x[1], x[2]), R(5, 3), R(4, 3), R(4));
        Add("Linear", "no bias, 3-D input", x => Tensor.Linear(x[0], x[1]), R(2, 3, 4), R(2, 4));

        // shape and indexing
        Add("Reshape", "(3,4) to (2,6)", x => x[0].Reshape(2, 6) * x[1], R(3, 4), R(2, 6));
        Add("Transpose", "then contiguous", x => x[0].Transpose(0, 2).Contiguous() * x[1], R(2, 3, 4), R(4, 3, 2));
        Add("Permute", "(2,0,1)", x => x[0].Permute(2, 0, 1) * x[1], R(2, 3, 4), R(4, 2, 3));
        Add("Squeeze", "dim 1", x => x[0].Squeeze(1) * x[1], R(3, 1, 2), R(3, 2));
        Add("Unsqueeze", "dim 0", x => x[0].Unsqueeze(0) * x[1], R(3), R(2, 3));
        Add("Narrow", "dim 1 [1,3)", x => x[0].Narrow(1, 1, 2) * x[1], R(3, 4), R(3, 2));
        Add("Slice", "step 2", x => x[0].Slice(0, 1, null, 2) * x[1], R(5, 2), R(2, 2));
        Add("Expand", "(3,1) to (3,4)", x => x[0].Expand(3, 4) * x[1], R(3, 1), R(3, 4));
        Add("Concat", "dim 1", x => Tensor.Concat([x[0], x[1]], 1) * x[2], R(2, 3), R(2, 2), R(2, 5));
        Add("Stack", "dim 0", x => Tensor.Stack([x[0], x[1]]) * x[2], R(3), R(3), R(2, 3));
        Add("Split", "sizes (1,3)", x => x[0].Split([1, 3], 1)[1] * x[1], R(2, 4), R(2, 3));
        Add("Chunk", "3 chunks", x => x[0].Chunk(3)[2] * x[1], R(6, 2), R(2, 2));
        Add("IndexSelect", "repeated indices accumulate", x => x[0].IndexSelect(0, x[1]) * x[2], R(4, 3), I([2, 0, 2], 3), R(3, 3));
        Add("Embedding", "ids (2,3)", x => x[0].Embedding(x[1]) * x[2], R(5, 2), I([1, 4, 1, 0, 2, 4], 2, 3), R(2, 3, 2));
        Add("Gather", "pick target logits", x => x[0].Gather(1, x[1]) * x[2], R(3, 5), I([4, 0, 2], 3, 1), R(3, 1));
        Add("MaskedFill", "broadcast mask", x => x[0].MaskedFill(x[1], -3) * x[2], R(3, 4), D([1, 0, 0, 1], 4), R(3, 4));
        Add("Where", "broadcast condition", x => Tensor.Where(x[2], x[0], x[1]), R(3, 4), R(4), D([1, 0, 1], 3, 1));
        Add("Contiguous", "of a permuted view", x => x[0].Permute(1, 0).Contiguous().Exp(), R(3, 2));
        cases.Add(new GradCheckCase("To", "float64 → float32 → float64 (step 1e-2)", x => x[0].To(DType.Float32).To(DType.Float64) * 2, [D([0.5, 0.25, -1], 3)], Eps: 1e-2));

        // losses
        Add("MseLoss", "mean", x => NN.Losses.MseLoss(x[0], x[1]), R(4, 3), R(4, 3));
        Add("L1Loss", "mean, input and target", x => NN.Losses.L1Loss(x[0], x[1]), Away(4, 3), D(new double[12], 4, 3));
        Add("L1Loss", "none", x => NN.Losses.L1Loss(x[0], x[1], NN.Reduction.None), Away(3, 2), D(new double[6], 3, 2));
        Add("SmoothL1Loss", "sum, beta 0.5, both branches", x => NN.Losses.SmoothL1Loss(x[0], x[1], NN.Reduction.Sum, 0.5),
            D([-0.9, -0.3, 0.1, 0.45, 0.8, -0.7], 6), D([0.1, 0.0, -0.1, 0.2, -0.3, 0.0], 6));
        Add("HuberLoss", "mean, delta 0.4, both branches", x => NN.Losses.HuberLoss(x[0], x[1], NN.Reduction.Mean, 0.4),
            D([-0.9, -0.3, 0.1, 0.45, 0.8, -0.7], 2, 3), D([0.1, 0.0, -0.1, 0.2, -0.3, 0.0], 2, 3));
        Add("BCELoss", "mean, probabilities and soft targets", x => NN.Losses.BinaryCrossEntropy(x[0], x[1]),
            Tensor.Uniform([3, 4], 0.1, 0.9, gen, DType.Float64), Tensor.Uniform([3, 4], 0, 1, gen, DType.Float64));
        Add("BCELoss", "none, weight (4)", x => NN.Losses.BinaryCrossEntropy(x[0], x[1], D([0.5, 1, 2, 0.1], 4), NN.Reduction.None),
            Tensor.Uniform([3, 4], 0.1, 0.9, gen, DType.Float64), Tensor.Uniform([3, 4], 0, 1, gen, DType.Float64));
        Add("BCEWithLogitsLoss", "mean, large logits", x => NN.Losses.BinaryCrossEntropyWithLogits(x[0], x[1]), R(3, 4).MulScalar(8), Tensor.Uniform([3, 4], 0, 1, gen, DType.Float64));
        Add("BCEWithLogitsLoss", "sum, weight and pos_weight (4)", x => NN.Losses.BinaryCrossEntropyWithLogits(x[0], x[1], D([1, 0.5, 2, 1], 4), D([3, 1, 0.5, 2], 4), NN.Reduction.Sum),
            R(3, 4).MulScalar(3), Tensor.Uniform([3, 4], 0, 1, gen, DType.Float64));
        Add("CrossEntropyLoss", "mean, class indices", x => NN.Losses.CrossEntropy(x[0], x[1]), R(4, 5).MulScalar(3), I([4, 0, 2, 2], 4));
        Add("CrossEntropyLoss", "weights, ignore_index, label smoothing 0.2", x => NN.Losses.CrossEntropy(x[0], x[1], D([1, 2, 0.5, 1.5], 4), ignoreIndex: 1, labelSmoothing: 0.2),
            R(5, 4).MulScalar(2), I([0, 1, 3, 2, 1], 5));
        Add("CrossEntropyLoss", "none, K-dim (2,3,2,2)", x => NN.Losses.CrossEntropy(x[0], x[1], reduction: NN.Reduction.None), R(2, 3, 2, 2), I([0, 2, 1, 1, 2, 0, 0, 1], 2, 2, 2));
        Add("CrossEntropyLoss", "non-contiguous logits (transposed)", x => NN.Losses.CrossEntropy(x[0].Transpose(0, 1), x[1], reduction: NN.Reduction.Sum), R(5, 3), I([1, 4, 0], 3));
        Add("CrossEntropyLoss", "probability targets, weight, smoothing 0.1", x => NN.Losses.CrossEntropy(x[0], x[1].Softmax(1), D([1, 2, 0.5], 3), labelSmoothing: 0.1),
            R(4, 3).MulScalar(2), R(4, 3));
        Add("CrossEntropyLoss", "-inf logit off the target", x => NN.Losses.CrossEntropy(x[0], x[1]), D([0.3, negInf, 1.2, -0.5, 0.1, 2.0], 2, 3), I([0, 2], 2));
        Add("NLLLoss", "mean, weights, ignore_index", x => NN.Losses.NllLoss(x[0].LogSoftmax(1), x[1], D([0.2, 1, 3], 3), ignoreIndex: 0), R(5, 3), I([0, 1, 2, 2, 1], 5));
        Add("NLLLoss", "none, K-dim (2,3,4)", x => NN.Losses.NllLoss(x[0], x[1], reduction: NN.Reduction.None), R(2, 3, 4), I([0, 2, 1, 1, 2, 0, 0, 1], 2, 4));

        // layers (functional forms of SharpGrad.NN's layers, composed from the primitives above)
        Add("LayerNorm", "last dim, affine", x => NN.Functional.LayerNorm(x[0], [5], x[1], x[2]), R(3, 5), R(5), R(5));
        Add("LayerNorm", "last two dims, no affine", x => NN.Functional.LayerNorm(x[0], [3, 4]), R(2, 3, 4));
        Add("LayerNorm", "non-contiguous input", x => NN.Functional.LayerNorm(x[0].Transpose(0, 1), [3], x[1], x[2], eps: 1e-3), R(3, 4), R(3), R(3));
        Add("LayerNorm", "weight only, 3-D input", x => NN.Functional.LayerNorm(x[0], [4], x[1]), R(2, 3, 4), R(4));
        Add("LayerNorm", "bias only", x => NN.Functional.LayerNorm(x[0], [6], bias: x[1]), R(2, 6), R(6));
        Add("LayerNorm", "last two dims, affine (2,3) weight and bias", x => NN.Functional.LayerNorm(x[0], [2, 3], x[1], x[2]), R(4, 2, 3), R(2, 3), R(2, 3));
        Add("LayerNorm", "one row of 33, affine", x => NN.Functional.LayerNorm(x[0], [33], x[1], x[2]), R(1, 33), R(33), R(33));
        Add("LayerNorm", "row of length 1 (x̂ = 0)", x => NN.Functional.LayerNorm(x[0], [1], x[1], x[2]), R(3, 1), R(1), R(1));
        Add("BatchNorm", "training (N,C), affine", x => NN.Functional.BatchNorm(x[0], null, null, x[1], x[2], training: true), R(5, 3), R(3), R(3));
        Add("BatchNorm", "training (N,C,L), affine", x => NN.Functional.BatchNorm(x[0], null, null, x[1], x[2], training: true), R(4, 3, 2), R(3), R(3));
        Add("BatchNorm", "eval with running stats (N,C,L)", x => NN.Functional.BatchNorm(x[0], x[1], x[2], x[3], x[4], training: false),
            R(2, 3, 4), R(3), P(3), R(3), R(3));
        Add("BatchNorm", "training (N,C,H,W), affine (BatchNorm2d)", x => NN.Functional.BatchNorm(x[0], null, null, x[1], x[2], training: true), R(3, 2, 3, 2), R(2), R(2));
        Add("BatchNorm", "eval with running stats (N,C,H,W)", x => NN.Functional.BatchNorm(x[0], x[1], x[2], x[3], x[4], training: false),
            R(2, 2, 2, 3), R(2), P(2), R(2), R(2));
        // The padding row's value does reach the output (only its gradient is blocked), so finite differences would see it:
        // mask the padding positions out, so that the check covers the other rows and the padding row's true gradient is 0.
        Add("Embedding", "padding_idx 0, padding positions masked", x => NN.Functional.Embedding(x[1], x[0], paddingIdx: 0).MaskedFill(x[3], 0) * x[2],
            R(4, 3), I([0, 2, 0, 3, 1, 2], 2, 3), R(2, 3, 3), D([1, 0, 1, 0, 0, 0], 2, 3, 1));

        // convolution and pooling (small shapes: each case is checked by central differences over every input element)
        Add("Conv2d", "3x3, bias", x => NN.Functional.Conv2d(x[0], x[1], x[2]), R(2, 2, 5, 4), R(3, 2, 3, 3), R(3));
        Add("Conv2d", "no bias, stride 2, padding 1", x => NN.Functional.Conv2d(x[0], x[1], stride: 2, padding: 1), R(1, 2, 5, 6), R(2, 2, 3, 3));
        Add("Conv2d", "non-square kernel 2x3, stride (2,1), padding (1,0)", x => NN.Functional.Conv2d(x[0], x[1], x[2], stride: (2, 1), padding: (1, 0)),
            R(2, 1, 5, 5), R(2, 1, 2, 3), R(2));
        Add("Conv2d", "dilation 2, padding 2", x => NN.Functional.Conv2d(x[0], x[1], x[2], padding: 2, dilation: 2), R(1, 2, 5, 5), R(2, 2, 3, 3), R(2));
        Add("Conv2d", "groups 2 (4 channels)", x => NN.Functional.Conv2d(x[0], x[1], x[2], groups: 2), R(2, 4, 4, 4), R(4, 2, 3, 3), R(4));
        Add("Conv2d", "padding same, even kernel (asymmetric)", x => NN.Functional.Conv2d(x[0], x[1], padding: "same"), R(1, 2, 4, 5), R(2, 2, 2, 4));
        Add("Conv2d", "1x1 kernel, non-contiguous input", x => NN.Functional.Conv2d(x[0].Transpose(2, 3), x[1], x[2]), R(2, 3, 3, 4), R(2, 3, 1, 1), R(2));
        Add("Conv2d", "unbatched (C,H,W), depthwise stride 2", x => NN.Functional.Conv2d(x[0], x[1], stride: 2, groups: 2), R(2, 5, 5), R(4, 1, 3, 3));
        Add("MaxPool2d", "2x2 (no ties)", x => NN.Functional.MaxPool2d(x[0], 2), R(2, 2, 4, 5));
        Add("MaxPool2d", "3x3 stride 2 padding 1 dilation 1, ceil mode", x => NN.Functional.MaxPool2d(x[0], 3, stride: 2, padding: 1, ceilMode: true), R(1, 2, 6, 7));
        Add("MaxPool2d", "2x2 dilation 2, overlapping windows", x => NN.Functional.MaxPool2d(x[0], 2, stride: 1, dilation: 2), R(1, 2, 5, 5));
        Add("AvgPool2d", "2x2", x => NN.Functional.AvgPool2d(x[0], 2), R(2, 2, 4, 5));
        Add("AvgPool2d", "3x3 stride 2 padding 1, count_include_pad", x => NN.Functional.AvgPool2d(x[0], 3, stride: 2, padding: 1), R(1, 2, 5, 6));
        Add("AvgPool2d", "3x3 stride 2 padding 1, exclude pad, ceil mode", x => NN.Functional.AvgPool2d(x[0], 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false), R(1, 2, 6, 5));
        Add("AdaptiveAvgPool2d", "global (1x1)", x => NN.Functional.AdaptiveAvgPool2d(x[0], 1), R(2, 3, 4, 5));
        Add("AdaptiveAvgPool2d", "5x7 to 3x4 (overlapping windows)", x => NN.Functional.AdaptiveAvgPool2d(x[0], (3, 4)), R(1, 2, 5, 7));
        Add("Dropout2d", "p=0.5, seeded channel mask", x => NN.Functional.Dropout2d(x[0], 0.5, training: true, new Generator(3)), R(3, 4, 2, 2));

        // recurrent: the parameters are passed as inputs (float64) and copied into the layer's parameters by Bind, so the
        // fused LSTM/GRU sequence kernels (hand-written BPTT) are checked with respect to input, initial states and weights
        static Tensor Bind(NN.Module m, Tensor[] x, int first)
        {
            Tensor[] ws = x[first..];
            if (m is NN.RNNBase rb) rb.Substitute = ws;
            else ((NN.RNNCellBase)m).Substitute = ws;
            return x[0];
        }
        static Tensor[] With(NN.Module m, Generator g, params Tensor[] leading) =>
            [.. leading, .. m.Parameters().Select(p => Tensor.Uniform(p.ShapeArray, -0.6, 0.6, g, DType.Float64))];
        {
            var lstmCell = new NN.LSTMCell(3, 2);
            Add("LSTMCell", "batch 2, initial (h, c)", x => { Bind(lstmCell, x, 3); var (h, c) = lstmCell.Forward(x[0], x[1], x[2]); return h + c.MulScalar(0.5); },
                With(lstmCell, gen, R(2, 3), R(2, 2), R(2, 2)));
            var gruCell = new NN.GRUCell(3, 2);
            Add("GRUCell", "batch 2, initial h", x => { Bind(gruCell, x, 2); return gruCell.Forward(x[0], x[1]); }, With(gruCell, gen, R(2, 3), R(2, 2)));
            var rnnCell = new NN.RNNCell(3, 2);
            Add("RNNCell", "tanh, batch 2", x => { Bind(rnnCell, x, 2); return rnnCell.Forward(x[0], x[1]); }, With(rnnCell, gen, R(2, 3), R(2, 2)));
            var lstm = new NN.LSTM(2, 2, numLayers: 2, batchFirst: true, bidirectional: true);
            Add("LSTM", "2 layers, bidirectional, batch_first, initial (h, c)", x =>
            {
                Bind(lstm, x, 3);
                var (o, h, c) = lstm.Forward(x[0], x[1], x[2]);
                return Tensor.Concat([o.Reshape(-1), h.Reshape(-1).MulScalar(0.7), c.Reshape(-1).MulScalar(0.3)], 0);
            }, With(lstm, gen, R(2, 3, 2), R(4, 2, 2), R(4, 2, 2)));
            var gru = new NN.GRU(2, 2, numLayers: 2, batchFirst: true, bidirectional: true);
            Add("GRU", "2 layers, bidirectional, batch_first, initial h", x =>
            {
                Bind(gru, x, 2);
                var (o, h) = gru.Forward(x[0], x[1]);
                return Tensor.Concat([o.Reshape(-1), h.Reshape(-1).MulScalar(0.7)], 0);
            }, With(gru, gen, R(2, 3, 2), R(4, 2, 2)));
            var rnn = new NN.RNN(2, 2, numLayers: 2, nonlinearity: "tanh", batchFirst: true, bidirectional: true);
            Add("RNN", "tanh, 2 layers, bidirectional, batch_first, initial h", x =>
            {
                Bind(rnn, x, 2);
                var (o, h) = rnn.Forward(x[0], x[1]);
                return Tensor.Concat([o.Reshape(-1), h.Reshape(-1).MulScalar(0.7)], 0);
            }, With(rnn, gen, R(2, 3, 2), R(4, 2, 2)));
        }
        // attention (float64, tiny sizes); masks: non-zero = masked
        Add("ScaledDotProductAttention", "causal (1,2,3,2)", x => NN.Functional.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true).Output,
            R(1, 2, 3, 2), R(1, 2, 3, 2), R(1, 2, 3, 2));
        Add("ScaledDotProductAttention", "causal with cached keys, Tq 2 < Tk 4", x => NN.Functional.ScaledDotProductAttention(x[0], x[1], x[2], isCausal: true).Output,
            R(1, 1, 2, 3), R(1, 1, 4, 3), R(1, 1, 4, 3));
        Add("ScaledDotProductAttention", "padding mask (B,1,1,Tk)", x => NN.Functional.ScaledDotProductAttention(x[0], x[1], x[2], x[3]).Output,
            R(2, 2, 3, 2), R(2, 2, 4, 2), R(2, 2, 4, 2), I([0, 0, 0, 1, 0, 1, 1, 0], 2, 1, 1, 4));
        Add("ScaledDotProductAttention", "weights output, causal + padding", x => NN.Functional.ScaledDotProductAttention(x[0], x[1], x[2], x[3], isCausal: true, returnWeights: true).Weights!,
            R(1, 2, 3, 2), R(1, 2, 3, 2), R(1, 2, 3, 2), I([0, 1, 0], 1, 1, 1, 3));
        Add("CausalSelfAttention", "fused, packed qkv (2,4,3·4), 2 heads", x => NN.Functional.CausalSelfAttention(x[0], 2), R(2, 4, 12));
        Add("CausalSelfAttention", "fused, 1 head, T 1, scale 0.7", x => NN.Functional.CausalSelfAttention(x[0], 1, scale: 0.7), R(1, 1, 6));
        Add("MultiHeadAttention", "self-attention, causal + key padding", x => NN.Functional.MultiHeadAttention(x[0], x[0], x[0], 2, x[1], x[2], x[3], x[4],
            keyPaddingMask: x[5], isCausal: true).Output, R(2, 3, 4), R(12, 4), R(12), R(4, 4), R(4), I([0, 0, 0, 0, 1, 0], 2, 3));
        Add("MultiHeadAttention", "cross-attention, attn_mask, averaged weights", x => NN.Functional.MultiHeadAttention(x[0], x[1], x[1], 2, x[2], x[3], x[4], x[5],
            attnMask: x[6], needWeights: true).Weights!, R(1, 2, 4), R(1, 3, 4), R(12, 4), R(12), R(4, 4), R(4), I([0, 0, 1, 1, 0, 0], 2, 3));
        return cases;
    }

    /// <summary>Runs one case.</summary>
    public static GradCheckResult Run(GradCheckCase c) => GradCheck.Check(c.Function, c.Inputs, eps: c.Eps);
}
