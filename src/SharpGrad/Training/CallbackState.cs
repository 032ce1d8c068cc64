namespace SharpGrad.Training;

/// <summary>
/// What a callback keeps from one epoch to the next (a best value, a patience counter, the best weights), saved in training
/// checkpoints so that a resumed run continues the callback where it stopped — as Lightning's callback <c>state_dict</c>.
/// </summary>
public sealed class CallbackState
{
    /// <summary>Numbers by name (±∞ and NaN allowed).</summary>
    public Dictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    /// <summary>Tensors by name (e.g. the weights of the best epoch).</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    /// <summary>The value named <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointFormatException">The state has no such value.</exception>
    public double Get(string name) => Values.TryGetValue(name, out double v) ? v
        : throw new CheckpointFormatException($"the saved callback state has no \"{name}\" (it has {string.Join(", ", Values.Keys.Select(k => $"\"{k}\""))}).");

    /// <summary>The value named <paramref name="name"/> as an integer.</summary>
    /// <exception cref="CheckpointFormatException">The state has no such value, or it is not an integer.</exception>
    public int GetInt(string name)
    {
        double v = Get(name);
        return v == Math.Floor(v) && v is >= int.MinValue and <= int.MaxValue ? (int)v
            : throw new CheckpointFormatException($"the saved callback state's \"{name}\" is {v}, not an integer.");
    }
}
