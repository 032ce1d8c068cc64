namespace SharpGrad.History;

/// <summary>The hidden representation an encoder network learned: one hidden vector per input pattern.</summary>
/// <param name="Seed">Seed of the run the codes come from.</param>
/// <param name="Activations">Hidden activations, one row per pattern (pattern i = unit i on).</param>
/// <param name="Codes">The activations thresholded at 0.5, as bit strings ("010"), one per pattern.</param>
public sealed record EncoderCodes(ulong Seed, double[][] Activations, string[] Codes)
{
    /// <summary>Number of distinct binary codes.</summary>
    public int DistinctCount => Codes.Distinct().Count();

    /// <summary>True when every pattern got its own code.</summary>
    public bool AllDistinct => DistinctCount == Codes.Length;

    /// <summary>Builds the codes of a run.</summary>
    public static EncoderCodes From(BackpropRun run) =>
        new(run.Seed, run.HiddenActivations, [.. run.HiddenActivations.Select(h => string.Concat(h.Select(v => v > 0.5 ? '1' : '0')))]);
}
