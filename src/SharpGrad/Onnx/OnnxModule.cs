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
