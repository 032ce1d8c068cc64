namespace SharpGrad.NN;

/// <summary>What the language models' <c>Generate</c> share: the argument checks, evaluation mode under no-grad, the sampling loop.</summary>
internal static class TokenWindow
{
    /// <summary>tokens[from … from + count − 1] as ids (1, count).</summary>
    public static Tensor Ids(List<long> tokens, int from, int count)
    {
        var data = new long[count];
        for (int i = 0; i < count; i++) data[i] = tokens[from + i];
        return Tensor.FromArray(data, 1, count);
    }

    /// <summary>
    /// Appends <paramref name="maxNewTokens"/> tokens to the prompt, each sampled with <paramref name="options"/> from the
    /// logits (V) that <paramref name="nextLogits"/> computes for the sequence so far; runs <paramref name="model"/> in
    /// evaluation mode under no-grad and restores its mode.
    /// </summary>
    public static long[] Generate(Module model, string op, IReadOnlyList<long> promptIds, int maxNewTokens, GenerationOptions? options,
        Generator? generator, Func<List<long>, GenerationOptions, float[]> nextLogits)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Count == 0) throw new ArgumentException($"{op}: the prompt must have at least one token.", nameof(promptIds));
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        options ??= GenerationOptions.Greedy;
        generator ??= new Generator(options.Seed);
        var tokens = new List<long>(promptIds);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            for (int step = 0; step < maxNewTokens; step++)
                tokens.Add(options.Sample(nextLogits(tokens, options), generator));
        }
        finally
        {
            model.Train(wasTraining);
        }
        return [.. tokens];
    }
}
