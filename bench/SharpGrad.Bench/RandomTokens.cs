namespace SharpGrad.Bench;

/// <summary>Random token batches for the language-model workloads, written into static tensors that a captured step reads.</summary>
internal static class RandomTokens
{
    /// <summary>Uniform tokens in [0, <paramref name="vocab"/>) written into <paramref name="tokens"/>: the values <see cref="Tensor.RandInt"/> would draw, without a new tensor.</summary>
    public static void Fill(Tensor tokens, int vocab, Generator generator)
    {
        Span<long> values = tokens.Span<long>();
        for (int i = 0; i < values.Length; i++) values[i] = generator.NextInt64(0, vocab);
    }
}
