using System.Text;
using System.Text.Json;
using SharpGrad.IO;

namespace SharpGrad.Data.Text;

/// <summary>
/// A character-level tokenizer (like nanoGPT's <c>shakespeare_char</c>): the vocabulary is the sorted (ordinal) set of
/// distinct characters of a corpus, and character <c>Vocabulary[i]</c> has id <c>i</c>.
/// </summary>
/// <remarks>
/// <para>Characters are UTF-16 code units (a character outside the Basic Multilingual Plane is two tokens).</para>
/// <para>A character outside the vocabulary is an error unless an <see cref="Unknown"/> fallback character is set, in
/// which case it encodes as the fallback's id.</para>
/// <para>Saved as <c>{"type":"char","vocabulary":"…","unknown":null}</c>.</para>
/// </remarks>
public sealed class CharTokenizer : ITokenizer
{
    /// <summary>The JSON <c>"type"</c> of this tokenizer.</summary>
    public const string TypeName = "char";

    private readonly char[] _vocabulary;
    private readonly int[] _ids; // char code -> id, -1 when absent; length = max char + 1
    private readonly int _unknownId;

    /// <summary>Creates a tokenizer with the given vocabulary (sorted and de-duplicated).</summary>
    /// <param name="vocabulary">The characters; order does not matter, duplicates are ignored.</param>
    /// <param name="unknown">A fallback character for characters outside the vocabulary (added to it when absent), or null to reject them.</param>
    /// <exception cref="ArgumentException">The vocabulary is empty.</exception>
    public CharTokenizer(IEnumerable<char> vocabulary, char? unknown = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var set = new SortedSet<char>(vocabulary);
        if (unknown is char u) set.Add(u);
        if (set.Count == 0) throw new ArgumentException("CharTokenizer: the vocabulary is empty.", nameof(vocabulary));
        _vocabulary = set.ToArray();
        _ids = new int[_vocabulary[^1] + 1];
        Array.Fill(_ids, -1);
        for (int i = 0; i < _vocabulary.Length; i++) _ids[_vocabulary[i]] = i;
        Unknown = unknown;
        _unknownId = unknown is char c ? _ids[c] : -1;
    }

    /// <summary>Builds the tokenizer from the distinct characters of <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The training text.</param>
    /// <param name="unknown">A fallback character for characters not in the corpus, or null to reject them.</param>
    /// <returns>The tokenizer.</returns>
    public static CharTokenizer FromText(string corpus, char? unknown = null)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var seen = new bool[char.MaxValue + 1];
        foreach (char c in corpus) seen[c] = true;
        var chars = new List<char>();
        for (int i = 0; i < seen.Length; i++) if (seen[i]) chars.Add((char)i);
        return new CharTokenizer(chars, unknown);
    }

    /// <summary>The characters, sorted; character i has id i.</summary>
    public IReadOnlyList<char> Vocabulary => _vocabulary;

    /// <summary>The fallback character for characters outside the vocabulary, or null when they are an error.</summary>
    public char? Unknown { get; }

    /// <inheritdoc/>
    public int VocabSize => _vocabulary.Length;

    /// <summary>Whether <paramref name="c"/> is in the vocabulary.</summary>
    /// <param name="c">The character.</param>
    /// <returns>True when it has an id of its own.</returns>
    public bool Contains(char c) => c < _ids.Length && _ids[c] >= 0;

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The text holds a character outside the vocabulary and no <see cref="Unknown"/> is set.</exception>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new int[text.Length];
        Encode(text, result);
        return result;
    }

    /// <summary>Encodes <paramref name="text"/> into <paramref name="destination"/> (one id per character).</summary>
    /// <param name="text">The text.</param>
    /// <param name="destination">At least <c>text.Length</c> ids.</param>
    /// <exception cref="ArgumentException">A character is outside the vocabulary and no <see cref="Unknown"/> is set, or the destination is too short.</exception>
    public void Encode(ReadOnlySpan<char> text, Span<int> destination)
    {
        if (destination.Length < text.Length)
            throw new ArgumentException($"CharTokenizer.Encode: destination holds {destination.Length} ids but the text has {text.Length} characters.", nameof(destination));
        int[] ids = _ids;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int id = c < ids.Length ? ids[c] : -1;
            if (id < 0)
            {
                id = _unknownId;
                if (id < 0)
                {
                    throw new ArgumentException(
                        $"CharTokenizer: character {Describe(c)} at position {i} is not in the vocabulary of {VocabSize} characters. " +
                        "Build the tokenizer from a corpus that contains it, or create it with an 'unknown' fallback character.", nameof(text));
                }
            }

            destination[i] = id;
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, VocabSize).</exception>
    public string Decode(ReadOnlySpan<int> tokens)
    {
        if (tokens.IsEmpty) return string.Empty;
        var chars = new char[tokens.Length];
        for (int i = 0; i < tokens.Length; i++)
        {
            int t = tokens[i];
            if ((uint)t >= (uint)_vocabulary.Length)
                throw new ArgumentOutOfRangeException(nameof(tokens), t, $"CharTokenizer: token id {t} (at position {i}) is outside [0, {VocabSize}).");
            chars[i] = _vocabulary[t];
        }

        return new string(chars);
    }

    /// <inheritdoc/>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("type", TypeName);
            w.WriteNumber("vocab_size", VocabSize);
            w.WriteString("vocabulary", new string(_vocabulary));
            if (Unknown is char u) w.WriteString("unknown", u.ToString());
            else w.WriteNull("unknown");
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Saves the tokenizer as JSON, atomically.</summary>
    /// <param name="path">The file.</param>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Loads a tokenizer saved by <see cref="Save"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FormatException">The file is not a character tokenizer.</exception>
    public static CharTokenizer Load(string path) => TokenizerJson.Load(path) as CharTokenizer
        ?? throw new FormatException($"{path} holds a tokenizer that is not a character tokenizer.");

    /// <summary>Builds the tokenizer from its parsed JSON object.</summary>
    /// <param name="json">The object written by <see cref="ToJson"/>.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FormatException">A property is missing or malformed.</exception>
    public static CharTokenizer FromJson(JsonElement json)
    {
        if (!json.TryGetProperty("vocabulary", out JsonElement v) || v.ValueKind != JsonValueKind.String || v.GetString()!.Length == 0)
            throw new FormatException("Character tokenizer JSON needs a non-empty string \"vocabulary\".");
        string vocabulary = v.GetString()!;
        char? unknown = null;
        if (json.TryGetProperty("unknown", out JsonElement u) && u.ValueKind != JsonValueKind.Null)
        {
            string? s = u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            if (s is null || s.Length != 1) throw new FormatException("Character tokenizer JSON: \"unknown\" must be null or a one-character string.");
            unknown = s[0];
        }

        var tokenizer = new CharTokenizer(vocabulary, unknown);
        if (tokenizer.VocabSize != vocabulary.Length)
            throw new FormatException("Character tokenizer JSON: the vocabulary repeats a character.");
        return tokenizer;
    }

    private static string Describe(char c) =>
        char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c) ? $"U+{(int)c:X4}" : $"'{c}' (U+{(int)c:X4})";
}
