namespace SharpGrad.History;

/// <summary>One runnable episode of the history of backpropagation (listed in <see cref="HistoryExperiments.All"/>).</summary>
public interface IHistoryExperiment
{
    /// <summary>Short command-line name, e.g. "perceptron" or "xor-1986".</summary>
    string Name { get; }

    /// <summary>Year of the work it reproduces.</summary>
    int Year { get; }

    /// <summary>One line saying what the experiment shows.</summary>
    string Story { get; }

    /// <summary>Runs the experiment; every number in the result is computed by this run.</summary>
    /// <param name="seed">Seed of all randomness (data, initial weights); multi-seed experiments use seed, seed + 1, ….</param>
    /// <param name="runs">Number of seeds for multi-seed experiments (null: the experiment's default).</param>
    ExperimentResult Run(ulong seed, int? runs = null);
}
