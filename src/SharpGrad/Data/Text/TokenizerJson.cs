using System.Collections.Concurrent;
using System.Text.Json;
using SharpGrad.IO;

namespace SharpGrad.Data.Text;

/// <summary>
/// Saves and loads any <see cref="ITokenizer"/> as JSON (the <c>tokenizer.json</c> of a language-model checkpoint).
/// The <c>"type"</c> property selects the reader: <c>"char"</c> is built in; other kinds are registered by the assembly
/// that defines them (<c>SharpGrad.Text.Gpt2Tokenizer.Register()</c> registers <c>"gpt2"</c>).
/// </summary>
public static class TokenizerJson
{
    private static readonly ConcurrentDictionary<string, Func<JsonElement, ITokenizer>> Readers = new(StringComparer.Ordinal)
    {
        [CharTokenizer.TypeName] = CharTokenizer.FromJson,
    };

    /// <summary>Registers (or replaces) the reader for tokenizers whose JSON <c>"type"</c> is <paramref name="type"/>.</summary>
    /// <param name="type">The type name.</param>
    /// <param name="reader">Builds the tokenizer from the parsed JSON object.</param>
    public static void Register(string type, Func<JsonElement, ITokenizer> reader)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentNullException.ThrowIfNull(reader);
        Readers[type] = reader;
    }

    /// <summary>The registered type names.</summary>
    public static IReadOnlyCollection<string> RegisteredTypes => Readers.Keys.ToArray();

    /// <summary>Builds a tokenizer from JSON written by <see cref="ITokenizer.ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FormatException">The JSON is malformed, has no <c>"type"</c>, or names an unregistered type.</exception>
    public static ITokenizer Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"Tokenizer JSON is malformed: {e.Message}", e);
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out JsonElement t) || t.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("Tokenizer JSON must be an object with a string \"type\" property (e.g. \"char\" or \"gpt2\").");
            }

            string type = t.GetString()!;
            string? textType = type switch { "gpt2" => "Gpt2Tokenizer", "wordpiece" => "WordPieceTokenizer", _ => null };
            if (!Readers.TryGetValue(type, out var reader) && textType is not null && TryRegisterTextTokenizer(textType))
            {
                Readers.TryGetValue(type, out reader);
            }

            if (reader is null)
            {
                string hint = textType is not null
                    ? $" Reference the SharpGrad.Text project and call SharpGrad.Text.{textType}.Register() first."
                    : string.Empty;
                throw new FormatException(
                    $"Unknown tokenizer type \"{type}\"; registered: {string.Join(", ", Readers.Keys.Order(StringComparer.Ordinal))}.{hint}");
            }

            return reader(root.Clone());
        }
    }

    /// <summary>Registers a tokenizer of the SharpGrad.Text assembly (GPT-2 BPE, WordPiece) when that assembly is present.</summary>
    private static bool TryRegisterTextTokenizer(string typeName)
    {
        try
        {
            Type? tokenizer = Type.GetType($"SharpGrad.Text.{typeName}, SharpGrad.Text", throwOnError: false);
            tokenizer?.GetMethod("Register", Type.EmptyTypes)?.Invoke(null, null);
            return tokenizer is not null;
        }
        catch (Exception e) when (e is IOException or BadImageFormatException or System.Reflection.TargetInvocationException)
        {
            return false;
        }
    }

    /// <summary>Writes <paramref name="tokenizer"/>'s JSON to <paramref name="path"/> atomically.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="path">The file.</param>
    public static void Save(ITokenizer tokenizer, string path)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        AtomicFile.WriteAllText(path, tokenizer.ToJson());
    }

    /// <summary>Reads a tokenizer saved by <see cref="Save"/> (or by <see cref="CharTokenizer.Save"/>).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="FormatException">The file is not tokenizer JSON.</exception>
    public static ITokenizer Load(string path) => Parse(File.ReadAllText(path));
}
