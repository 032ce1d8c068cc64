namespace SharpGrad.History;

/// <summary>How the network's weights start.</summary>
public enum WeightInit
{
    /// <summary>Each weight and bias drawn independently from U(−r, r).</summary>
    Uniform,

    /// <summary>Every weight and bias equal to one value drawn from U(−r, r): the symmetric start that cannot be broken.</summary>
    Equal,
}

/// <summary>
/// One 1986 experiment: the network (inputs → one logistic hidden layer → logistic outputs, optionally with direct
/// input→output connections) and the generalized delta rule's settings.
/// </summary>
/// <param name="Hidden">Number of hidden units.</param>
/// <param name="LearningRate">ε in Δw(t) = −ε ∂E/∂w(t) + α Δw(t−1).</param>
/// <param name="Momentum">α.</param>
/// <param name="InitRange">r: initial weights and biases from U(−r, r).</param>
/// <param name="MaxSweeps">Sweeps (weight updates) after which a run that has not met the criterion counts as stuck.</param>
/// <param name="Tolerance">Convergence criterion: every output of every pattern within this distance of its target.</param>
/// <param name="DirectConnections">Adds input→output weights (the paper's one-hidden-unit XOR network).</param>
/// <param name="Init">Uniform or equal initial weights.</param>
public sealed record BackpropConfig(int Hidden, double LearningRate, double Momentum = 0.9, double InitRange = 0.3, int MaxSweeps = 5000,
    double Tolerance = 0.1, bool DirectConnections = false, WeightInit Init = WeightInit.Uniform);
