using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using SharpGrad.IO;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>Thrown when a training checkpoint is malformed or does not fit the training it is loaded into; the message names the field.</summary>
public sealed class CheckpointFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointFormatException(string message) : base(message) { }
}

/// <summary>
/// A training checkpoint in one safetensors file, written atomically: the model's state dict (<c>model.*</c>), the optimizer's
/// (<c>optimizer.*</c>: moments, step counts, learning rates), and in the metadata the epochs and steps done, the history so
/// far, and the states of the random generators the training draws from (the thread's default generator, the generators of
/// the model's dropout layers, and any others the trainer was given), and the state of each callback that keeps one
/// (<c>callbacks</c>: values by callback key; their tensors as <c>callback.KEY.NAME</c>). Loading it into the same setup and training on gives
/// the same numbers as a run that was never interrupted.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string Format = "sharpgrad-training-checkpoint";
    private const string ModelPrefix = "model.", OptimizerPrefix = "optimizer.", CallbackPrefix = "callback.";

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>What a checkpoint restores besides the tensors.</summary>
    /// <param name="EpochsCompleted">Epochs done.</param>
    /// <param name="GlobalStep">Optimisation steps done.</param>
    /// <param name="History">Every epoch's logs so far.</param>
    /// <param name="Callbacks">Callback states by key (<see cref="CallbackKeys"/>).</param>
    public sealed record State(int EpochsCompleted, long GlobalStep, History History, IReadOnlyDictionary<string, CallbackState> Callbacks);

    /// <summary>Each callback's key in a checkpoint: its type's name, with "#k" for the k-th (k ≥ 1) further one of that type.</summary>
    public static List<string> CallbackKeys(IReadOnlyList<Callback> callbacks)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<string>(callbacks.Count);
        foreach (var cb in callbacks)
        {
            string type = cb.GetType().Name;
            int k = seen[type] = seen.GetValueOrDefault(type, -1) + 1;
            keys.Add(k == 0 ? type : $"{type}#{k}");
        }
        return keys;
    }

    public static void Save(string path, Module model, Optimizer optimizer, IReadOnlyList<Generator> generators, State state)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, t) in model.StateDict()) tensors.Add(new(ModelPrefix + name, t));
        foreach (var (key, t) in optimizer.StateDict()) tensors.Add(new(OptimizerPrefix + key, t));
        var callbacks = new Dictionary<string, CallbackRecord>(StringComparer.Ordinal);
        foreach (var (key, cb) in state.Callbacks)
        {
            callbacks[key] = new CallbackRecord(new Dictionary<string, double>(cb.Values), [.. cb.Tensors.Keys]);
            foreach (var (name, t) in cb.Tensors) tensors.Add(new($"{CallbackPrefix}{key}.{name}", t));
        }
        var history = new HistoryRecord([.. state.History.Epochs], state.History.Keys.ToDictionary(k => k, k => state.History[k].ToArray()));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["epochs_completed"] = state.EpochsCompleted.ToString(CultureInfo.InvariantCulture),
            ["global_step"] = state.GlobalStep.ToString(CultureInfo.InvariantCulture),
            ["history"] = JsonSerializer.Serialize(history, Json),
            ["generators"] = JsonSerializer.Serialize(generators.Select(g => g.GetState()).ToArray(), Json),
            ["callbacks"] = JsonSerializer.Serialize(callbacks, Json),
        };
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <exception cref="CheckpointFormatException">A missing or malformed field, or a checkpoint of another model or optimizer.</exception>
    /// <exception cref="SafeTensorsFormatException">A damaged file.</exception>
    public static State Load(string path, Module model, Optimizer optimizer, IReadOnlyList<Generator> generators)
    {
        var (tensors, metadata) = SafeTensors.Load(path);
        string Field(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new CheckpointFormatException($"{path}: the checkpoint has no \"{key}\" in its metadata (is it a training checkpoint?).");
        if (Field("format") != Format) throw new CheckpointFormatException($"{path}: \"format\" is \"{metadata["format"]}\", not \"{Format}\".");
        if (!int.TryParse(Field("epochs_completed"), NumberStyles.None, CultureInfo.InvariantCulture, out int epochs))
            throw new CheckpointFormatException($"{path}: \"epochs_completed\" is not a non-negative integer: \"{metadata["epochs_completed"]}\".");
        if (!long.TryParse(Field("global_step"), NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw new CheckpointFormatException($"{path}: \"global_step\" is not a non-negative integer: \"{metadata["global_step"]}\".");
        HistoryRecord record = Parse<HistoryRecord>(path, "history", Field("history"));
        ulong[][] states = Parse<ulong[][]>(path, "generators", Field("generators"));
        if (states.Length != generators.Count)
            throw new CheckpointFormatException($"{path}: the checkpoint holds {states.Length} generator state(s) but this training draws from {generators.Count}; it was written for another setup.");
        if (record.Epochs is null || record.Values is null || record.Values.Values.Any(v => v is null || v.Length != record.Epochs.Length))
            throw new CheckpointFormatException($"{path}: \"history\" must list its epochs and, for each key, one value per epoch.");

        var modelState = tensors.Where(kv => kv.Key.StartsWith(ModelPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[ModelPrefix.Length..], kv => kv.Value);
        var optimizerState = tensors.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value);
        try
        {
            model.LoadStateDict(modelState);
            optimizer.LoadStateDict(optimizerState);
            for (int i = 0; i < states.Length; i++) generators[i].SetState(states[i]);
        }
        catch (Exception e) when (e is StateDictException or KeyNotFoundException or ArgumentException or ShapeMismatchException or DTypeMismatchException)
        {
            throw new CheckpointFormatException($"{path}: the checkpoint does not fit this model and optimizer: {e.Message}");
        }
        var history = new History();
        for (int i = 0; i < record.Epochs.Length; i++)
            history.Add(record.Epochs[i], record.Values.ToDictionary(kv => kv.Key, kv => kv.Value[i]));
        // callback states (absent in checkpoints written before they were kept: none)
        var callbacks = new Dictionary<string, CallbackState>(StringComparer.Ordinal);
        if (metadata.TryGetValue("callbacks", out string? json))
            foreach (var (key, saved) in Parse<Dictionary<string, CallbackRecord>>(path, "callbacks", json))
            {
                if (saved?.Values is null || saved.Tensors is null)
                    throw new CheckpointFormatException($"{path}: \"callbacks\" must give each callback's values and tensor names; \"{key}\" does not.");
                var cb = new CallbackState();
                foreach (var (name, v) in saved.Values) cb.Values[name] = v;
                foreach (string name in saved.Tensors)
                    cb.Tensors[name] = tensors.TryGetValue($"{CallbackPrefix}{key}.{name}", out var t) ? t
                        : throw new CheckpointFormatException($"{path}: the state of callback \"{key}\" names the tensor \"{name}\", which the file lacks.");
                callbacks[key] = cb;
            }
        return new State(epochs, step, history, callbacks);
    }

    private static T Parse<T>(string path, string field, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json) ?? throw new CheckpointFormatException($"{path}: \"{field}\" is empty.");
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: \"{field}\" is not valid: {e.Message}");
        }
    }

    /// <summary>The generators a training draws from, in a fixed order: the thread's default, then each dropout layer's (once each), then the extra ones.</summary>
    public static List<Generator> GeneratorsOf(Module model, IEnumerable<Generator> extra)
    {
        var list = new List<Generator> { Generator.Default };
        var seen = new HashSet<Generator>(ReferenceEqualityComparer.Instance) { Generator.Default };
        foreach (var m in model.Modules())
            if (m is IUsesGenerator { RunGenerator: { } g } && seen.Add(g)) list.Add(g);
        foreach (var g in extra)
            if (seen.Add(g)) list.Add(g);
        return list;
    }

    private sealed record HistoryRecord(int[] Epochs, Dictionary<string, double[]> Values);

    private sealed record CallbackRecord(Dictionary<string, double> Values, string[] Tensors);
}
