using SharpGrad.IO;

namespace SharpGrad.NN;

/// <summary>
/// A low-rank adapter on one <see cref="Linear"/> layer (Hu et al., 2021, "LoRA"): the layer computes
/// y = x·Wᵀ + b + (α / r)·B·A·dropout(x), with A (r × in) drawn like a linear layer's weight and B (out × r) zero, so the
/// adapted model starts as the original. Only A and B are trained; <see cref="LoRA.Merge"/> folds B·A into W for inference.
/// </summary>
public sealed class LoRAAdapter
{
    private readonly Dropout? _dropout;

    /// <summary>The adapter's dropout layer (null without dropout): its layer's child <c>lora_dropout</c>, as in PEFT.</summary>
    internal Dropout? DropoutLayer => _dropout;

    internal LoRAAdapter(int inFeatures, int outFeatures, int rank, double alpha, double dropout, Generator? generator)
    {
        Rank = rank;
        Alpha = alpha;
        A = new Linear(inFeatures, rank, bias: false, generator: generator);
        B = new Linear(rank, outFeatures, bias: false, generator: generator);
        Init.Zeros(B.Weight);
        if (dropout > 0) _dropout = new Dropout(dropout, generator);
    }

    /// <summary>The down projection A, weight (r, in) — PEFT's <c>lora_A</c>.</summary>
    public Linear A { get; }

    /// <summary>The up projection B, weight (out, r), zero at the start — PEFT's <c>lora_B</c>.</summary>
    public Linear B { get; }

    /// <summary>Rank r.</summary>
    public int Rank { get; }

    /// <summary>α; the update is scaled by α / r.</summary>
    public double Alpha { get; }

    /// <summary>α / r.</summary>
    public double Scale => Alpha / Rank;

    /// <summary>True while B·A is folded into the base weight (<see cref="LoRA.Merge"/>): the forward pass then skips the adapter.</summary>
    public bool Merged { get; internal set; }

    /// <summary>(α / r)·B·A·dropout(x).</summary>
    internal Tensor Delta(Tensor x, bool training)
    {
        Tensor input = _dropout is not null && training ? x.Dropout(_dropout.P, training: true, generator: ((IUsesGenerator)_dropout).RunGenerator) : x;
        return B.Forward(A.Forward(input)).MulScalar(Scale);
    }
}

/// <summary>
/// LoRA fine-tuning (as PEFT's <c>LoraConfig</c> / <c>get_peft_model</c>): attach low-rank adapters to chosen linear layers,
/// train only them, merge them into the weights, and save or load the adapters alone.
/// <code>
/// var adapted = LoRA.Apply(gpt, rank: 8, alpha: 16, targets: ["c_attn", "attn.c_proj"]); // freezes everything else
/// var optimizer = new AdamW(gpt.Parameters(), lr: 1e-3);                               // frozen parameters are skipped
/// // … train …
/// LoRA.SaveAdapters(gpt, "adapters.safetensors");                                      // the adapters alone
/// LoRA.Merge(gpt);                                                                     // W += (α/r)·B·A: plain linear layers again
/// </code>
/// </summary>
public static class LoRA
{
    /// <summary>
    /// Attaches an adapter to every <see cref="Linear"/> layer — and every linear layer of an imported ONNX graph
    /// (<see cref="Onnx.OnnxModule.LinearLayers"/>) — whose name (as in <see cref="Module.NamedModules"/>) matches one
    /// of <paramref name="targets"/> — a pattern over the whole name (<c>"*.c_attn"</c>; <c>*</c> any characters, <c>?</c> one)
    /// or the name's last part(s) (<c>"c_attn"</c>, <c>"attn.c_proj"</c>), as PEFT's <c>target_modules</c>; null: every linear layer — and with
    /// <paramref name="freezeBase"/> freezes every other parameter. Returns the names of the adapted layers.
    /// </summary>
    /// <exception cref="ArgumentException">No linear layer matches, or a bad rank, alpha or dropout.</exception>
    public static IReadOnlyList<string> Apply(Module model, int rank = 8, double alpha = 16, double dropout = 0, string[]? targets = null,
        bool freezeBase = true, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (rank < 1) throw new ArgumentOutOfRangeException(nameof(rank), rank, "LoRA: the rank must be at least 1.");
        if (!(alpha > 0)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "LoRA: alpha must be positive.");
        if (dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "LoRA: dropout must be in [0, 1).");
        bool Wanted(string name) => targets is null || targets.Any(t => Targets(t, name));
        var linear = LinearLayers(model);
        var layers = linear.Where(l => l.Layer is not null && Wanted(l.Path)).Select(l => (Name: l.Path, Layer: l.Layer!)).ToList();
        // the linear layers of imported ONNX graphs (MatMul by a weight initializer), named as OnnxModule.LinearLayers says
        var onnxLayers = linear.Where(l => l.Onnx is not null && Wanted(l.Path)).Select(l => (l.Path, Module: l.Onnx!, Layer: l.OnnxLayer!)).ToList();
        if (layers.Count == 0 && onnxLayers.Count == 0)
            throw new ArgumentException($"LoRA: no linear layer matches {(targets is null ? "(any)" : string.Join(", ", targets.Select(t => $"\"{t}\"")))}; " +
                $"the linear layers are {string.Join(", ", linear.Select(l => l.Path).Take(12))}.", nameof(targets));
        if (freezeBase) model.Freeze();
        var adapters = new List<LoRAAdapter>();
        foreach (var (_, layer) in layers)
        {
            var adapter = new LoRAAdapter(layer.InFeatures, layer.OutFeatures, rank, alpha, dropout, generator);
            layer.Attach(adapter);
            adapters.Add(adapter);
        }
        foreach (var (_, module, name) in onnxLayers)
        {
            Tensor w = module.Weight(name); // (in, out): the graph computes x·W
            var adapter = new LoRAAdapter(w.Shape[0], w.Shape[1], rank, alpha, dropout, generator);
            module.Attach(name, adapter);
            adapters.Add(adapter);
        }
        foreach (var adapter in adapters)
        {
            adapter.A.Unfreeze();
            adapter.B.Unfreeze();
        }
        return [.. layers.Select(l => l.Name), .. onnxLayers.Select(l => l.Path)];
    }

    /// <summary>
    /// The model's adaptable linear layers by name: <see cref="Linear"/> modules without an adapter (and not an adapter's
    /// own matrices), and the linear layers of imported ONNX graphs.
    /// </summary>
    private static List<(string Path, Linear? Layer, Onnx.OnnxModule? Onnx, string? OnnxLayer)> LinearLayers(Module model)
    {
        var found = new List<(string, Linear?, Onnx.OnnxModule?, string?)>();
        foreach (var (path, m) in model.NamedModules())
        {
            if (m is Linear { Adapter: null } l && !path.Contains("lora_", StringComparison.Ordinal)) found.Add((path, l, null, null));
            else if (m is Onnx.OnnxModule onnx)
                foreach (string layer in onnx.LinearLayers.Keys) found.Add((path.Length == 0 ? layer : path + "." + layer, null, onnx, layer));
        }
        return found;
    }

    // As PEFT's target_modules: a target names the layer itself, as a pattern over its whole name ("*.qkv") or as the
    // name's last part(s) ("qkv", "attn.qkv"); a module around it ("blocks.0") is not a target.
    private static bool Targets(string target, string name) =>
        Module.Glob(target, name) || name.EndsWith("." + target, StringComparison.Ordinal);

    /// <summary>The adapters of a model with their layers' names.</summary>
    public static IEnumerable<(string Name, LoRAAdapter Adapter)> Adapters(Module model) =>
        model.NamedModules().Where(m => m.Module is Linear { Adapter: not null }).Select(m => (m.Name, ((Linear)m.Module).Adapter!))
            .Concat(model.NamedModules().Where(m => m.Module is Onnx.OnnxModule).SelectMany(m =>
                ((Onnx.OnnxModule)m.Module).Adapters.Select(a => (m.Name.Length == 0 ? a.Layer : m.Name + "." + a.Layer, a.Adapter))));

    /// <summary>Folds every adapter into its layer's weight (W += (α/r)·B·A) so the model runs as plain linear layers.</summary>
    public static void Merge(Module model) => Fold(model, merge: true);

    /// <summary>Takes merged adapters out of the weights again (W −= (α/r)·B·A), up to float rounding.</summary>
    public static void Unmerge(Module model) => Fold(model, merge: false);

    private static void Fold(Module model, bool merge)
    {
        using var _ = Autograd.NoGrad();
        foreach (var layer in model.Modules().OfType<Linear>())
        {
            if (layer.Adapter is not { } adapter || adapter.Merged == merge) continue;
            layer.Weight.Detach().AddInPlace(Delta(adapter, merge));
            adapter.Merged = merge;
        }
        foreach (var onnx in model.Modules().OfType<Onnx.OnnxModule>())
            foreach (var (_, adapter, weight) in onnx.Adapters)
            {
                if (adapter.Merged == merge) continue;
                weight.Detach().AddInPlace(Delta(adapter, merge).Transpose(0, 1)); // the graph's weight is (in, out)
                adapter.Merged = merge;
            }
    }

    /// <summary>±(α/r)·B·A, shaped like a linear layer's weight (out, in).</summary>
    private static Tensor Delta(LoRAAdapter adapter, bool merge) =>
        adapter.B.Weight.Detach().MatMul(adapter.A.Weight.Detach()).MulScalar(merge ? adapter.Scale : -adapter.Scale);

    /// <summary>The adapters' weights alone, under the model's names (<c>….lora_A.weight</c>, <c>….lora_B.weight</c>, as PEFT saves them).</summary>
    public static OrderedDictionary<string, Tensor> AdapterStateDict(Module model)
    {
        var dict = new OrderedDictionary<string, Tensor>();
        foreach (var (name, t) in model.StateDict())
            if (name.Contains("lora_A.", StringComparison.Ordinal) || name.Contains("lora_B.", StringComparison.Ordinal))
                dict[name] = t;
        return dict;
    }

    /// <summary>Writes the adapters alone (and their rank and alpha) to a safetensors file, atomically.</summary>
    public static void SaveAdapters(Module model, string path)
    {
        var adapters = Adapters(model).ToList();
        if (adapters.Count == 0) throw new InvalidOperationException("LoRA.SaveAdapters: the model has no adapters (LoRA.Apply attaches them).");
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "sharpgrad-lora",
            ["r"] = adapters[0].Adapter.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["lora_alpha"] = adapters[0].Adapter.Alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["target_modules"] = string.Join(",", adapters.Select(a => a.Name)),
        };
        SafeTensors.Save(path, AdapterStateDict(model), metadata);
    }

    /// <summary>
    /// Loads adapters saved by <see cref="SaveAdapters"/> into a model that has the same adapters attached (apply them with
    /// the same targets, rank and alpha first); every adapter weight must be present, nothing else may be.
    /// </summary>
    /// <exception cref="StateDictException">Missing, unexpected or mis-shaped adapter weights.</exception>
    public static void LoadAdapters(Module model, string path)
    {
        var (tensors, _) = SafeTensors.Load(path);
        var own = AdapterStateDict(model);
        var missing = own.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
        var unexpected = tensors.Keys.Where(k => !own.ContainsKey(k)).ToList();
        var mismatched = own.Keys.Where(k => tensors.TryGetValue(k, out var t) && !Shape.Equal(t.Shape, own[k].Shape))
            .Select(k => $"{k}: {Shape.Format(tensors[k].Shape)} in the file, {Shape.Format(own[k].Shape)} in the model").ToList();
        if (missing.Count + unexpected.Count + mismatched.Count > 0)
            throw new StateDictException($"LoRA adapters ({path})", missing, unexpected, mismatched);
        using var _ = Autograd.NoGrad();
        foreach (var (name, t) in own) t.CopyFrom(tensors[name]);
    }
}
