namespace SharpGrad.Data.Text;

/// <summary>
/// Turns text into token ids and back. Implementations: <see cref="CharTokenizer"/> (one id per character, built from a
/// corpus) and <c>SharpGrad.Text.Gpt2Tokenizer</c> (GPT-2 byte-level BPE, in the SharpGrad.Text package).
/// </summary>
public interface ITokenizer
{
    /// <summary>The number of distinct token ids; every id is in [0, VocabSize).</summary>
    int VocabSize { get; }

    /// <summary>Encodes <paramref name="text"/> into token ids.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids, each in [0, <see cref="VocabSize"/>).</returns>
    int[] Encode(string text);

    /// <summary>Decodes token ids back into text.</summary>
    /// <param name="tokens">Token ids, each in [0, <see cref="VocabSize"/>).</param>
    /// <returns>The text.</returns>
    string Decode(ReadOnlySpan<int> tokens);

    /// <summary>
    /// The tokenizer as a JSON object whose <c>"type"</c> property names its kind (e.g. <c>"char"</c>, <c>"gpt2"</c>);
    /// <see cref="TokenizerJson.Parse"/> reads it back.
    /// </summary>
    /// <returns>The JSON text.</returns>
    string ToJson();
}
