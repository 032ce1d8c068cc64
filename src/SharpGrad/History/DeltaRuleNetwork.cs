namespace SharpGrad.History;

/// <summary>
/// The 1986 network in SharpGrad tensors (float64, so that exact symmetries stay exact): logistic hidden units
/// h = σ(X·W₁ᵀ + b₁) and logistic outputs o = σ(h·W₂ᵀ + b₂ [+ X·W_dᵀ]). Shapes: X (P, I), W₁ (H, I), b₁ (H),
/// W₂ (O, H), b₂ (O), W_d (O, I). The biases play the role of the paper's thresholds (weights from a unit that is always on).
/// </summary>
public sealed class DeltaRuleNetwork
{
    /// <summary>Input→hidden weights (H, I).</summary>
    public Tensor W1 { get; }

    /// <summary>Hidden biases (H).</summary>
    public Tensor B1 { get; }

    /// <summary>Hidden→output weights (O, H).</summary>
    public Tensor W2 { get; }

    /// <summary>Output biases (O).</summary>
    public Tensor B2 { get; }

    /// <summary>Direct input→output weights (O, I), or null.</summary>
    public Tensor? Direct { get; }

    /// <summary>Creates the network and draws its initial weights (see <see cref="BackpropConfig.Init"/>).</summary>
    /// <param name="inputs">Input width I.</param>
    /// <param name="outputs">Output width O.</param>
    /// <param name="config">Hidden width, init range and kind, direct connections.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public DeltaRuleNetwork(int inputs, int outputs, BackpropConfig config, ulong seed)
    {
        var rng = new Generator(seed);
        double r = config.InitRange;
        double shared = r * (2 * rng.NextDouble() - 1);
        Tensor Make(params int[] shape)
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            var data = new double[n];
            for (int i = 0; i < n; i++) data[i] = config.Init == WeightInit.Equal ? shared : r * (2 * rng.NextDouble() - 1);
            return Tensor.FromArray(data, shape).RequiresGrad_();
        }
        W1 = Make(config.Hidden, inputs);
        B1 = Make(config.Hidden);
        W2 = Make(outputs, config.Hidden);
        B2 = Make(outputs);
        if (config.DirectConnections) Direct = Make(outputs, inputs);
    }

    /// <summary>All trainable tensors.</summary>
    public IReadOnlyList<Tensor> Parameters() => Direct is null ? [W1, B1, W2, B2] : [W1, B1, W2, B2, Direct];

    /// <summary>Forward pass over a batch X (P, I): hidden activations (P, H) and outputs (P, O).</summary>
    public (Tensor Hidden, Tensor Output) Forward(Tensor x)
    {
        Tensor hidden = Tensor.Linear(x, W1, B1).Sigmoid();        // (P, H)
        Tensor net = Tensor.Linear(hidden, W2, B2);                 // (P, O)
        if (Direct is not null) net = net + Tensor.Linear(x, Direct);
        return (hidden, net.Sigmoid());
    }

    /// <summary>A plain-double copy of the current network as a function of one input vector, returning the outputs.</summary>
    public Func<double[], double[]> Snapshot()
    {
        double[] w1 = W1.ToArray<double>(), b1 = B1.ToArray<double>(), w2 = W2.ToArray<double>(), b2 = B2.ToArray<double>();
        double[]? wd = Direct?.ToArray<double>();
        int hCount = b1.Length, oCount = b2.Length, iCount = w1.Length / hCount;
        return x =>
        {
            var h = new double[hCount];
            for (int j = 0; j < hCount; j++)
            {
                double s = b1[j];
                for (int i = 0; i < iCount; i++) s += w1[j * iCount + i] * x[i];
                h[j] = 1 / (1 + Math.Exp(-s));
            }
            var o = new double[oCount];
            for (int k = 0; k < oCount; k++)
            {
                double s = b2[k];
                for (int j = 0; j < hCount; j++) s += w2[k * hCount + j] * h[j];
                if (wd is not null) for (int i = 0; i < iCount; i++) s += wd[k * iCount + i] * x[i];
                o[k] = 1 / (1 + Math.Exp(-s));
            }
            return o;
        };
    }
}
