using System.Text;
using SharpGrad.NN;

namespace SharpGrad.History;

/// <summary>One layer of <see cref="TextbookDeltas"/>: weights, forward values, delta and gradients by hand, and autograd's gradients.</summary>
/// <param name="Layer">1-based layer number l.</param>
/// <param name="Activation">"sigmoid", "tanh", "relu" or "identity".</param>
/// <param name="Weight">W⁽ˡ⁾, shape (out, in).</param>
/// <param name="Bias">b⁽ˡ⁾ (zeros when the layer has none).</param>
/// <param name="Z">z⁽ˡ⁾ = a⁽ˡ⁻¹⁾Wᵀ + b, one row per example.</param>
/// <param name="A">a⁽ˡ⁾ = f(z⁽ˡ⁾), one row per example.</param>
/// <param name="Delta">δ⁽ˡ⁾ = ∂E/∂z⁽ˡ⁾, one row per example.</param>
/// <param name="GradWeight">∂E/∂W⁽ˡ⁾ = Σ over examples δ⁽ˡ⁾a⁽ˡ⁻¹⁾ᵀ, by hand.</param>
/// <param name="GradBias">∂E/∂b⁽ˡ⁾ = Σ over examples δ⁽ˡ⁾, by hand.</param>
/// <param name="AutogradWeight">The same gradient from <see cref="Tensor.Backward"/>.</param>
/// <param name="AutogradBias">The bias gradient from autograd (null when the layer has no bias).</param>
public sealed record TextbookLayer(int Layer, string Activation, double[,] Weight, double[] Bias, double[,] Z, double[,] A, double[,] Delta,
    double[,] GradWeight, double[] GradBias, double[,] AutogradWeight, double[]? AutogradBias)
{
    /// <summary>max |by hand − autograd| over this layer's weight and bias gradients.</summary>
    public double MaxAbsDifference
    {
        get
        {
            double max = 0;
            for (int i = 0; i < GradWeight.GetLength(0); i++)
                for (int j = 0; j < GradWeight.GetLength(1); j++)
                    max = Math.Max(max, Math.Abs(GradWeight[i, j] - AutogradWeight[i, j]));
            if (AutogradBias is not null)
                for (int i = 0; i < GradBias.Length; i++) max = Math.Max(max, Math.Abs(GradBias[i] - AutogradBias[i]));
            return max;
        }
    }
}

/// <summary>
/// The textbook form of backpropagation for an MLP with squared error (Rumelhart, Hinton and Williams 1986, the "generalized delta
/// rule"), computed with plain loops in float64 — no autograd — next to autograd's gradients. See <see cref="BackpropTextbook.Compute"/>.
/// </summary>
/// <param name="Input">a⁽⁰⁾ = x, one row per example.</param>
/// <param name="Target">t, one row per example.</param>
/// <param name="Loss">E computed by hand.</param>
/// <param name="Reduction">Mean (E = Σ(a⁽ᴸ⁾ − t)²/N) or Sum (E = Σ(a⁽ᴸ⁾ − t)²).</param>
/// <param name="Layers">Layers 1…L.</param>
/// <param name="Tolerance">Largest |by hand − autograd| that counts as a match.</param>
public sealed record TextbookDeltas(double[,] Input, double[,] Target, double Loss, Reduction Reduction, IReadOnlyList<TextbookLayer> Layers, double Tolerance)
{
    /// <summary>N, the number of squared terms the mean divides by (examples × outputs).</summary>
    public int Count => Target.Length;

    /// <summary>True when every layer's hand-computed gradients equal autograd's within <see cref="Tolerance"/>.</summary>
    public bool Matches => Layers.All(l => l.MaxAbsDifference <= Tolerance);

    /// <summary>The equations with their numbers, layer by layer, and the hand/autograd comparison.</summary>
    public override string ToString() => Render(compact: false);

    /// <summary>Renders the view; <paramref name="compact"/> leaves out the forward values and the equations' derivation lines.</summary>
    public string Render(bool compact)
    {
        var sb = new StringBuilder();
        int L = Layers.Count;
        string scale = Reduction == Reduction.Mean ? $"2/N" : "2";
        if (!compact)
        {
            sb.AppendLine("Textbook backpropagation (generalized delta rule), by hand in float64 without autograd");
            sb.AppendLine($"  forward: a⁽⁰⁾ = x,  z⁽ˡ⁾ = W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾,  a⁽ˡ⁾ = f(z⁽ˡ⁾)");
            sb.AppendLine($"    a⁽⁰⁾ = {M(Input)}");
            foreach (var l in Layers)
                sb.AppendLine($"    layer {l.Layer} ({l.Activation}): z{Sup(l.Layer)} = {M(l.Z)}   a{Sup(l.Layer)} = {M(l.A)}");
            sb.AppendLine($"  error: E = {(Reduction == Reduction.Mean ? "Σ(a⁽ᴸ⁾ − t)²/N" : "Σ(a⁽ᴸ⁾ − t)²")} = {TraceFormat.Number(Loss)}   (t = {M(Target)}, N = {Count})");
            sb.AppendLine($"  backward: δ⁽ˡ⁾ = ∂E/∂z⁽ˡ⁾;  f′(z) = a(1 − a) for sigmoid, 1 − a² for tanh, [z > 0] for relu");
        }
        var last = Layers[L - 1];
        sb.AppendLine($"    output delta  δ{Sup(L)} = {scale}·(a{Sup(L)} − t) ⊙ f′(z{Sup(L)}) = {M(last.Delta)}");
        for (int i = L - 2; i >= 0; i--)
        {
            var l = Layers[i];
            sb.AppendLine($"    hidden delta  δ{Sup(l.Layer)} = (W{Sup(l.Layer + 1)}ᵀ δ{Sup(l.Layer + 1)}) ⊙ f′(z{Sup(l.Layer)}) = {M(l.Delta)}");
        }
        bool batch = Input.GetLength(0) > 1;
        sb.AppendLine($"  gradients{(batch ? " (summed over the examples)" : "")}: by hand   vs   autograd");
        foreach (var l in Layers.Reverse())
        {
            double diffW = 0, diffB = 0;
            for (int i = 0; i < l.GradWeight.GetLength(0); i++)
                for (int j = 0; j < l.GradWeight.GetLength(1); j++) diffW = Math.Max(diffW, Math.Abs(l.GradWeight[i, j] - l.AutogradWeight[i, j]));
            sb.AppendLine($"    ∂E/∂W{Sup(l.Layer)} = δ{Sup(l.Layer)} a{Sup(l.Layer - 1)}ᵀ = {M(l.GradWeight)}   autograd {M(l.AutogradWeight)}   {Mark(diffW)}");
            if (l.AutogradBias is not null)
            {
                for (int i = 0; i < l.GradBias.Length; i++) diffB = Math.Max(diffB, Math.Abs(l.GradBias[i] - l.AutogradBias[i]));
                sb.AppendLine($"    ∂E/∂b{Sup(l.Layer)} = δ{Sup(l.Layer)} = {V(l.GradBias)}   autograd {V(l.AutogradBias)}   {Mark(diffB)}");
            }
        }
        sb.Append(Matches ? "  The delta rule and autograd agree." : "  MISMATCH between the delta rule and autograd.");
        return sb.ToString();
    }

    private string Mark(double diff) => (diff <= Tolerance ? "✓" : "✗") + " diff " + diff.ToString("0.0e+0", System.Globalization.CultureInfo.InvariantCulture);

    internal static string Sup(int n)
    {
        const string digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        return "⁽" + string.Concat(n.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => digits[c - '0'])) + "⁾";
    }

    private static string V(double[] v) => "[" + string.Join(", ", v.Select(TraceFormat.Number)) + "]";

    private static string M(double[,] m)
    {
        int rows = m.GetLength(0), cols = m.GetLength(1);
        string Row(int r) => "[" + string.Join(", ", Enumerable.Range(0, cols).Select(c => TraceFormat.Number(m[r, c]))) + "]";
        return rows == 1 ? Row(0) : "[" + string.Join(", ", Enumerable.Range(0, rows).Select(Row)) + "]";
    }
}

/// <summary>
/// Backpropagation the way the 1986 paper and most textbooks write it, for a <see cref="Sequential"/> of <see cref="Linear"/> layers
/// each optionally followed by <see cref="Sigmoid"/>, <see cref="Tanh"/> or <see cref="ReLU"/>, trained on squared error:
/// <code>
/// forward   a⁽⁰⁾ = x,  a⁽ˡ⁾ = f(W⁽ˡ⁾a⁽ˡ⁻¹⁾ + b⁽ˡ⁾)
/// output    δ⁽ᴸ⁾ = (2/N)(a⁽ᴸ⁾ − t) ⊙ f′(z⁽ᴸ⁾)          (2 instead of 2/N for a summed error)
/// hidden    δ⁽ˡ⁾ = (W⁽ˡ⁺¹⁾ᵀ δ⁽ˡ⁺¹⁾) ⊙ f′(z⁽ˡ⁾)
/// gradients ∂E/∂W⁽ˡ⁾ = δ⁽ˡ⁾ a⁽ˡ⁻¹⁾ᵀ,  ∂E/∂b⁽ˡ⁾ = δ⁽ˡ⁾   (summed over the examples)
/// </code>
/// computed with plain loops in float64, alongside the gradients autograd computes for the same model (the parameters'
/// <see cref="Tensor.Grad"/> are restored afterwards).
/// </summary>
public static class BackpropTextbook
{
    /// <summary>Computes the delta view for <paramref name="mlp"/> on <paramref name="input"/> (in) or (B, in) with target (out) or (B, out).</summary>
    /// <exception cref="ArgumentException">The model is not Linear layers with optional Sigmoid/Tanh/ReLU activations, or the shapes do not fit.</exception>
    public static TextbookDeltas Compute(Sequential mlp, Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double tolerance = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(mlp);
        if (reduction == Reduction.None) throw new ArgumentException("BackpropTextbook: the error must be reduced (Mean or Sum).", nameof(reduction));
        var layers = Parse(mlp);
        double[,] a0 = Matrix(input, "input");
        double[,] t = Matrix(target, "target");
        int batch = a0.GetLength(0);
        if (t.GetLength(0) != batch || t.GetLength(1) != layers[^1].Linear.OutFeatures || a0.GetLength(1) != layers[0].Linear.InFeatures)
            throw new ArgumentException($"BackpropTextbook: input {Shape.Format(input.Shape)} and target {Shape.Format(target.Shape)} do not fit a " +
                $"{layers[0].Linear.InFeatures}-in, {layers[^1].Linear.OutFeatures}-out network.");

        // Forward: z = a·Wᵀ + b, a = f(z), one row per example.
        var W = layers.Select(l => Matrix(l.Linear.Weight, "weight")).ToList();
        var b = layers.Select(l => l.Linear.Bias is { } bias ? bias.Detach().ToArray<double>() : new double[l.Linear.OutFeatures]).ToList();
        var Z = new List<double[,]>();
        var A = new List<double[,]> { a0 };
        for (int l = 0; l < layers.Count; l++)
        {
            int outF = W[l].GetLength(0), inF = W[l].GetLength(1);
            var z = new double[batch, outF];
            var a = new double[batch, outF];
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < outF; o++)
                {
                    double s = b[l][o];
                    for (int i = 0; i < inF; i++) s += W[l][o, i] * A[l][n, i];
                    z[n, o] = s;
                    a[n, o] = Activate(layers[l].Activation, s);
                }
            Z.Add(z);
            A.Add(a);
        }

        // Error and output delta: E = s·Σ(a − t)², δᴸ = 2s(a − t) ⊙ f′(z), s = 1/N for the mean.
        var aL = A[^1];
        int outputs = aL.GetLength(1);
        double scale = reduction == Reduction.Mean ? 1.0 / (batch * outputs) : 1.0;
        double loss = 0;
        var deltas = new double[layers.Count][,];
        deltas[^1] = new double[batch, outputs];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outputs; o++)
            {
                double e = aL[n, o] - t[n, o];
                loss += scale * e * e;
                deltas[^1][n, o] = 2 * scale * e * Derivative(layers[^1].Activation, Z[^1][n, o], aL[n, o]);
            }

        // Hidden deltas going down: δˡ = (Wˡ⁺¹ᵀ δˡ⁺¹) ⊙ f′(zˡ).
        for (int l = layers.Count - 2; l >= 0; l--)
        {
            int width = W[l].GetLength(0), above = W[l + 1].GetLength(0);
            deltas[l] = new double[batch, width];
            for (int n = 0; n < batch; n++)
                for (int j = 0; j < width; j++)
                {
                    double s = 0;
                    for (int k = 0; k < above; k++) s += W[l + 1][k, j] * deltas[l + 1][n, k];
                    deltas[l][n, j] = s * Derivative(layers[l].Activation, Z[l][n, j], A[l + 1][n, j]);
                }
        }

        // Autograd on the same model, for the side-by-side comparison.
        var parameters = mlp.Parameters().ToList();
        var saved = parameters.Select(p => p.Grad).ToArray();
        var autoW = new double[layers.Count][,];
        var autoB = new double[layers.Count][];
        try
        {
            foreach (var p in parameters) p.Grad = null;
            using (Autograd.EnableGrad())
                Losses.MseLoss(mlp.Forward(input), target, reduction).Backward();
            for (int l = 0; l < layers.Count; l++)
            {
                var lin = layers[l].Linear;
                autoW[l] = lin.Weight.Grad is { } gw ? Matrix(gw, "grad") : new double[lin.OutFeatures, lin.InFeatures];
                autoB[l] = lin.Bias is null ? [] : lin.Bias.Grad?.Detach().ToArray<double>() ?? new double[lin.OutFeatures];
            }
        }
        finally
        {
            for (int i = 0; i < parameters.Count; i++) parameters[i].Grad = saved[i];
        }

        var result = new List<TextbookLayer>();
        for (int l = 0; l < layers.Count; l++)
        {
            int outF = W[l].GetLength(0), inF = W[l].GetLength(1);
            var gW = new double[outF, inF];
            var gB = new double[outF];
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < outF; o++)
                {
                    gB[o] += deltas[l][n, o];
                    for (int i = 0; i < inF; i++) gW[o, i] += deltas[l][n, o] * A[l][n, i]; // δ aᵀ
                }
            result.Add(new TextbookLayer(l + 1, layers[l].Activation, W[l], b[l], Z[l], A[l + 1], deltas[l], gW, gB, autoW[l],
                layers[l].Linear.Bias is null ? null : autoB[l]));
        }
        return new TextbookDeltas(a0, t, loss, reduction, result, tolerance);
    }

    private static List<(Linear Linear, string Activation)> Parse(Sequential mlp)
    {
        var layers = new List<(Linear, string)>();
        for (int i = 0; i < mlp.Count; i++)
        {
            if (mlp[i] is not Linear linear)
                throw new ArgumentException($"BackpropTextbook: layer {i} is a {mlp[i].GetType().Name}; expected Linear layers, each optionally followed by Sigmoid, Tanh or ReLU.", nameof(mlp));
            string activation = "identity";
            if (i + 1 < mlp.Count && mlp[i + 1] is not Linear)
            {
                activation = mlp[i + 1] switch
                {
                    Sigmoid => "sigmoid",
                    Tanh => "tanh",
                    ReLU => "relu",
                    var other => throw new ArgumentException($"BackpropTextbook: layer {i + 1} is a {other.GetType().Name}; supported activations are Sigmoid, Tanh and ReLU.", nameof(mlp)),
                };
                i++;
            }
            layers.Add((linear, activation));
        }
        if (layers.Count == 0) throw new ArgumentException("BackpropTextbook: the model has no layers.", nameof(mlp));
        return layers;
    }

    private static double Activate(string f, double z) => f switch
    {
        "sigmoid" => 1 / (1 + Math.Exp(-z)),
        "tanh" => Math.Tanh(z),
        "relu" => Math.Max(z, 0),
        _ => z,
    };

    /// <summary>f′(z), written through the output a where that is the textbook form (σ′ = a(1 − a), tanh′ = 1 − a²).</summary>
    private static double Derivative(string f, double z, double a) => f switch
    {
        "sigmoid" => a * (1 - a),
        "tanh" => 1 - a * a,
        "relu" => z > 0 ? 1 : 0,
        _ => 1,
    };

    private static double[,] Matrix(Tensor t, string what)
    {
        if (t.Rank is not (1 or 2)) throw new ArgumentException($"BackpropTextbook: the {what} must be a vector or a matrix, got shape {Shape.Format(t.Shape)}.");
        double[] v = t.Detach().ToArray<double>();
        int rows = t.Rank == 1 ? 1 : t.Shape[0], cols = t.Shape[^1];
        var m = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) m[r, c] = v[r * cols + c];
        return m;
    }
}
