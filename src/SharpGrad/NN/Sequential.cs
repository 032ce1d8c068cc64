namespace SharpGrad.NN;

/// <summary>
/// Runs child modules in order, each one's output feeding the next; children are named "0", "1", … as in PyTorch.
/// A float32 container made only of <see cref="Linear"/> layers, each optionally followed by <see cref="Sigmoid"/>,
/// <see cref="Tanh"/> or <see cref="ReLU"/>, whose widths are all at most <see cref="Functional.MaxFusedMlpWidth"/>, runs as
/// one fused kernel (<see cref="Functional.Mlp"/>): same parameters, same results up to float rounding, one graph node.
/// A <see cref="ReLU"/> directly followed by a <see cref="MaxPool2d"/> runs after the pooling instead (max pooling commutes
/// with ReLU), so the ReLU, forward and backward, touches a quarter of the values for 2×2 windows; values and gradients are
/// the same bits. Set <see cref="FuseLayers"/> to false to run the layers one by one, in order.
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];
    private FusedChain? _chain;
    private bool _chainChecked;

    /// <summary>
    /// Whether a chain of narrow Linear + activation layers runs as one fused kernel, and ReLU + max pooling as pooling
    /// then ReLU (default true). Autograd observers (the backward-pass tracer) always see the layers one by one, in order.
    /// </summary>
    public bool FuseLayers { get; set; } = true;

    /// <summary>Creates the container from layers in order.</summary>
    public Sequential(params Module[] layers)
    {
        foreach (var layer in layers) Add(layer);
    }

    /// <summary>Appends a layer.</summary>
    public Sequential Add(Module layer)
    {
        _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        _chainChecked = false;
        return this;
    }

    /// <inheritdoc/>
    protected override void OnChildReplaced(string name, Module previous, Module replacement)
    {
        _layers[int.Parse(name, System.Globalization.CultureInfo.InvariantCulture)] = replacement;
        _chainChecked = false;
    }

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        bool rewrite = FuseLayers && GraphRecorder.Current is null;
        if (rewrite && input.DType == DType.Float32 && Chain() is { } chain && chain.Fits())
            return Functional.Mlp(input, chain.Weights, chain.Biases, chain.Activations);
        for (int i = 0; i < _layers.Count; i++)
        {
            if (rewrite && _layers[i] is ReLU relu && i + 1 < _layers.Count && _layers[i + 1] is MaxPool2d pool)
            {
                // max(relu(a), relu(b)) = relu(max(a, b)), and the gradient reaches the same element: a window whose
                // maximum is positive picks the same (first) maximum either way; one whose maximum is ≤ 0 passes no gradient.
                input = relu.Forward(pool.Forward(input));
                i++;
            }
            else input = _layers[i].Forward(input);
        }
        return input;
    }

    /// <summary>The layers as a Linear + activation chain, or null when they are anything else (worked out once per layout).</summary>
    private FusedChain? Chain()
    {
        if (_chainChecked) return _chain;
        _chainChecked = true;
        _chain = null;
        var weights = new List<Tensor>();
        var biases = new List<Tensor?>();
        var activations = new List<MlpActivation>();
        for (int i = 0; i < _layers.Count; i++)
        {
            if (_layers[i] is not Linear linear) return null;
            MlpActivation activation = i + 1 < _layers.Count ? _layers[i + 1] switch
            {
                Sigmoid => MlpActivation.Sigmoid,
                Tanh => MlpActivation.Tanh,
                ReLU => MlpActivation.Relu,
                _ => MlpActivation.Identity,
            } : MlpActivation.Identity;
            if (activation != MlpActivation.Identity) i++;
            if (linear.Adapter is not null) return null; // the fused kernel knows no LoRA adapters
            weights.Add(linear.Weight);
            biases.Add(linear.Bias);
            activations.Add(activation);
        }
        if (weights.Count == 0) return null;
        return _chain = new FusedChain(weights, biases, activations);
    }

    private sealed record FusedChain(List<Tensor> Weights, List<Tensor?> Biases, List<MlpActivation> Activations)
    {
        /// <summary>True while every parameter is float32 and every width fits the fused kernel (parameters can change dtype).</summary>
        public bool Fits()
        {
            for (int l = 0; l < Weights.Count; l++)
            {
                Tensor w = Weights[l];
                if (w.DType != DType.Float32 || (Biases[l]?.DType ?? DType.Float32) != DType.Float32
                    || w.Size(0) > Functional.MaxFusedMlpWidth || w.Size(1) > Functional.MaxFusedMlpWidth) return false;
            }
            return true;
        }
    }
}
