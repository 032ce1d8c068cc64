namespace SharpGrad.History;

/// <summary>
/// The local derivative rule behind each autograd node, in words, keyed by the node's name (its <see cref="Tensor.GradFnName"/>).
/// In every formula g is the incoming gradient dL/d(output) and y the op's output; "summed over broadcast dims" means the
/// gradient is reduced back to the input's shape when the forward op broadcast it. Node names without an entry get a generic line.
/// </summary>
public static class TraceRules
{
    private static readonly Dictionary<string, string> Rules = new(StringComparer.Ordinal)
    {
        // arithmetic
        ["AddBackward"] = "z = a + b: da = g, db = g (pass-through, each summed over its broadcast dims)",
        ["SubBackward"] = "z = a − b: da = g, db = −g (each summed over its broadcast dims)",
        ["RsubBackward"] = "z = s − x: dx = −g",
        ["NegBackward"] = "z = −x: dx = −g",
        ["MulBackward"] = "z = a·b: da = g·b, db = g·a (each summed over its broadcast dims; for z = s·x, dx = s·g)",
        ["DivBackward"] = "z = a/b: da = g/b, db = −g·a/b² (each summed over its broadcast dims)",
        ["PowBackward"] = "z = xᵖ: dx = g·p·xᵖ⁻¹ (tensor exponent: dp = g·z·ln x)",
        ["ExpBackward"] = "y = eˣ: dx = g·y",
        ["LogBackward"] = "y = ln x: dx = g/x",
        ["SqrtBackward"] = "y = √x: dx = g/(2y)",
        ["AbsBackward"] = "y = |x|: dx = g·sign(x)",
        ["ClampBackward"] = "y = clamp(x, lo, hi): dx = g·[lo ≤ x ≤ hi]",
        ["MaximumBackward"] = "z = max(a, b): g goes to the larger input (split evenly on ties)",
        ["MinimumBackward"] = "z = min(a, b): g goes to the smaller input (split evenly on ties)",
        ["WhereBackward"] = "z = where(c, a, b): da = g·[c], db = g·[¬c]",
        // matrix products
        ["MatMulBackward"] = "Z = A·B: dA = g·Bᵀ, dB = Aᵀ·g",
        ["LinearBackward"] = "Y = X·Wᵀ + b: dX = dY·W, dW = dYᵀ·X, db = Σ_rows dY",
        // activations
        ["SigmoidBackward"] = "y = σ(x): dx = g·y(1 − y)",
        ["TanhBackward"] = "y = tanh x: dx = g·(1 − y²)",
        ["ReluBackward"] = "y = max(x, 0): dx = g·[x > 0]",
        ["LeakyReluBackward"] = "y = x > 0 ? x : αx: dx = g·(x > 0 ? 1 : α)",
        ["GeluBackward"] = "y = x·Φ(x): dx = g·(Φ(x) + x·φ(x)) (or the derivative of the tanh approximation)",
        ["LayerNormBackward"] = "y = x̂·w + b with x̂ = (x − μ)/√(σ² + ε) per row: dx = (g·w − mean(g·w) − x̂·mean(g·w·x̂))/√(σ² + ε), dw = Σ_rows g·x̂, db = Σ_rows g",
        ["SoftmaxBackward"] = "y = softmax(x): dx = y ⊙ (g − Σ g⊙y)",
        ["LogSoftmaxBackward"] = "y = log softmax(x): dx = g − softmax(x)·Σ g",
        // reductions
        ["SumBackward"] = "y = Σ x: dx = g broadcast back to x's shape",
        ["MaxBackward"] = "y = max x: dx = g at the maximal elements (split evenly on ties), 0 elsewhere",
        ["MinBackward"] = "y = min x: dx = g at the minimal elements (split evenly on ties), 0 elsewhere",
        // losses
        ["MseLossBackward"] = "L = Σ(x − t)²/N: dx = 2(x − t)/N · g, dt = −dx",
        ["MseLossSumBackward"] = "L = Σ(x − t)²: dx = 2(x − t) · g, dt = −dx",
        ["CrossEntropyLossBackward"] = "L = −Σ log softmax(z)[y] / N: dz = (softmax(z) − onehot(y))/N · g",
        ["NllLossBackward"] = "L = −Σ x[y] / N: dx = −onehot(y)/N · g",
        ["BCELossBackward"] = "ℓ = −(t ln p + (1 − t) ln(1 − p)): dp = (p − t)/(p(1 − p)) · g (÷ N for the mean)",
        ["BCEWithLogitsLossBackward"] = "ℓ = BCE(σ(z), t): dz = (σ(z) − t) · g (÷ N for the mean)",
        ["HuberLossBackward"] = "ℓ = Huber_δ(x − t): dx = clamp(x − t, −δ, δ) · g (÷ N for the mean), dt = −dx",
        // shape and copy ops
        ["ViewBackward"] = "y = x viewed with a new shape: dx = g reshaped to x's shape",
        ["TransposeBackward"] = "y = xᵀ (two dims swapped): dx = gᵀ",
        ["PermuteBackward"] = "y = x with dims permuted: dx = g with the inverse permutation",
        ["UnsqueezeBackward"] = "y = x with a size-1 dim inserted: dx = g with it removed",
        ["SqueezeBackward"] = "y = x with size-1 dims removed: dx = g reshaped back",
        ["ExpandBackward"] = "y = x broadcast: dx = g summed over the expanded dims",
        ["NarrowBackward"] = "y = a slice of x: dx = g placed in zeros of x's shape",
        ["SliceBackward"] = "y = a slice of x: dx = g placed in zeros of x's shape",
        ["PadBackward"] = "y = x padded: dx = the unpadded part of g",
        ["ConcatBackward"] = "y = concat(x₁, …): dxᵢ = the slice of g that came from xᵢ",
        ["IndexSelectBackward"] = "y = x[idx]: dx = g scatter-added at idx",
        ["GatherBackward"] = "y = gather(x, idx): dx = g scatter-added at idx",
        ["Clone"] = "y = copy of x: dx = g",
        ["Contiguous"] = "y = dense copy of x: dx = g",
        ["ToFloat32"] = "y = x converted to float32: dx = g converted back",
        ["ToFloat64"] = "y = x converted to float64: dx = g converted back",
    };

    /// <summary>The rule for a node name, or a generic description when the table has none.</summary>
    public static string For(string nodeName) =>
        Rules.TryGetValue(nodeName, out string? rule) ? rule : $"{nodeName}: the op's own backward rule (no formula on file): d(input) = Jᵀ·g";

    /// <summary>Whether the table has an entry for <paramref name="nodeName"/>.</summary>
    public static bool IsKnown(string nodeName) => Rules.ContainsKey(nodeName);
}
