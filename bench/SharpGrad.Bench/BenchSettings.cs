namespace SharpGrad.Bench;

/// <summary>Settings from the command line that several workloads read.</summary>
internal static class BenchSettings
{
    /// <summary>Train eagerly: no captured and replayed steps (<c>--eager</c>), to compare with the default.</summary>
    public static bool Eager { get; set; }

    /// <summary>Warm-up steps for a <see cref="Training.GraphedStep"/>: 1 normally, never-ending (always eager) with <c>--eager</c>.</summary>
    public static int GraphWarmUpSteps => Eager ? int.MaxValue : 1;
}
