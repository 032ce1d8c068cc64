namespace SharpGrad.NN;

/// <summary>
/// Fully connected layer y = x·Wᵀ + b, like <c>torch.nn.Linear</c>. Input (*, in_features), output (*, out_features).
/// Weight (out, in) and bias (out) are initialised U(−1/√in, 1/√in), PyTorch's default (for the weight this is
/// <see cref="Init.KaimingUniform"/> with a = √5).
/// </summary>
public sealed class Linear : Module
{
    private readonly Generator? _generator;

    /// <summary>Weight, shape (out_features, in_features).</summary>
    public Parameter Weight { get; }

    /// <summary>Bias, shape (out_features), or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>Creates the layer; <paramref name="generator"/> seeds the initialisation (default generator when null).</summary>
    public Linear(int inFeatures, int outFeatures, bool bias = true, Generator? generator = null)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear: in_features ({inFeatures}) and out_features ({outFeatures}) must be positive.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        _generator = generator;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(outFeatures, inFeatures)));
        if (bias) Bias = RegisterParameter("bias", new Parameter(Tensor.Zeros(outFeatures)));
        ResetParameters();
    }

    /// <summary>
    /// Re-draws weight then bias from U(−1/√in, 1/√in) with the layer's generator. kaiming_uniform(a=√5) gives exactly this
    /// bound (√3 · √(2/(1+5)) / √in = 1/√in); it is written directly so that the bound is exact in floating point.
    /// </summary>
    public void ResetParameters()
    {
        double bound = 1.0 / Math.Sqrt(InFeatures);
        Init.Uniform(Weight, -bound, bound, _generator);
        if (Bias is not null) Init.Uniform(Bias, -bound, bound, _generator);
    }

    /// <summary>The LoRA adapter attached by <see cref="LoRA.Apply"/> (null: none).</summary>
    public LoRAAdapter? Adapter { get; private set; }

    /// <summary>Attaches a LoRA adapter: its matrices become the children <c>lora_A</c> and <c>lora_B</c> (PEFT's names).</summary>
    internal void Attach(LoRAAdapter adapter)
    {
        if (Adapter is not null) throw new InvalidOperationException("LoRA: this Linear layer already has an adapter.");
        RegisterModule("lora_A", adapter.A);
        RegisterModule("lora_B", adapter.B);
        if (adapter.DropoutLayer is { } dropout) RegisterModule("lora_dropout", dropout); // its generator is then part of training checkpoints
        Adapter = adapter;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        Tensor y = Tensor.Linear(input, Weight, Bias);
        return Adapter is { Merged: false } adapter ? y.Add(adapter.Delta(input, Training)) : y;
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"in_features={InFeatures}, out_features={OutFeatures}, bias={PyRepr.Bool(Bias is not null)}";
}
