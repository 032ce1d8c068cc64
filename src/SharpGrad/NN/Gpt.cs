namespace SharpGrad.NN;

/// <summary>
/// A decoder-only Transformer language model in nanoGPT's layout and names: token embedding <c>wte</c>, learned positions
/// <c>wpe</c>, blocks <c>h.0</c> … (<c>ln_1</c>, <c>attn.c_attn</c>, <c>attn.c_proj</c>, <c>ln_2</c>, <c>mlp.c_fc</c>,
/// <c>mlp.c_proj</c>), final <c>ln_f</c> and the head <c>lm_head</c> (no bias; shares <c>wte</c>'s weight when
/// <see cref="GptOptions.TiedHead"/>). Initialisation as nanoGPT: N(0, 0.02) weights and embeddings, zero biases, and
/// N(0, 0.02/√(2·Layers)) for the residual projections (<c>c_proj</c>).
/// </summary>
public sealed class Gpt : Module, ILanguageModel
{
    /// <summary>The configuration.</summary>
    public GptOptions Options { get; }

    /// <summary>Token embedding (V, C).</summary>
    public Embedding Wte { get; }

    /// <summary>Position embedding (ContextLength, C).</summary>
    public Embedding Wpe { get; }

    /// <summary>Embedding dropout.</summary>
    public Dropout Drop { get; }

    /// <summary>The blocks.</summary>
    public ModuleList H { get; }

    /// <summary>Final LayerNorm.</summary>
    public LayerNorm LnF { get; }

    /// <summary>Output head C → V without bias, or null when tied to <see cref="Wte"/>.</summary>
    public Linear? LmHead { get; }

    /// <summary>Creates the model; <paramref name="generator"/> seeds the initialisation.</summary>
    public Gpt(GptOptions options, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Wte = RegisterModule("wte", new Embedding(options.VocabSize, options.Width, generator: generator));
        Wpe = RegisterModule("wpe", new Embedding(options.ContextLength, options.Width, generator: generator));
        Drop = RegisterModule("drop", new Dropout(options.Dropout, generator));
        H = RegisterModule("h", new ModuleList(Enumerable.Range(0, options.Layers).Select(_ => (Module)new GptBlock(options, generator)).ToList()));
        LnF = RegisterModule("ln_f", new LayerNorm(options.Width));
        if (!options.TiedHead) LmHead = RegisterModule("lm_head", new Linear(options.Width, options.VocabSize, bias: false, generator));
        double residualStd = 0.02 / Math.Sqrt(2.0 * options.Layers);
        foreach (var (name, p) in NamedParameters())
        {
            if (name.StartsWith("ln_", StringComparison.Ordinal) || name.Contains(".ln_", StringComparison.Ordinal)) continue;
            if (name.EndsWith(".bias", StringComparison.Ordinal)) Init.Zeros(p);
            else if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) Init.Normal(p, 0, residualStd, generator);
            else Init.Normal(p, 0, 0.02, generator);
        }
    }

    /// <summary>Logits (B, T, V) of token ids (B, T) (Int64), T ≤ ContextLength.</summary>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>
    /// Logits (B, T, V) of token ids (B, T). With a <paramref name="cache"/>, the ids are the tokens at positions
    /// cache.Length … cache.Length + T − 1: they attend to the cached keys/values and are appended to the cache.
    /// </summary>
    public Tensor Forward(Tensor ids, KvCache? cache) => Head(Hidden(ids, cache));

    /// <summary>The final hidden states (B, T, C) after <c>ln_f</c>, before the head.</summary>
    private Tensor Hidden(Tensor ids, KvCache? cache)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Rank != 2) throw new ArgumentException($"Gpt: ids must be (B, T), got rank {ids.Rank}.", nameof(ids));
        int t = ids.Shape[1], start = cache?.Length ?? 0;
        if (start + t > Options.ContextLength)
            throw new ArgumentException($"Gpt: {start + t} positions exceed the context length {Options.ContextLength}.", nameof(ids));
        Tensor pos = Tensor.Arange(start, start + t, 1, DType.Int64);
        Tensor x = Drop.Forward(Wte.Forward(ids) + Wpe.Forward(pos)); // (B, T, C)
        for (int i = 0; i < H.Count; i++) x = ((GptBlock)H[i]).Forward(x, cache, i);
        return LnF.Forward(x);
    }

    /// <summary>Logits (B, T, V) of hidden states (B, T, C).</summary>
    private Tensor Head(Tensor hidden) => LmHead is not null ? LmHead.Forward(hidden) : Tensor.Linear(hidden, Wte.Weight);

    /// <summary>
    /// Generates <paramref name="maxNewTokens"/> tokens after <paramref name="promptIds"/> (batch 1) and returns the prompt
    /// followed by the new tokens. Runs under no-grad in evaluation mode (the mode is restored afterwards).
    /// <para>
    /// The model sees a window of the sequence: all of it while it fits in ContextLength (a longer prompt is cropped to its
    /// last ContextLength tokens); past that, <see cref="GenerationOptions.Overflow"/> decides — <see cref="ContextOverflow.Shift"/>
    /// (default) drops the oldest half of the window whenever it is full, <see cref="ContextOverflow.Slide"/> keeps the last
    /// ContextLength tokens at every step.
    /// </para>
    /// <para>
    /// Without the cache, each step runs the model on the whole window. With the cache (<paramref name="useKvCache"/>),
    /// a window is encoded once and each step then processes only the new token against the cached keys/values; when the
    /// window moves, its tokens sit at new positions (learned absolute positions), so the cache is emptied and the window
    /// re-encoded in one forward. Either way the model computes the same logits for the same window, so the tokens are the
    /// same with and without the cache; the cache saves work when the window moves rarely (<see cref="ContextOverflow.Shift"/>)
    /// and nothing once it moves every step (<see cref="ContextOverflow.Slide"/> past the context).
    /// </para>
    /// </summary>
    /// <param name="promptIds">The prompt (at least one token).</param>
    /// <param name="maxNewTokens">Number of tokens to generate.</param>
    /// <param name="options">Sampling options (greedy when null).</param>
    /// <param name="useKvCache">Use the KV cache.</param>
    /// <param name="generator">Sampling generator; a new one seeded with <see cref="GenerationOptions.Seed"/> when null.</param>
    public long[] Generate(IReadOnlyList<long> promptIds, int maxNewTokens, GenerationOptions? options = null, bool useKvCache = true,
        Generator? generator = null)
    {
        int ctx = Options.ContextLength, keep = Math.Max(1, ctx / 2);
        KvCache? cache = useKvCache ? new KvCache(Options.Layers) : null;
        int windowStart = Math.Max(0, (promptIds?.Count ?? 0) - ctx);
        int cachedStart = -1; // the window start the cache was filled from
        return TokenWindow.Generate(this, "Gpt.Generate", promptIds!, maxNewTokens, options, generator, (tokens, o) =>
        {
            if (tokens.Count - windowStart > ctx)
                windowStart = o.Overflow == ContextOverflow.Slide ? tokens.Count - ctx : tokens.Count - keep;
            int from = windowStart;
            if (cache is not null)
            {
                if (cachedStart != windowStart)
                {
                    cache.Clear();
                    cachedStart = windowStart;
                }
                from = windowStart + cache.Length; // only the tokens the cache has not seen
            }
            Tensor hidden = Hidden(TokenWindow.Ids(tokens, from, tokens.Count - from), cache);
            return Head(hidden.Narrow(1, hidden.Shape[1] - 1, 1)).Contiguous().ToArray(); // (1, 1, V): only the last position is needed
        });
    }

    /// <inheritdoc/>
    protected override string ExtraRepr() => "";
}
