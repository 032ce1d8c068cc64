using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;
using SharpGrad.Data.Text;

namespace SharpGrad.Text;

/// <summary>
/// BERT's WordPiece tokenizer (the one of MiniLM, bert-base-uncased and their kin), through <c>Microsoft.ML.Tokenizers</c>'
/// <see cref="BertTokenizer"/>, a port of Hugging Face's <c>BertTokenizer</c>: basic tokenization (clean-up, lower case and
/// accent stripping for uncased vocabularies, punctuation and CJK split), then greedy longest-match WordPiece with
/// <c>##</c> continuations and <c>[UNK]</c> for words it cannot split. With MiniLM's vocabulary (30,522 tokens)
/// "hello world" is [7592, 2088], and a model input is [CLS]=101 … [SEP]=102, padded with [PAD]=0.
/// </summary>
/// <remarks>
/// Saved as <c>{"type":"wordpiece","lower_case":…,"vocab":[…]}</c> (the vocabulary travels with the checkpoint);
/// <see cref="TokenizerJson.Parse"/> reads it back once <see cref="Register"/> has run.
/// </remarks>
public sealed class WordPieceTokenizer : ITokenizer
{
    /// <summary>The JSON <c>"type"</c> of this tokenizer.</summary>
    public const string TypeName = "wordpiece";

    private readonly BertTokenizer _tokenizer;
    private readonly string[] _vocab;

    private WordPieceTokenizer(string[] vocab, bool lowerCase)
    {
        _vocab = vocab;
        LowerCase = lowerCase;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", vocab) + "\n"));
        _tokenizer = BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase });
    }

    /// <summary>
    /// The tokenizer of a <c>vocab.txt</c> (one token per line, the line number is the id), lower-casing (and stripping
    /// accents) as uncased BERT vocabularies need.
    /// </summary>
    /// <exception cref="FormatException">When the vocabulary lacks [PAD], [UNK], [CLS], [SEP] or [MASK], or repeats a token.</exception>
    public static WordPieceTokenizer FromVocabFile(string path, bool lowerCase = true) => FromVocab(File.ReadAllLines(path), lowerCase);

    /// <summary>The tokenizer of a vocabulary given as tokens in id order.</summary>
    /// <exception cref="FormatException">When the vocabulary lacks [PAD], [UNK], [CLS], [SEP] or [MASK], or repeats a token.</exception>
    public static WordPieceTokenizer FromVocab(IReadOnlyList<string> vocab, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        var tokens = vocab.ToArray();
        while (tokens.Length > 0 && tokens[^1].Length == 0) tokens = tokens[..^1]; // a trailing newline
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Length == 0) throw new FormatException($"WordPieceTokenizer: the vocabulary has an empty token at id {i} (line {i + 1}).");
            if (!seen.Add(tokens[i])) throw new FormatException($"WordPieceTokenizer: the token \"{tokens[i]}\" appears twice (the second time at id {i}).");
        }
        foreach (string special in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" })
            if (!seen.Contains(special)) throw new FormatException($"WordPieceTokenizer: the vocabulary has no {special} token.");
        return new WordPieceTokenizer(tokens, lowerCase);
    }

    /// <summary>Whether text is lower-cased and stripped of accents first (uncased vocabularies).</summary>
    public bool LowerCase { get; }

    /// <inheritdoc/>
    public int VocabSize => _vocab.Length;

    /// <summary>The id of [CLS], which starts a model input.</summary>
    public int ClsId => _tokenizer.ClassificationTokenId;

    /// <summary>The id of [SEP], which ends a model input.</summary>
    public int SepId => _tokenizer.SeparatorTokenId;

    /// <summary>The id of [PAD].</summary>
    public int PadId => _tokenizer.PaddingTokenId;

    /// <summary>The id of [UNK].</summary>
    public int UnkId => _tokenizer.UnknownTokenId;

    /// <summary>The token of an id.</summary>
    public string Token(int id) => (uint)id < (uint)_vocab.Length ? _vocab[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"WordPieceTokenizer: token id {id} is outside [0, {_vocab.Length}).");

    /// <summary>The word pieces of <paramref name="text"/> (e.g. "unaffable" → "una", "##ffa", "##ble"), without [CLS] and [SEP].</summary>
    public IReadOnlyList<string> Tokenize(string text) => Encode(text).Select(Token).ToList();

    /// <inheritdoc/>
    /// <remarks>The ids of the word pieces alone; <see cref="EncodeBatch"/> adds [CLS] and [SEP] for a model.</remarks>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Uncased BERT strips accents after a canonical decomposition (Hugging Face: NFD, then drop the marks); the
        // tokenizer drops marks but does not decompose, so strip them here ("Café" → "cafe", not [UNK]).
        if (LowerCase) text = AccentFolding.Strip(text);
        IReadOnlyList<int> ids = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        return ids as int[] ?? ids.ToArray();
    }

    /// <inheritdoc/>
    /// <remarks>Word pieces are joined back into words; [CLS], [SEP] and [PAD] are left out. Uncased text comes back lower-cased.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public string Decode(ReadOnlySpan<int> tokens)
    {
        var ids = new int[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)_vocab.Length)
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"WordPieceTokenizer: token id {tokens[i]} (at position {i}) is outside [0, {_vocab.Length}).");
            ids[i] = tokens[i];
        }
        return _tokenizer.Decode(ids, skipSpecialTokens: true) ?? "";
    }

    /// <summary>
    /// Model inputs for a batch of texts, as BERT takes them: each row [CLS] pieces… [SEP], truncated to
    /// <paramref name="maxLength"/> (the [SEP] kept) and padded with [PAD]; the attention mask is 1 on real tokens, 0 on
    /// padding. Both Int64, shape (texts, maxLength).
    /// </summary>
    public (Tensor InputIds, Tensor AttentionMask) EncodeBatch(IReadOnlyList<string> texts, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "WordPieceTokenizer: maxLength must leave room for [CLS] and [SEP].");
        var ids = new long[texts.Count * maxLength];
        var mask = new long[texts.Count * maxLength];
        for (int r = 0; r < texts.Count; r++)
        {
            int[] pieces = Encode(texts[r]);
            int n = Math.Min(pieces.Length, maxLength - 2);
            int o = r * maxLength;
            ids[o] = ClsId;
            for (int i = 0; i < n; i++) ids[o + 1 + i] = pieces[i];
            ids[o + 1 + n] = SepId;
            for (int i = 0; i < n + 2; i++) mask[o + i] = 1;
            for (int i = n + 2; i < maxLength; i++) ids[o + i] = PadId;
        }
        return (Tensor.FromArray(ids, texts.Count, maxLength), Tensor.FromArray(mask, texts.Count, maxLength));
    }

    /// <inheritdoc/>
    public string ToJson() => JsonSerializer.Serialize(new { type = TypeName, lower_case = LowerCase, vocab = _vocab });

    /// <summary>Registers the <c>"wordpiece"</c> type with <see cref="TokenizerJson"/> (idempotent).</summary>
    public static void Register() => TokenizerJson.Register(TypeName, static (JsonElement json) =>
    {
        if (!json.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Array)
            throw new FormatException("WordPieceTokenizer: the JSON has no \"vocab\" array.");
        bool lower = !json.TryGetProperty("lower_case", out var lc) || lc.ValueKind != JsonValueKind.False;
        return FromVocab(vocab.EnumerateArray().Select(t => t.GetString() ?? throw new FormatException("WordPieceTokenizer: a vocabulary entry is not a string.")).ToArray(), lower);
    });
}
