using SharpGrad.NN;

namespace SharpGrad.Onnx;

/// <summary>
/// Exports SharpGrad models to ONNX (opset 17), as inference graphs (dropout is the identity, BatchNorm uses its running
/// statistics): a <see cref="Sequential"/> (nested ones too) of <see cref="Linear"/>, <see cref="Conv2d"/>,
/// <see cref="MaxPool2d"/>, <see cref="AvgPool2d"/>, <see cref="Flatten"/>, <see cref="BatchNorm1d"/>, <see cref="BatchNorm2d"/>,
/// <see cref="LayerNorm"/>, <see cref="ReLU"/>, <see cref="LeakyReLU"/>, <see cref="Sigmoid"/>, <see cref="Tanh"/>,
/// <see cref="GELU"/>, <see cref="Softmax"/> and <see cref="Dropout"/>, and the GPT (<see cref="Gpt"/>, for a fixed sequence
/// length: token ids in, logits out, causal attention written out with MatMul, a constant mask and Softmax). Parameters become initializers under their
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
        if (model is Gpt gpt)
        {
            // token ids (batch, T) for a fixed T (sampleShape[0]); logits (batch, T, vocab)
            if (sampleShape.Length != 1 || sampleShape[0] < 1 || sampleShape[0] > gpt.Options.ContextLength)
                throw new ArgumentException($"OnnxExport: a GPT is exported for a sequence length T in [1, {gpt.Options.ContextLength}] (sampleShape = [T]).", nameof(sampleShape));
            graph.Inputs.Add(new OnnxValueInfo("input_ids", OnnxGraph.Int64, [null, sampleShape[0]]));
            graph.Outputs.Add(new OnnxValueInfo(b.Gpt(gpt, "input_ids", sampleShape[0]), OnnxGraph.Float, null));
            return graph;
        }
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

        /// <summary>A linear layer on a tensor of any rank: x·Wᵀ (+ b) as MatMul with the transposed weight, then Add.</summary>
        private string LinearNd(Linear l, string x)
        {
            string y = Node("MatMul", [x, Node("Transpose", [Init(l.Weight)], Ints("perm", 1, 0))]);
            return l.Bias is null ? y : Node("Add", [y, Init(l.Bias)]);
        }

        private string LayerNormNode(LayerNorm ln, string x) =>
            Node("LayerNormalization", [x, Init(ln.Weight ?? (Tensor)Tensor.Ones([.. ln.NormalizedShape], DType.Float32)), .. ln.Bias is null ? Array.Empty<string>() : [Init(ln.Bias)]],
                Int("axis", -1), Float("epsilon", (float)ln.Eps));

        public string Gpt(Gpt gpt, string ids, int t)
        {
            var o = gpt.Options;
            int c = o.Width, hs = o.HeadSize;
            string positions = Init(Tensor.Arange(t, DType.Int64), "position_ids");
            string x = Node("Add", [Node("Gather", [Init(gpt.Wte.Weight), ids]), Node("Gather", [Init(gpt.Wpe.Weight), positions])]);
            // additive causal mask: 0 on and below the diagonal, −∞ above
            var mask = new float[t * t];
            for (int i = 0; i < t; i++)
                for (int j = i + 1; j < t; j++) mask[i * t + j] = float.NegativeInfinity;
            string causal = Init(Tensor.FromArray(mask, t, t), "causal_mask");
            string split = Init(Tensor.FromArray(new long[] { c, c, c }), "qkv_split");
            string headShape = Init(Tensor.FromArray(new long[] { 0, 0, o.Heads, hs }), "head_shape");
            string mergedShape = Init(Tensor.FromArray(new long[] { 0, 0, c }), "merged_shape");
            string scale = Init(Tensor.Scalar(1 / Math.Sqrt(hs)), "attention_scale");
            for (int i = 0; i < gpt.H.Count; i++)
            {
                var block = (GptBlock)gpt.H[i];
                string qkv = LinearNd(block.Attn.CAttn, LayerNormNode(block.Ln1, x));
                string splitOutput = Fresh();
                string[] parts = [splitOutput + "_q", splitOutput + "_k", splitOutput + "_v"];
                graph.Nodes.Add(new OnnxNode("Split", $"Split_{graph.Nodes.Count}", "", [qkv, split], parts, new Dictionary<string, OnnxAttribute> { ["axis"] = Int("axis", 2) }));
                string q = Node("Transpose", [Node("Reshape", [parts[0], headShape])], Ints("perm", 0, 2, 1, 3));   // (B, NH, T, HS)
                string k = Node("Transpose", [Node("Reshape", [parts[1], headShape])], Ints("perm", 0, 2, 3, 1));   // (B, NH, HS, T)
                string v = Node("Transpose", [Node("Reshape", [parts[2], headShape])], Ints("perm", 0, 2, 1, 3));
                string scores = Node("Add", [Node("Mul", [Node("MatMul", [q, k]), scale]), causal]);
                string heads = Node("MatMul", [Node("Softmax", [scores], Int("axis", -1)), v]);                      // (B, NH, T, HS)
                string y = Node("Reshape", [Node("Transpose", [heads], Ints("perm", 0, 2, 1, 3)), mergedShape]);     // (B, T, C)
                x = Node("Add", [x, LinearNd(block.Attn.CProj, y)]);
                string hidden = Emit(block.Mlp.Gelu, "", LinearNd(block.Mlp.CFc, LayerNormNode(block.Ln2, x)));
                x = Node("Add", [x, LinearNd(block.Mlp.CProj, hidden)]);
            }
            x = LayerNormNode(gpt.LnF, x);
            return gpt.LmHead is { } head ? LinearNd(head, x) : Node("MatMul", [x, Node("Transpose", [Init(gpt.Wte.Weight)], Ints("perm", 1, 0))]);
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
