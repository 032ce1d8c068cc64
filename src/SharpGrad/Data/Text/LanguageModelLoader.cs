using System.Collections.Concurrent;
using SharpGrad.NN;

namespace SharpGrad.Data.Text;

/// <summary>A language model rebuilt from a checkpoint, with its tokenizer.</summary>
/// <param name="Model">The model (a <see cref="Module"/>, in evaluation mode).</param>
/// <param name="Tokenizer">The tokenizer it was trained with.</param>
/// <param name="Architecture">The checkpoint's architecture (<see cref="LanguageModelLoader.GptArchitecture"/>, <see cref="LanguageModelLoader.RecurrentArchitecture"/>, …).</param>
/// <param name="Checkpoint">The checkpoint it was built from (configuration, metadata).</param>
public sealed record LoadedLanguageModel(ILanguageModel Model, ITokenizer Tokenizer, string Architecture, LanguageModelCheckpointData Checkpoint);

/// <summary>
/// Rebuilds the model of a <see cref="LanguageModelCheckpoint"/> whatever its architecture. The architecture is the
/// <c>"architecture"</c> entry of the checkpoint's metadata (<see cref="ArchitectureKey"/>): <c>"gpt"</c> builds a
/// <see cref="Gpt"/> from <c>config.json</c> as <see cref="GptOptions"/>, <c>"recurrent"</c> a
/// <see cref="RecurrentLanguageModel"/> from <see cref="RecurrentLanguageModelOptions"/>; a checkpoint without the entry
/// (saved before it existed) is a GPT. Other architectures plug in with <see cref="Register"/>.
/// </summary>
/// <example>
/// <code>
/// LanguageModelCheckpoint.Save(dir, model, tokenizer, model.Options,
///     new Dictionary&lt;string, string&gt; { [LanguageModelLoader.ArchitectureKey] = LanguageModelLoader.RecurrentArchitecture });
/// var loaded = LanguageModelLoader.Load(dir);
/// long[] ids = loaded.Model.Generate(loaded.Tokenizer.Encode("And ").Select(t => (long)t).ToList(), 100);
/// </code>
/// </example>
public static class LanguageModelLoader
{
    /// <summary>The metadata key that names the architecture.</summary>
    public const string ArchitectureKey = "architecture";

    /// <summary>The architecture of <see cref="Gpt"/> checkpoints (and of checkpoints without an architecture entry).</summary>
    public const string GptArchitecture = "gpt";

    /// <summary>The architecture of <see cref="RecurrentLanguageModel"/> checkpoints.</summary>
    public const string RecurrentArchitecture = "recurrent";

    private static readonly ConcurrentDictionary<string, Func<LanguageModelCheckpointData, Module>> Builders = new(StringComparer.Ordinal)
    {
        [GptArchitecture] = ckpt => new Gpt(ckpt.Config<GptOptions>()),
        [RecurrentArchitecture] = ckpt => new RecurrentLanguageModel(ckpt.Config<RecurrentLanguageModelOptions>()),
    };

    /// <summary>Registers (or replaces) how to build the untrained model of an architecture from its checkpoint's configuration.</summary>
    /// <param name="architecture">The name stored under <see cref="ArchitectureKey"/>.</param>
    /// <param name="build">Builds the model (the loader then loads the state dict into it); it must implement <see cref="ILanguageModel"/>.</param>
    public static void Register(string architecture, Func<LanguageModelCheckpointData, Module> build)
    {
        ArgumentException.ThrowIfNullOrEmpty(architecture);
        ArgumentNullException.ThrowIfNull(build);
        Builders[architecture] = build;
    }

    /// <summary>The registered architecture names.</summary>
    public static IReadOnlyCollection<string> RegisteredArchitectures => Builders.Keys.ToArray();

    /// <summary>The architecture a checkpoint declares, or <see cref="GptArchitecture"/> when it declares none.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The architecture name.</returns>
    public static string ArchitectureOf(LanguageModelCheckpointData checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return checkpoint.Metadata.TryGetValue(ArchitectureKey, out string? a) && !string.IsNullOrEmpty(a) ? a : GptArchitecture;
    }

    /// <summary>Loads the checkpoint in <paramref name="directory"/> and rebuilds its model (strict state-dict load, evaluation mode).</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <returns>The model, its tokenizer, the architecture and the checkpoint.</returns>
    /// <exception cref="DatasetNotFoundException">The folder or one of its files is missing.</exception>
    /// <exception cref="FormatException">The architecture is unknown or the configuration does not fit it.</exception>
    public static LoadedLanguageModel Load(string directory) => Load(LanguageModelCheckpoint.Load(directory));

    /// <summary>Rebuilds the model of a loaded checkpoint (strict state-dict load, evaluation mode).</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The model, its tokenizer, the architecture and the checkpoint.</returns>
    /// <exception cref="FormatException">The architecture is unknown, the configuration does not fit it, or the model is not an <see cref="ILanguageModel"/>.</exception>
    public static LoadedLanguageModel Load(LanguageModelCheckpointData checkpoint)
    {
        string architecture = ArchitectureOf(checkpoint);
        if (!Builders.TryGetValue(architecture, out var build))
        {
            throw new FormatException(
                $"{checkpoint.Directory}: unknown language-model architecture \"{architecture}\"; known: {string.Join(", ", Builders.Keys.Order(StringComparer.Ordinal))}.");
        }

        Module module = build(checkpoint);
        if (module is not ILanguageModel model)
            throw new FormatException($"{checkpoint.Directory}: the \"{architecture}\" builder made a {module.GetType().Name}, which is not an ILanguageModel.");
        module.LoadStateDict(checkpoint.StateDict);
        module.Eval();
        return new LoadedLanguageModel(model, checkpoint.Tokenizer, architecture, checkpoint);
    }
}
