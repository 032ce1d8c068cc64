namespace SharpGrad.NN;

/// <summary>
/// A model that continues a sequence of token ids: what <c>sharpgrad generate</c> and
/// <see cref="Data.Text.LanguageModelLoader"/> work with, whatever the architecture (<see cref="Gpt"/>,
/// <see cref="RecurrentLanguageModel"/>).
/// </summary>
public interface ILanguageModel
{
    /// <summary>
    /// Generates <paramref name="maxNewTokens"/> tokens after <paramref name="promptIds"/> (batch 1) and returns the prompt
    /// followed by the new tokens, choosing each with <see cref="GenerationOptions.Sample"/>.
    /// </summary>
    /// <param name="promptIds">The prompt (at least one token).</param>
    /// <param name="maxNewTokens">Number of tokens to generate.</param>
    /// <param name="options">Sampling options (greedy when null).</param>
    /// <param name="useCache">
    /// Reuse the work done on earlier tokens (the KV cache of a Transformer, the hidden state of a recurrent network) instead
    /// of recomputing the whole sequence at every step. It changes the speed, not the tokens.
    /// </param>
    /// <param name="generator">Sampling generator; a new one seeded with <see cref="GenerationOptions.Seed"/> when null.</param>
    /// <returns>The prompt followed by the generated tokens.</returns>
    long[] Generate(IReadOnlyList<long> promptIds, int maxNewTokens, GenerationOptions? options = null, bool useCache = true, Generator? generator = null);
}
