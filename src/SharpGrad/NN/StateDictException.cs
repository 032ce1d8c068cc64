namespace SharpGrad.NN;

/// <summary>
/// Thrown by <see cref="Module.LoadStateDict"/> when a state dict does not fit the module. Like PyTorch's
/// "Error(s) in loading state_dict", the message lists every problem at once: missing keys, unexpected keys (strict mode)
/// and shape mismatches naming the key and both shapes. Nothing is copied when this is thrown.
/// </summary>
public sealed class StateDictException : InvalidOperationException
{
    /// <summary>Creates the exception from the problems found.</summary>
    public StateDictException(string moduleName, IReadOnlyList<string> missingKeys, IReadOnlyList<string> unexpectedKeys, IReadOnlyList<string> shapeMismatches)
        : base(Format(moduleName, missingKeys, unexpectedKeys, shapeMismatches))
    {
        MissingKeys = missingKeys;
        UnexpectedKeys = unexpectedKeys;
        ShapeMismatches = shapeMismatches;
    }

    /// <summary>Keys the module expects that the state dict lacks (reported in strict mode).</summary>
    public IReadOnlyList<string> MissingKeys { get; }

    /// <summary>Keys in the state dict that the module does not have (reported in strict mode).</summary>
    public IReadOnlyList<string> UnexpectedKeys { get; }

    /// <summary>One line per key whose shape differs, e.g. "size mismatch for 0.weight: … (3, 4) … (4, 3)".</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    private static string Format(string moduleName, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatches)
    {
        var lines = new List<string>();
        if (unexpected.Count > 0) lines.Add("Unexpected key(s) in state_dict: " + string.Join(", ", unexpected.Select(k => $"\"{k}\"")) + ".");
        if (missing.Count > 0) lines.Add("Missing key(s) in state_dict: " + string.Join(", ", missing.Select(k => $"\"{k}\"")) + ".");
        lines.AddRange(mismatches);
        return $"Error(s) in loading state_dict for {moduleName}:\n\t" + string.Join("\n\t", lines);
    }
}

/// <summary>The keys that did not match in a non-strict <see cref="Module.LoadStateDict"/> (both empty after a strict load).</summary>
/// <param name="MissingKeys">Keys of the module that the state dict lacks (those tensors were left unchanged).</param>
/// <param name="UnexpectedKeys">Keys of the state dict that the module does not have (ignored).</param>
public sealed record LoadStateDictResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);
