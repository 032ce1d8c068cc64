namespace SharpGrad.NN;

/// <summary>
/// Shared machinery of <see cref="RNN"/>, <see cref="LSTM"/> and <see cref="GRU"/>, like <c>torch.nn.RNNBase</c>: multi-layer,
/// optionally bidirectional and batch-first recurrent stacks with PyTorch's parameter names (<c>weight_ih_l{k}</c>,
/// <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, with the <c>_reverse</c> suffix for the backward direction)
/// and initialisation U(−1/√hidden, 1/√hidden) for every parameter.
/// <para>
/// Input (T, B, input_size), or (B, T, input_size) when batch-first, or unbatched (T, input_size). Initial states
/// (num_layers·D, B, hidden) where D = 2 when bidirectional (zeros when omitted). Output (T, B, D·hidden) (batch-first:
/// (B, T, D·hidden)) holding the last layer's hidden state at every step; final states (num_layers·D, B, hidden).
/// </para>
/// <para>
/// Speed: per layer and direction, the input projection x·W_ihᵀ + b_ih for all time steps is one GEMM over (T·B, input);
/// each step then runs one (B, H)·W_hhᵀ GEMM and a fused cell kernel, inside a single graph node whose backward pass is
/// written by hand (LSTM and GRU).
/// </para>
/// </summary>
public abstract class RNNBase : Module, IUsesGenerator
{
    private readonly Generator? _generator;

    Generator? IUsesGenerator.RunGenerator => _generator;
    private readonly List<Parameter[]> _weights = [];

    /// <summary>For gradient checks: tensors used instead of the parameters (same order as <see cref="Module.NamedParameters"/>).</summary>
    internal Tensor[]? Substitute;

    /// <summary>Width of each input step.</summary>
    public int InputSize { get; }

    /// <summary>Width of the hidden state.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked layers.</summary>
    public int NumLayers { get; }

    /// <summary>Whether the layers have the biases b_ih and b_hh.</summary>
    public bool Bias { get; }

    /// <summary>Whether input and output are (B, T, feature) instead of (T, B, feature). States are never batch-first.</summary>
    public bool BatchFirst { get; }

    /// <summary>Dropout probability applied to the outputs of every layer except the last (training mode only).</summary>
    public double Dropout { get; }

    /// <summary>Whether each layer also runs the sequence backwards (outputs concatenated, forward direction first).</summary>
    public bool Bidirectional { get; }

    /// <summary>Number of gate blocks stacked in each weight (1 for RNN, 4 for LSTM, 3 for GRU).</summary>
    private protected int Gates { get; }

    /// <summary>Number of directions (1 or 2).</summary>
    private protected int Directions => Bidirectional ? 2 : 1;

    private protected RNNBase(int gates, int inputSize, int hiddenSize, int numLayers, bool bias, bool batchFirst, double dropout, bool bidirectional, Generator? generator)
    {
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), $"{GetType().Name}: input_size ({inputSize}), hidden_size ({hiddenSize}) and num_layers ({numLayers}) must be positive.");
        if (dropout < 0 || dropout > 1) throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "dropout must be in [0, 1].");
        Gates = gates; InputSize = inputSize; HiddenSize = hiddenSize; NumLayers = numLayers; Bias = bias;
        BatchFirst = batchFirst; Dropout = dropout; Bidirectional = bidirectional; _generator = generator;
        for (int layer = 0; layer < numLayers; layer++)
            for (int d = 0; d < Directions; d++)
            {
                string sfx = $"_l{layer}" + (d == 1 ? "_reverse" : "");
                int inW = layer == 0 ? inputSize : hiddenSize * Directions;
                var ps = new List<Parameter>
                {
                    RegisterParameter("weight_ih" + sfx, new Parameter(Tensor.Zeros(gates * hiddenSize, inW))),
                    RegisterParameter("weight_hh" + sfx, new Parameter(Tensor.Zeros(gates * hiddenSize, hiddenSize))),
                };
                if (bias)
                {
                    ps.Add(RegisterParameter("bias_ih" + sfx, new Parameter(Tensor.Zeros(gates * hiddenSize))));
                    ps.Add(RegisterParameter("bias_hh" + sfx, new Parameter(Tensor.Zeros(gates * hiddenSize))));
                }
                _weights.Add([.. ps]);
            }
        ResetParameters();
    }

    /// <summary>Re-draws every parameter from U(−1/√hidden, 1/√hidden) in registration order, as PyTorch does.</summary>
    public void ResetParameters()
    {
        double bound = 1.0 / Math.Sqrt(HiddenSize);
        foreach (var p in Parameters()) Init.Uniform(p, -bound, bound, _generator);
    }

    /// <summary>Runs the stack and returns the output of the last layer at every step.</summary>
    public override Tensor Forward(Tensor input) => Run(input, null, null).Output;

    /// <summary>Runs the stack from the given initial states (zeros when null); returns the output and the final states.</summary>
    private protected (Tensor Output, Tensor H, Tensor? C) Run(Tensor input, Tensor? h0, Tensor? c0)
    {
        ArgumentNullException.ThrowIfNull(input);
        string name = GetType().Name;
        bool unbatched = input.Rank == 2;
        if (input.Rank != 2 && input.Rank != 3)
            throw new ShapeMismatchException($"{name}: input must be (T, B, {InputSize}), (B, T, {InputSize}) with batch_first, or unbatched (T, {InputSize}); got {SharpGrad.Shape.Format(input.ShapeArray)}.");
        if (input.Size(-1) != InputSize)
            throw new ShapeMismatchException($"{name}: expected input_size {InputSize}, got {input.Size(-1)}.");
        Tensor x = unbatched ? input.Unsqueeze(1) : BatchFirst ? input.Transpose(0, 1) : input;
        int batch = x.Size(1), total = NumLayers * Directions;
        int[] stateShape = unbatched ? [total, HiddenSize] : [total, batch, HiddenSize];
        Tensor PrepareState(Tensor? s, string what)
        {
            if (s is null) return Tensor.Zeros([total, batch, HiddenSize], input.DType);
            if (!s.Shape.SequenceEqual(stateShape))
                throw new ShapeMismatchException($"{name}: expected {what} of shape {SharpGrad.Shape.Format(stateShape)}, got {SharpGrad.Shape.Format(s.ShapeArray)}.");
            return unbatched ? s.Unsqueeze(1) : s;
        }
        Tensor h = PrepareState(h0, "h0");
        Tensor? c = Gates == 4 ? PrepareState(c0, "c0") : null;
        var hn = new List<Tensor>(total);
        var cn = new List<Tensor>(total);
        for (int layer = 0; layer < NumLayers; layer++)
        {
            var outs = new Tensor[Directions];
            for (int d = 0; d < Directions; d++)
            {
                int idx = layer * Directions + d;
                Tensor hi = h.Narrow(0, idx, 1).Squeeze(0);
                Tensor? ci = c?.Narrow(0, idx, 1).Squeeze(0);
                int per = Bias ? 4 : 2;
                Tensor[] w = Substitute is null ? _weights[idx] : Substitute[(idx * per)..((idx + 1) * per)];
                var (o, hLast, cLast) = RunDirection(x, w[0], w[1], Bias ? w[2] : null, Bias ? w[3] : null, hi, ci, d == 1);
                outs[d] = o;
                hn.Add(hLast);
                if (cLast is not null) cn.Add(cLast);
            }
            x = Directions == 1 ? outs[0] : Tensor.Concat(outs, 2);
            if (Dropout > 0 && Training && layer < NumLayers - 1) x = x.Dropout(Dropout, true, _generator);
        }
        Tensor hOut = Tensor.Stack(hn, 0);
        Tensor? cOut = Gates == 4 ? Tensor.Stack(cn, 0) : null;
        if (unbatched) return (x.Squeeze(1), hOut.Squeeze(1), cOut?.Squeeze(1));
        return (BatchFirst ? x.Transpose(0, 1) : x, hOut, cOut);
    }

    /// <summary>One direction of one layer over x (T, B, in): returns the outputs (T, B, H) and the final states (B, H).</summary>
    private protected abstract (Tensor Output, Tensor H, Tensor? C) RunDirection(Tensor x, Tensor wIh, Tensor wHh, Tensor? bIh, Tensor? bHh, Tensor h0, Tensor? c0, bool reverse);

    /// <inheritdoc/>
    protected override string ExtraRepr() =>
        $"{InputSize}, {HiddenSize}" + (NumLayers != 1 ? $", num_layers={NumLayers}" : "") + (Bias ? "" : ", bias=False")
        + (BatchFirst ? ", batch_first=True" : "") + (Dropout != 0 ? $", dropout={Dropout}" : "") + (Bidirectional ? ", bidirectional=True" : "");
}
