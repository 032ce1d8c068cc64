using SharpGrad.NN;

namespace SharpGrad.Onnx;

/// <summary>
/// An ONNX model imported as a trainable SharpGrad module: its floating-point initializers are <see cref="Parameter"/>s
/// (state-dict names are the ONNX names with '.' replaced by '_'; BatchNormalization's running statistics and integer
/// initializers are buffers), and <see cref="Run"/> evaluates the graph node by node
/// through SharpGrad's ops, so gradients reach every initializer and the model fine-tunes like any other module
/// (<see cref="Module.Freeze"/> part of it, replace what follows it). Integer tensors (shapes, indices) are evaluated as
/// constants on the way. Ops: Add, Sub, Mul, Div, Pow, Sqrt, Erf, Exp, Neg, Relu, LeakyRelu, Sigmoid, Tanh, Softmax,
/// MatMul, Gemm, Conv, MaxPool, AveragePool, GlobalAveragePool, BatchNormalization, LayerNormalization, Flatten, Reshape,
/// Transpose, Unsqueeze, Squeeze, Concat, Gather, Shape, Cast, ReduceMean, Slice, Split, Identity, Dropout, Constant; any other op is
/// named in an <see cref="OnnxFormatException"/> when the model is loaded.
/// </summary>
public sealed class OnnxModule : Module
{
    private static readonly HashSet<string> Supported =
    [
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Exp", "Neg", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "MatMul", "Gemm",
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "LayerNormalization", "Flatten", "Reshape", "Transpose",
        "Unsqueeze", "Squeeze", "Concat", "Gather", "Shape", "Cast", "ReduceMean", "Slice", "Split", "Identity", "Dropout", "Constant",
    ];

    private readonly OnnxGraph _graph;
    private readonly Dictionary<string, Tensor> _initializers = new(StringComparer.Ordinal);

    /// <summary>Builds the module from a parsed graph.</summary>
    /// <exception cref="OnnxFormatException">An unsupported op (all of them are named) or a node that reads an unknown value.</exception>
    public OnnxModule(OnnxGraph graph)
    {
        _graph = graph ?? throw new ArgumentNullException(nameof(graph));
        var unsupported = graph.Nodes.Where(n => (n.Domain.Length > 0 && n.Domain != "ai.onnx") || !Supported.Contains(n.OpType))
            .Select(n => n.Domain.Length > 0 ? $"{n.Domain}.{n.OpType}" : n.OpType).Distinct().ToList();
        if (unsupported.Count > 0)
            throw new OnnxFormatException($"ONNX: the model uses op(s) SharpGrad cannot import: {string.Join(", ", unsupported)}.");
        // BatchNormalization's running mean and variance are statistics, not weights: buffers, as in BatchNorm layers
        var statistics = graph.Nodes.Where(n => n.OpType == "BatchNormalization").SelectMany(n => n.Inputs.Skip(3).Take(2)).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, t) in graph.Initializers)
        {
            string key = SafeName(name);
            _initializers[name] = t.DType.IsFloatingPoint() && !statistics.Contains(name)
                ? RegisterParameter(key, new Parameter(t.To(DType.Float32)))
                : RegisterBuffer(key, t.DType.IsFloatingPoint() ? t.To(DType.Float32) : t);
        }
        var known = new HashSet<string>(graph.Initializers.Keys.Concat(graph.Inputs.Select(i => i.Name)), StringComparer.Ordinal) { "" };
        foreach (var node in graph.Nodes)
        {
            foreach (var input in node.Inputs)
                if (!known.Contains(input)) throw new OnnxFormatException($"ONNX: node \"{node.Name}\" ({node.OpType}) reads \"{input}\", which no earlier node, input or initializer makes.");
            foreach (var output in node.Outputs) known.Add(output);
        }
        foreach (var output in graph.Outputs)
            if (!known.Contains(output.Name)) throw new OnnxFormatException($"ONNX: the graph output \"{output.Name}\" is made by no node.");
        LinearLayers = FindLinearLayers(graph);
    }

    /// <summary>
    /// The graph's linear layers: MatMul nodes whose right operand is a 2-D weight initializer (in, out), by layer name. Exporters
    /// often leave such weights unnamed ("927"); the name is then taken from the bias added next ("encoder.layer.0.attention.self.query.bias"
    /// gives "encoder.layer.0.attention.self.query"), else the node's name — so LoRA can target them as PEFT does ("query", "value").
    /// </summary>
    public IReadOnlyDictionary<string, OnnxNode> LinearLayers { get; }

    private static Dictionary<string, OnnxNode> FindLinearLayers(OnnxGraph graph)
    {
        var layers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        var consumers = graph.Nodes.SelectMany(n => n.Inputs.Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node);
        foreach (var node in graph.Nodes)
        {
            if (node.OpType != "MatMul" || node.Inputs.Length != 2 || !graph.Initializers.TryGetValue(node.Inputs[1], out var w) || w.Rank != 2) continue;
            string? bias = consumers[node.Outputs[0]].Where(c => c.OpType == "Add").SelectMany(c => c.Inputs)
                .FirstOrDefault(i => i.EndsWith(".bias", StringComparison.Ordinal) && graph.Initializers.ContainsKey(i));
            string name = bias is not null ? bias[..^".bias".Length] : node.Name.Length > 0 ? node.Name : node.Inputs[1];
            layers.TryAdd(name, node);
        }
        return layers;
    }

    // LoRA adapters on linear layers, by the MatMul node they change
    private readonly Dictionary<OnnxNode, (string Layer, NN.LoRAAdapter Adapter)> _adapters = new(ReferenceEqualityComparer.Instance);

    /// <summary>The LoRA adapters attached to this graph's linear layers, by layer name.</summary>
    internal IEnumerable<(string Layer, NN.LoRAAdapter Adapter, Tensor Weight)> Adapters =>
        _adapters.Select(kv => (kv.Value.Layer, kv.Value.Adapter, _initializers[kv.Key.Inputs[1]]));

    /// <summary>The weight (in, out) of linear layer <paramref name="layer"/>.</summary>
    internal Tensor Weight(string layer) => _initializers[LinearLayers[layer].Inputs[1]];

    /// <summary>Attaches an adapter to linear layer <paramref name="layer"/>; its matrices become children named after the layer.</summary>
    internal void Attach(string layer, NN.LoRAAdapter adapter)
    {
        OnnxNode node = LinearLayers[layer];
        if (_adapters.ContainsKey(node)) throw new InvalidOperationException($"LoRA: the layer \"{layer}\" already has an adapter.");
        string key = SafeName(layer);
        RegisterModule(key + "_lora_A", adapter.A);
        RegisterModule(key + "_lora_B", adapter.B);
        if (adapter.DropoutLayer is { } dropout) RegisterModule(key + "_lora_dropout", dropout);
        _adapters[node] = (layer, adapter);
    }

    /// <summary>Reads an ONNX file into a trainable module.</summary>
    /// <exception cref="OnnxFormatException">A malformed file or an unsupported op.</exception>
    public static OnnxModule Load(string path) => new(OnnxGraph.Load(path));

    /// <summary>The graph's inputs that callers feed (those that are not initializers).</summary>
    public IReadOnlyList<OnnxValueInfo> FeedInputs => _graph.Inputs.Where(i => !_graph.Initializers.ContainsKey(i.Name)).ToList();

    /// <summary>The graph's outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs => _graph.Outputs;

    private static string SafeName(string name) => name.Length == 0 ? "_" : name.Replace('.', '_');

    /// <inheritdoc/>
    /// <remarks>For graphs with one fed input; returns the first output.</remarks>
    public override Tensor Forward(Tensor input)
    {
        var feeds = FeedInputs;
        if (feeds.Count != 1) throw new ArgumentException($"OnnxModule.Forward: the graph has {feeds.Count} inputs ({string.Join(", ", feeds.Select(f => f.Name))}); use Run with a dictionary.");
        return Run(new Dictionary<string, Tensor> { [feeds[0].Name] = input })[_graph.Outputs[0].Name];
    }

    /// <summary>Evaluates the graph on named inputs and returns every graph output by name.</summary>
    /// <exception cref="ArgumentException">A missing input.</exception>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var values = new Dictionary<string, Tensor>(_initializers, StringComparer.Ordinal);
        foreach (var feed in FeedInputs)
        {
            if (!inputs.TryGetValue(feed.Name, out var t)) throw new ArgumentException($"OnnxModule.Run: the input \"{feed.Name}\" is missing.", nameof(inputs));
            values[feed.Name] = t;
        }
        foreach (var node in _graph.Nodes)
        {
            Tensor?[] args = node.Inputs.Select(i => i.Length == 0 ? null : values[i]).ToArray();
            Tensor[] results;
            try
            {
                results = node.OpType == "Split" ? OnnxOps.Split(node, args) : [OnnxOps.Apply(node, args, Training)];
                if (_adapters.TryGetValue(node, out var lora) && !lora.Adapter.Merged)
                    results[0] = results[0].Add(lora.Adapter.Delta(args[0]!, Training)); // x·W + (α/r)·B·A·x
            }
            catch (Exception e) when (e is ShapeMismatchException or ArgumentException or DTypeMismatchException or NotSupportedException)
            {
                throw new OnnxFormatException($"ONNX: node \"{node.Name}\" ({node.OpType}) failed: {e.Message}");
            }
            for (int i = 0; i < node.Outputs.Length && i < results.Length; i++) values[node.Outputs[i]] = results[i];
        }
        return _graph.Outputs.ToDictionary(o => o.Name, o => values[o.Name]);
    }
}
