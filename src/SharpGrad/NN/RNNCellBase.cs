namespace SharpGrad.NN;

/// <summary>
/// Shared parameters of <see cref="RNNCell"/>, <see cref="LSTMCell"/> and <see cref="GRUCell"/>, like
/// <c>torch.nn.RNNCellBase</c>: <c>weight_ih</c> (G·hidden, input), <c>weight_hh</c> (G·hidden, hidden) and, with bias,
/// <c>bias_ih</c> and <c>bias_hh</c> (G·hidden), all initialised U(−1/√hidden, 1/√hidden). One step: input (B, input) or
/// unbatched (input); states (B, hidden) or (hidden).
/// </summary>
public abstract class RNNCellBase : Module
{
    private readonly Generator? _generator;

    /// <summary>For gradient checks: tensors used instead of the parameters (same order as <see cref="Module.NamedParameters"/>).</summary>
    internal Tensor[]? Substitute;

    private protected Tensor Wih => Substitute?[0] ?? WeightIh;
    private protected Tensor Whh => Substitute?[1] ?? WeightHh;
    private protected Tensor? Bih => Substitute is null ? BiasIh : Substitute.Length > 2 ? Substitute[2] : null;
    private protected Tensor? Bhh => Substitute is null ? BiasHh : Substitute.Length > 3 ? Substitute[3] : null;

    /// <summary>Input-to-hidden weight (G·hidden, input).</summary>
    public Parameter WeightIh { get; }

    /// <summary>Hidden-to-hidden weight (G·hidden, hidden).</summary>
    public Parameter WeightHh { get; }

    /// <summary>Input-to-hidden bias or null.</summary>
    public Parameter? BiasIh { get; }

    /// <summary>Hidden-to-hidden bias or null.</summary>
    public Parameter? BiasHh { get; }

    /// <summary>Width of the input.</summary>
    public int InputSize { get; }

    /// <summary>Width of the hidden state.</summary>
    public int HiddenSize { get; }

    private protected RNNCellBase(int gates, int inputSize, int hiddenSize, bool bias, Generator? generator)
    {
        if (inputSize <= 0 || hiddenSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"{GetType().Name}: input_size ({inputSize}) and hidden_size ({hiddenSize}) must be positive.");
        InputSize = inputSize; HiddenSize = hiddenSize; _generator = generator;
        WeightIh = RegisterParameter("weight_ih", new Parameter(Tensor.Zeros(gates * hiddenSize, inputSize)));
        WeightHh = RegisterParameter("weight_hh", new Parameter(Tensor.Zeros(gates * hiddenSize, hiddenSize)));
        if (bias)
        {
            BiasIh = RegisterParameter("bias_ih", new Parameter(Tensor.Zeros(gates * hiddenSize)));
            BiasHh = RegisterParameter("bias_hh", new Parameter(Tensor.Zeros(gates * hiddenSize)));
        }
        ResetParameters();
    }

    /// <summary>Re-draws every parameter from U(−1/√hidden, 1/√hidden) in registration order.</summary>
    public void ResetParameters()
    {
        double bound = 1.0 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -bound, bound, _generator);
    }

    /// <summary>Checks the input, adds a batch dim to an unbatched one and returns a state (zeros when null) as (B, hidden).</summary>
    private protected (Tensor X, Tensor State, bool Unbatched) Prepare(Tensor input, Tensor? state)
    {
        ArgumentNullException.ThrowIfNull(input);
        if ((input.Rank != 1 && input.Rank != 2) || input.Size(-1) != InputSize)
            throw new ShapeMismatchException($"{GetType().Name}: input must be (B, {InputSize}) or ({InputSize}), got {SharpGrad.Shape.Format(input.ShapeArray)}.");
        bool unbatched = input.Rank == 1;
        Tensor x = unbatched ? input.Unsqueeze(0) : input;
        int[] expected = unbatched ? [HiddenSize] : [x.Size(0), HiddenSize];
        if (state is not null && !state.Shape.SequenceEqual(expected))
            throw new ShapeMismatchException($"{GetType().Name}: state must have shape {SharpGrad.Shape.Format(expected)}, got {SharpGrad.Shape.Format(state.ShapeArray)}.");
        Tensor s = state is null ? Tensor.Zeros([x.Size(0), HiddenSize], input.DType) : unbatched ? state.Unsqueeze(0) : state;
        return (x, s, unbatched);
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{InputSize}, {HiddenSize}" + (BiasIh is null ? ", bias=False" : "");
}
