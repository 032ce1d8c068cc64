using System.Text.Json;
using SharpGrad.IO;
using SharpGrad.NN;

namespace SharpGrad.Data.Text;

/// <summary>
/// A language-model checkpoint read back by <see cref="LanguageModelCheckpoint.Load"/>.
/// </summary>
/// <param name="StateDict">The model's parameters and persistent buffers, in saved order (for <see cref="Module.LoadStateDict"/>).</param>
/// <param name="Tokenizer">The tokenizer the model was trained with.</param>
/// <param name="ConfigJson">The model configuration as JSON text (the caller builds the model from it).</param>
/// <param name="Metadata">The string metadata stored with the weights.</param>
/// <param name="Directory">The checkpoint folder.</param>
public sealed record LanguageModelCheckpointData(
    OrderedDictionary<string, Tensor> StateDict,
    ITokenizer Tokenizer,
    string ConfigJson,
    IReadOnlyDictionary<string, string> Metadata,
    string Directory)
{
    /// <summary>Deserializes <see cref="ConfigJson"/> into an options record (System.Text.Json, default options).</summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">The JSON does not hold a <typeparamref name="T"/>.</exception>
    public T Config<T>()
    {
        try
        {
            return JsonSerializer.Deserialize<T>(ConfigJson) ?? throw new FormatException($"{Directory}: config.json is null.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{Directory}: config.json does not hold a {typeof(T).Name}: {e.Message}", e);
        }
    }

    /// <summary>Parses <see cref="ConfigJson"/> (dispose the document when done).</summary>
    /// <returns>The parsed configuration.</returns>
    public JsonDocument ParseConfig() => JsonDocument.Parse(ConfigJson);
}

/// <summary>
/// Saves and loads a language model together with its tokenizer and configuration, as a folder of three files (each
/// written atomically): <c>model.safetensors</c> (the state dict, plus string metadata), <c>tokenizer.json</c>
/// (<see cref="ITokenizer.ToJson"/>) and <c>config.json</c> (the model's options).
/// </summary>
/// <remarks>
/// The checkpoint itself does not record the model type: the caller builds the model from the configuration and loads the
/// state dict into it, or saves the architecture in the metadata (<see cref="LanguageModelLoader.ArchitectureKey"/>) and
/// lets <see cref="LanguageModelLoader.Load(string)"/> rebuild the right model:
/// <code>
/// var ckpt = LanguageModelCheckpoint.Load(dir);
/// var model = new Gpt(ckpt.Config&lt;GptOptions&gt;());
/// model.LoadStateDict(ckpt.StateDict);
/// </code>
/// </remarks>
public static class LanguageModelCheckpoint
{
    /// <summary>The weights file name.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>The tokenizer file name.</summary>
    public const string TokenizerFileName = "tokenizer.json";

    /// <summary>The configuration file name.</summary>
    public const string ConfigFileName = "config.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Saves <paramref name="model"/>'s state dict, <paramref name="tokenizer"/> and <paramref name="config"/> into <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder (created when missing; existing files are replaced).</param>
    /// <param name="model">The model.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="config">The configuration: a JSON string, a <see cref="JsonDocument"/> or <see cref="JsonElement"/>, or any object (e.g. an options record), serialized with System.Text.Json.</param>
    /// <param name="metadata">String metadata stored in the safetensors header (e.g. step, validation loss), or null.</param>
    public static void Save(string directory, Module model, ITokenizer tokenizer, object config, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(directory, model.StateDict(), tokenizer, config, metadata);
    }

    /// <summary>Saves a state dict, <paramref name="tokenizer"/> and <paramref name="config"/> into <paramref name="directory"/>.</summary>
    /// <param name="directory">The folder (created when missing; existing files are replaced).</param>
    /// <param name="stateDict">The tensors to save, in order.</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="config">The configuration (see the other overload).</param>
    /// <param name="metadata">String metadata stored in the safetensors header, or null.</param>
    /// <exception cref="ArgumentException">A config string is not valid JSON.</exception>
    public static void Save(string directory, IEnumerable<KeyValuePair<string, Tensor>> stateDict, ITokenizer tokenizer, object config, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(config);
        string configJson = ConfigToJson(config);
        string tokenizerJson = tokenizer.ToJson();
        System.IO.Directory.CreateDirectory(directory);
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>()) { ["format"] = "sharpgrad-lm" };
        SafeTensors.Save(Path.Combine(directory, ModelFileName), stateDict, meta);
        AtomicFile.WriteAllText(Path.Combine(directory, TokenizerFileName), tokenizerJson);
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFileName), configJson);
    }

    /// <summary>Loads a checkpoint saved by <see cref="Save(string, Module, ITokenizer, object, IReadOnlyDictionary{string, string}?)"/>.</summary>
    /// <param name="directory">The folder.</param>
    /// <param name="tokenizerReader">Builds the tokenizer from <c>tokenizer.json</c>'s text; null for <see cref="TokenizerJson.Parse"/> (register non-built-in kinds first, e.g. <c>Gpt2Tokenizer.Register()</c>).</param>
    /// <returns>The state dict, tokenizer, configuration and metadata.</returns>
    /// <exception cref="DatasetNotFoundException">The folder or one of its three files is missing.</exception>
    public static LanguageModelCheckpointData Load(string directory, Func<string, ITokenizer>? tokenizerReader = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string[] files = [ModelFileName, TokenizerFileName, ConfigFileName];
        string[] missing = files.Where(f => !File.Exists(Path.Combine(directory, f))).ToArray();
        if (missing.Length > 0)
        {
            throw new DatasetNotFoundException(
                $"{directory} is not a language-model checkpoint: missing {string.Join(", ", missing)} " +
                $"(a checkpoint folder holds {string.Join(", ", files)}).", [directory]);
        }

        var (tensors, metadata) = SafeTensors.Load(Path.Combine(directory, ModelFileName));
        string tokenizerJson = File.ReadAllText(Path.Combine(directory, TokenizerFileName));
        ITokenizer tokenizer = (tokenizerReader ?? TokenizerJson.Parse)(tokenizerJson);
        string configJson = File.ReadAllText(Path.Combine(directory, ConfigFileName));
        return new LanguageModelCheckpointData(tensors, tokenizer, configJson, metadata, directory);
    }

    private static string ConfigToJson(object config)
    {
        switch (config)
        {
            case string s:
                try
                {
                    using (JsonDocument.Parse(s)) { }
                }
                catch (JsonException e)
                {
                    throw new ArgumentException($"LanguageModelCheckpoint: the config string is not valid JSON: {e.Message}", nameof(config), e);
                }

                return s;
            case JsonDocument d:
                return d.RootElement.GetRawText();
            case JsonElement el:
                return el.GetRawText();
            default:
                return JsonSerializer.Serialize(config, config.GetType(), Indented);
        }
    }
}
