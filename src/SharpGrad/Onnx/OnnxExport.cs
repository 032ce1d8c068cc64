using SharpGrad.NN;

namespace SharpGrad.Onnx;

/// <summary>
/// Exports SharpGrad models to ONNX (opset 17), as inference graphs (dropout is the identity, BatchNorm uses its running
/// statistics): a <see cref="Sequential"/> (nested ones too) of <see cref="Linear"/>, <see cref="Conv2d"/>,
/// <see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>, <see cref="Flatten"/>, <see cref="BatchNorm1d"/>, <see cref="BatchNorm2d"/>,
/// <see cref="LayerNorm"/>, <see cref="ReLU"/>, <see cref="LeakyReLU"/>, <see cref="Sigmoid"/>, <see cref="Tanh"/>,
/// <see cref="GELU"/>, <see cref="Softmax"/> and <see cref="Dropout"/>. Parameters become initializers under their
/// state-dict names, so the exported file runs in ONNX Runtime and reads back with <see cref="OnnxGraph.Load"/>.
/// </summary>
public static class OnnxExport
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="path"/> (atomically) for inputs of shape (batch, <paramref name="sampleShape"/>…).</summary>
    /// <exception cref="NotSupportedException">A layer that cannot be exported (named in the message).</exception>
    public static void Save(Module model, string path, params int[] sampleShape) => ToGraph(model, sampleShape).Save(path);

    /// <summary>The ONNX graph of <paramref name="model"/> for inputs of shape (batch, <paramref name="sampleShape"/>…); the batch dimension is symbolic.</summary>
    /// <exception cref="NotSupportedException">A layer that cannot be exported (named in the message).</exception>
    public static OnnxGraph ToGraph(Module model, params int[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        var graph = new OnnxGraph { ProducerName = "SharpGrad", GraphName = model.GetType().Name };
        graph.Opsets[""] = 17;
        var b = new Builder(graph, model);
        graph.Inputs.Add(new OnnxValueInfo("input", OnnxGraph.Float, [null, .. sampleShape.Select(d => (long?)d)]));
        string output = b.Emit(model, "", "input");
        graph.Outputs.Add(new OnnxValueInfo(output, OnnxGraph.Float, null));
        return graph;
    }

    private sealed class Builder(OnnxGraph graph, Module root)
    {
        private readonly Dictionary<Tensor, string> _names = Names(root);
        private int _next;

        private static Dictionary<Tensor, string> Names(Module root)
        {
            var names = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
            foreach (var (name, p) in root.NamedParameters()) names.TryAdd(p, name);
            foreach (var (name, b) in root.NamedBuffers()) names.TryAdd(b, name);
            return names;
        }

        private string Fresh() => $"t{_next++}";

        private string Init(Tensor t, string? name = null)
        {
            name ??= _names.TryGetValue(t, out var n) ? n : $"const{_next++}";
            if (!graph.Initializers.ContainsKey(name)) graph.Initializers[name] = t.Detach().Contiguous().To(t.DType == DType.Int64 ? DType.Int64 : DType.Float32);
            return name;
        }

        private string Node(string op, string[] inputs, params OnnxAttribute[] attributes)
        {
            string output = Fresh();
            graph.Nodes.Add(new OnnxNode(op, $"{op}_{graph.Nodes.Count}", "", inputs, [output], attributes.ToDictionary(a => a.Name)));
            return output;
        }

        private static OnnxAttribute Ints(string name, params long[] values) => new() { Name = name, Ints = values };

        private static OnnxAttribute Int(string name, long value) => new() { Name = name, Int = value };

        private static OnnxAttribute Float(string name, float value) => new() { Name = name, Float = value };

        public string Emit(Module m, string path, string x) => m switch
        {
            Sequential s => Enumerable.Range(0, s.Count).Aggregate(x, (current, i) => Emit(s[i], path, current)),
            Linear l when l.Adapter is { Merged: false } => throw new NotSupportedException("OnnxExport: merge the LoRA adapters first (LoRA.Merge)."),
            Linear l => Node("Gemm", l.Bias is null ? [x, Init(l.Weight)] : [x, Init(l.Weight), Init(l.Bias)], Int("transB", 1)),
            ReLU => Node("Relu", [x]),
            LeakyReLU lr => Node("LeakyRelu", [x], Float("alpha", (float)lr.NegativeSlope)),
            Sigmoid => Node("Sigmoid", [x]),
            Tanh => Node("Tanh", [x]),
            GELU g => Gelu(x, g.Approximate),
            Softmax sm => Node("Softmax", [x], Int("axis", sm.Dim)),
            Dropout or Dropout2d => x,
            Flatten f when f.EndDim == -1 => Node("Flatten", [x], Int("axis", f.StartDim)),
            Conv2d c => Conv(c, x),
            MaxPool2d p when p.Dilation == new Size2d(1, 1) => Node("MaxPool", [x], Ints("kernel_shape", p.KernelSize.Height, p.KernelSize.Width),
                Ints("strides", p.Stride.Height, p.Stride.Width), Ints("pads", p.Padding.Height, p.Padding.Width, p.Padding.Height, p.Padding.Width), Int("ceil_mode", p.CeilMode ? 1 : 0)),
            AvgPool2d p => Node("AveragePool", [x], Ints("kernel_shape", p.KernelSize.Height, p.KernelSize.Width), Ints("strides", p.Stride.Height, p.Stride.Width),
                Ints("pads", p.Padding.Height, p.Padding.Width, p.Padding.Height, p.Padding.Width), Int("ceil_mode", p.CeilMode ? 1 : 0), Int("count_include_pad", p.CountIncludePad ? 1 : 0)),
            BatchNormBase bn when bn.RunningMean is not null => Node("BatchNormalization",
                [x, Init(bn.Weight ?? (Tensor)Tensor.Ones(bn.NumFeatures)), Init(bn.Bias ?? (Tensor)Tensor.Zeros(bn.NumFeatures)), Init(bn.RunningMean), Init(bn.RunningVar!)],
                Float("epsilon", (float)bn.Eps)),
            LayerNorm ln => Node("LayerNormalization", [x, Init(ln.Weight ?? (Tensor)Tensor.Ones([.. ln.NormalizedShape], DType.Float32)), .. ln.Bias is null ? Array.Empty<string>() : [Init(ln.Bias)]],
                Int("axis", -ln.NormalizedShape.Count), Float("epsilon", (float)ln.Eps)),
            _ => throw new NotSupportedException($"OnnxExport: {m.GetType().Name}{(path.Length > 0 ? $" (\"{path}\")" : "")} cannot be exported; " +
                "supported: Sequential of Linear, Conv2d, MaxPool2d, AvgPool2d, Flatten, BatchNorm1d/2d, LayerNorm, ReLU, LeakyReLU, Sigmoid, Tanh, GELU, Softmax, Dropout."),
        };

        private string Conv(Conv2d c, string x)
        {
            int top = c.Padding.Height, left = c.Padding.Width, bottom = top, right = left;
            if (c.Padding.IsSame)
            {
                // PyTorch's "same" (stride 1): total = dilation·(k − 1), the odd pixel on the bottom/right
                int th = c.Dilation.Height * (c.KernelSize.Height - 1), tw = c.Dilation.Width * (c.KernelSize.Width - 1);
                (top, bottom, left, right) = (th / 2, th - th / 2, tw / 2, tw - tw / 2);
            }
            string[] inputs = c.Bias is null ? [x, Init(c.Weight)] : [x, Init(c.Weight), Init(c.Bias)];
            return Node("Conv", inputs, Ints("kernel_shape", c.KernelSize.Height, c.KernelSize.Width), Ints("strides", c.Stride.Height, c.Stride.Width),
                Ints("pads", top, left, bottom, right), Ints("dilations", c.Dilation.Height, c.Dilation.Width), Int("group", c.Groups));
        }

        private string Gelu(string x, string approximate)
        {
            if (approximate != "none") throw new NotSupportedException("OnnxExport: GELU with the tanh approximation cannot be exported yet (the exact one can).");
            // GELU(x) = x · ½ · (1 + erf(x / √2))
            string scaled = Node("Div", [x, Init(Tensor.Scalar(Math.Sqrt(2)))]);
            string erf = Node("Erf", [scaled]);
            string plus = Node("Add", [erf, Init(Tensor.Scalar(1))]);
            string times = Node("Mul", [x, plus]);
            return Node("Mul", [times, Init(Tensor.Scalar(0.5))]);
        }
    }
}
