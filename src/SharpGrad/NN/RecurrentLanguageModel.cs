namespace SharpGrad.NN;

/// <summary>
/// The state a <see cref="RecurrentLanguageModel"/> carries from one chunk of a sequence to the next: the hidden state
/// <paramref name="H"/> and, for an LSTM, the cell state <paramref name="C"/>, each (Layers, B, HiddenSize).
/// </summary>
/// <param name="H">Hidden state h_n, (Layers, B, HiddenSize).</param>
/// <param name="C">Cell state c_n of an LSTM, (Layers, B, HiddenSize); null for GRU and RNN.</param>
public sealed record RecurrentState(Tensor H, Tensor? C = null)
{
    /// <summary>The same state cut from the autograd graph (truncated back-propagation through time).</summary>
    /// <returns>The detached state.</returns>
    public RecurrentState Detach() => new(H.Detach(), C?.Detach());
}

/// <summary>
/// A recurrent language model (char-rnn): token embedding <c>embedding</c> (V, E) → recurrent stack <c>lstm</c>, <c>gru</c>
/// or <c>rnn</c> (batch-first, PyTorch's names <c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>,
/// <c>bias_hh_l0</c>, …) → linear head <c>head</c> (hidden → V, with bias), with optional dropout (<c>drop</c>) on the
/// embeddings and before the head. PyTorch's default initialisation for each layer. <see cref="RecurrentLanguageModelOptions.W4"/>
/// is workload W4.
/// <para>
/// Generation feeds the prompt once and then one token at a time, carrying the recurrent state — the recurrent analogue of
/// a Transformer's KV cache, with no context limit. The tokens equal those of recomputing the whole sequence at each step.
/// </para>
/// </summary>
public sealed class RecurrentLanguageModel : Module, ILanguageModel
{
    /// <summary>The configuration.</summary>
    public RecurrentLanguageModelOptions Options { get; }

    /// <summary>Token embedding (V, E).</summary>
    public Embedding Embedding { get; }

    /// <summary>The recurrent stack: an <see cref="LSTM"/>, <see cref="GRU"/> or <see cref="RNN"/> (batch-first).</summary>
    public RNNBase Recurrent { get; }

    /// <summary>Dropout on the embeddings and on the recurrent output.</summary>
    public Dropout Drop { get; }

    /// <summary>Output head, hidden → V.</summary>
    public Linear Head { get; }

    /// <summary>The state-dict prefix of the recurrent stack for a cell kind: <c>lstm</c>, <c>gru</c> or <c>rnn</c>.</summary>
    /// <param name="cell">The cell kind.</param>
    /// <returns>The module name.</returns>
    public static string RecurrentModuleName(RecurrentCellKind cell) => cell switch
    {
        RecurrentCellKind.Lstm => "lstm",
        RecurrentCellKind.Gru => "gru",
        RecurrentCellKind.Rnn => "rnn",
        _ => throw new ArgumentOutOfRangeException(nameof(cell), cell, "Unknown cell kind."),
    };

    /// <summary>Creates the model; <paramref name="generator"/> seeds the initialisation (embedding, recurrent stack, head, in that order) and dropout.</summary>
    /// <param name="options">The configuration.</param>
    /// <param name="generator">The generator, or null for the default one.</param>
    public RecurrentLanguageModel(RecurrentLanguageModelOptions options, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Embedding = RegisterModule("embedding", new Embedding(options.VocabSize, options.EmbeddingDim, generator: generator));
        Drop = RegisterModule("drop", new Dropout(options.Dropout, generator));
        RNNBase recurrent = options.Cell switch
        {
            RecurrentCellKind.Lstm => new LSTM(options.EmbeddingDim, options.HiddenSize, options.Layers, batchFirst: true, dropout: options.Dropout, generator: generator),
            RecurrentCellKind.Gru => new GRU(options.EmbeddingDim, options.HiddenSize, options.Layers, batchFirst: true, dropout: options.Dropout, generator: generator),
            _ => new RNN(options.EmbeddingDim, options.HiddenSize, options.Layers, batchFirst: true, dropout: options.Dropout, generator: generator),
        };
        Recurrent = RegisterModule(RecurrentModuleName(options.Cell), recurrent);
        Head = RegisterModule("head", new Linear(options.HiddenSize, options.VocabSize, generator: generator));
    }

    /// <summary>Logits (B, T, V) of token ids (B, T) (Int64), from a zero initial state.</summary>
    /// <param name="input">Token ids (B, T).</param>
    /// <returns>The logits at every position.</returns>
    public override Tensor Forward(Tensor input) => Forward(input, null).Logits;

    /// <summary>
    /// Logits (B, T, V) of token ids (B, T) (Int64) that continue from <paramref name="state"/> (zeros when null), and the
    /// state after the last token. Feeding a sequence in chunks, passing each chunk's state to the next, gives the same
    /// logits as feeding it whole; <see cref="RecurrentState.Detach"/> the state between chunks for truncated
    /// back-propagation through time.
    /// </summary>
    /// <param name="ids">Token ids (B, T).</param>
    /// <param name="state">The state after the previous tokens, each tensor (Layers, B, HiddenSize), or null to start afresh.</param>
    /// <returns>The logits and the final state.</returns>
    public (Tensor Logits, RecurrentState State) Forward(Tensor ids, RecurrentState? state)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Rank != 2) throw new ArgumentException($"RecurrentLanguageModel: ids must be (B, T), got rank {ids.Rank}.", nameof(ids));
        Tensor x = Drop.Forward(Embedding.Forward(ids)); // (B, T, E)
        Tensor output;
        RecurrentState next;
        switch (Recurrent)
        {
            case LSTM lstm:
            {
                if (state is not null && state.C is null)
                    throw new ArgumentException("RecurrentLanguageModel: an LSTM state needs the cell state C.", nameof(state));
                var (o, h, c) = lstm.Forward(x, state?.H, state?.C);
                (output, next) = (o, new RecurrentState(h, c));
                break;
            }
            case GRU gru:
            {
                var (o, h) = gru.Forward(x, state?.H);
                (output, next) = (o, new RecurrentState(h));
                break;
            }
            default:
            {
                var (o, h) = ((RNN)Recurrent).Forward(x, state?.H);
                (output, next) = (o, new RecurrentState(h));
                break;
            }
        }

        return (Head.Forward(Drop.Forward(output)), next); // (B, T, V)
    }

    /// <summary>
    /// Generates <paramref name="maxNewTokens"/> tokens after <paramref name="promptIds"/> (batch 1) and returns the prompt
    /// followed by the new tokens. Runs under no-grad in evaluation mode (the mode is restored afterwards).
    /// <para>
    /// With <paramref name="useCache"/> (the default) the prompt is fed once and each step then feeds only the newest token,
    /// carrying the recurrent state; without it, each step recomputes the whole sequence from a zero state (quadratic time,
    /// for checking). Both give the same tokens. There is no context limit.
    /// </para>
    /// </summary>
    /// <param name="promptIds">The prompt (at least one token).</param>
    /// <param name="maxNewTokens">Number of tokens to generate.</param>
    /// <param name="options">Sampling options (greedy when null).</param>
    /// <param name="useCache">Carry the recurrent state instead of recomputing the sequence.</param>
    /// <param name="generator">Sampling generator; a new one seeded with <see cref="GenerationOptions.Seed"/> when null.</param>
    /// <returns>The prompt followed by the generated tokens.</returns>
    public long[] Generate(IReadOnlyList<long> promptIds, int maxNewTokens, GenerationOptions? options = null, bool useCache = true, Generator? generator = null)
    {
        RecurrentState? state = null;
        int fed = 0; // tokens already folded into the state
        return TokenWindow.Generate(this, "RecurrentLanguageModel.Generate", promptIds, maxNewTokens, options, generator, (tokens, _) =>
        {
            Tensor logits;
            if (useCache)
            {
                (logits, state) = Forward(TokenWindow.Ids(tokens, fed, tokens.Count - fed), state);
                fed = tokens.Count;
            }
            else
            {
                logits = Forward(TokenWindow.Ids(tokens, 0, tokens.Count), null).Logits;
            }
            return logits.Narrow(1, logits.Shape[1] - 1, 1).Contiguous().ToArray();
        });
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => "";
}
