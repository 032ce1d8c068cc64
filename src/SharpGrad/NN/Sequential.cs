namespace SharpGrad.NN;

/// <summary>
/// Runs child modules in order, each one's output feeding the next; children are named "0", "1", … as in PyTorch.
/// A float32 container made only of <see cref="Linear"/> layers, each optionally followed by <see cref="Sigmoid"/>,
/// <see cref="Tanh"/> or <see cref="ReLU"/>, whose widths are all at most <see cref="Functional.MaxFusedMlpWidth"/>, runs as
/// one fused kernel (<see cref="Functional.Mlp"/>): same parameters, same results up to float rounding, one graph node.
/// Set <see cref="FuseLayers"/> to false to run the layers one by one.
/// </summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];
    private FusedChain? _chain;
    private bool _chainChecked;

    /// <summary>
    /// Whether a chain of narrow Linear + activation layers runs as one fused kernel (default true). Autograd observers
    /// (the backward-pass tracer) always see the layers one by one.
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

    /// <summary>The layer at <paramref name="index"/>.</summary>
    public Module this[int index] => _layers[index];

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (FuseLayers && input.DType == DType.Float32 && GraphRecorder.Current is null && Chain() is { } chain && chain.Fits())
            return Functional.Mlp(input, chain.Weights, chain.Biases, chain.Activations);
        foreach (var layer in _layers) input = layer.Forward(input);
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
