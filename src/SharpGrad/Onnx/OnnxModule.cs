using SharpGrad.NN;

namespace SharpGrad.Onnx;

/// <summary>
/// An ONNX model imported as a trainable SharpGrad module: its floating-point initializers are <see cref="Parameter"/>s
/// (state-dict names are the ONNX names with '.' replaced by '_'; BatchNormalization's running statistics and integer
/// initializers are buffers), and <see cref="Run(IReadOnlyDictionary{string, Tensor})"/> evaluates the graph node by node
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
        foreach (var feed in FeedInputs)
            if (!inputs.ContainsKey(feed.Name)) throw new ArgumentException($"OnnxModule.Run: the input \"{feed.Name}\" is missing.", nameof(inputs));
        return Run(inputs, _graph.Outputs.Select(o => o.Name));
    }

    /// <summary>
    /// Evaluates only what the named <paramref name="outputs"/> need — any value of the graph, not only its outputs (e.g. a
    /// ResNet's inner activations as features) — from <paramref name="inputs"/>, which may also name inner values: a fed
    /// value is taken as given, and the nodes that make it are not run (e.g. fine-tuning the top of a network on cached
    /// activations of its frozen bottom).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown value name, or an input that a needed node reads but nobody feeds.</exception>
    public IReadOnlyDictionary<string, Tensor> Run(IReadOnlyDictionary<string, Tensor> inputs, IEnumerable<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        string[] wanted = outputs.ToArray();
        var values = new Dictionary<string, Tensor>(_initializers, StringComparer.Ordinal);
        foreach (var (name, t) in inputs)
        {
            if (!Producers.ContainsKey(name) && !_graph.Inputs.Any(i => i.Name == name))
                throw new ArgumentException($"OnnxModule.Run: the graph has no value \"{name}\" to feed.", nameof(inputs));
            values[name] = t;
        }
        foreach (var node in NodesFor(wanted, values))
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
            for (int i = 0; i < node.Outputs.Length && i < results.Length; i++)
                if (!inputs.ContainsKey(node.Outputs[i])) values[node.Outputs[i]] = results[i];
        }
        return wanted.Distinct().ToDictionary(o => o, o => values[o]);
    }

    // node of the graph by each value it makes
    private Dictionary<string, OnnxNode> Producers => field ??= _graph.Nodes.SelectMany(n => n.Outputs.Where(o => o.Length > 0).Select(o => (o, n)))
        .GroupBy(p => p.o).ToDictionary(g => g.Key, g => g.First().n, StringComparer.Ordinal);

    /// <summary>The nodes (in graph order) that make <paramref name="wanted"/> from the <paramref name="known"/> values.</summary>
    private List<OnnxNode> NodesFor(IEnumerable<string> wanted, IReadOnlyDictionary<string, Tensor> known, bool inputsKnown = false)
    {
        var needed = new HashSet<OnnxNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<string>(wanted);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryPop(out string? value))
        {
            if (value.Length == 0 || known.ContainsKey(value) || !seen.Add(value)) continue;
            if (Producers.TryGetValue(value, out var node))
            {
                if (needed.Add(node)) foreach (string input in node.Inputs) pending.Push(input);
                continue;
            }
            bool isInput = _graph.Inputs.Any(i => i.Name == value);
            if (isInput && inputsKnown) continue;
            throw new ArgumentException(isInput ? $"OnnxModule.Run: the input \"{value}\" is missing." : $"OnnxModule.Run: the graph has no value \"{value}\".");
        }
        return _graph.Nodes.Where(needed.Contains).ToList();
    }

    /// <summary>
    /// Cuts the graph at the value <paramref name="at"/> into two modules, as a network is split into a base and a top for
    /// fine-tuning: <c>Bottom</c> maps the graph's inputs to <paramref name="at"/>; <c>Top</c> maps <paramref name="at"/> (its
    /// one input) to the graph's outputs. Each gets a copy of the initializers it uses, with their current values; LoRA
    /// adapters are not carried over.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="at"/> is no inner value, or the top also reads other inner values (no clean cut).</exception>
    public (OnnxModule Bottom, OnnxModule Top) SplitAt(string at)
    {
        ArgumentNullException.ThrowIfNull(at);
        if (!Producers.ContainsKey(at)) throw new ArgumentException($"OnnxModule.SplitAt: the graph has no inner value \"{at}\".", nameof(at));
        var bottomNodes = NodesFor([at], _initializers, inputsKnown: true);
        var cut = new Dictionary<string, Tensor>(_initializers, StringComparer.Ordinal) { [at] = Tensor.Zeros([1]) };
        var topNodes = NodesFor(_graph.Outputs.Select(o => o.Name), cut, inputsKnown: true);
        var topMade = topNodes.SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        foreach (var input in topNodes.SelectMany(n => n.Inputs))
            if (input.Length > 0 && input != at && !_initializers.ContainsKey(input) && !topMade.Contains(input))
                throw new ArgumentException($"OnnxModule.SplitAt: \"{at}\" is not a clean cut: the top also reads \"{input}\".", nameof(at));
        var cutValue = new OnnxValueInfo(at, OnnxGraph.Float, null); // its shape is left unknown
        var bottom = Subgraph(bottomNodes, _graph.Inputs.Where(i => !_graph.Initializers.ContainsKey(i.Name)).ToList(), [cutValue]);
        var top = Subgraph(topNodes, [cutValue], _graph.Outputs);
        return (new OnnxModule(bottom), new OnnxModule(top));
    }

    private OnnxGraph Subgraph(List<OnnxNode> nodes, IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        var graph = new OnnxGraph { IrVersion = _graph.IrVersion, ProducerName = _graph.ProducerName, GraphName = _graph.GraphName };
        graph.Opsets.Clear();
        foreach (var (domain, version) in _graph.Opsets) graph.Opsets[domain] = version;
        graph.Nodes.AddRange(nodes);
        foreach (string name in nodes.SelectMany(n => n.Inputs).Distinct())
            if (_initializers.TryGetValue(name, out var t)) graph.Initializers[name] = t.Detach().Clone();
        graph.Inputs.AddRange(inputs);
        graph.Outputs.AddRange(outputs);
        return graph;
    }
}
