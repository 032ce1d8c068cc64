using SharpGrad.History.Experiments;

namespace SharpGrad.History;

/// <summary>The registry of runnable history experiments, in historical order (what <c>sharpgrad history</c> lists).</summary>
public static class HistoryExperiments
{
    /// <summary>
    /// The paper's figures used below are quoted from Rumelhart, Hinton and Williams, "Learning representations by
    /// back-propagating errors", Nature 323, 533–536 (1986) (symmetry) and "Learning internal representations by error
    /// propagation", PDP vol. 1 ch. 8 / ICS Report 8506 (1985) (XOR, parity); see docs/history.md for what was and was not checked.
    /// </summary>
    public static IReadOnlyList<IHistoryExperiment> All { get; } =
    [
        new PerceptronExperiment(),
        new AdalineExperiment(),
        new XorPerceptronExperiment(),
        new BackpropExperiment("xor-backprop",
            "A hidden layer fixes XOR: a 2-2-1 sigmoid network trained by back-propagation solves it from most random starts.",
            BooleanTask.Xor(), new BackpropConfig(Hidden: 2, LearningRate: 0.5, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 5000), 100,
            "XOR ≈ 558 sweeps at η = 0.5 (PDP vol. 1 ch. 8; the paper's figure is for its own XOR runs, quoted from issue 4, not re-checked against the text)."),
        new BackpropExperiment("xor-1986",
            "The paper's XOR network: one hidden unit plus direct input→output connections.",
            BooleanTask.Xor(), new BackpropConfig(Hidden: 1, LearningRate: 0.5, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 5000, DirectConnections: true), 100,
            "≈ 558 sweeps at η = 0.5 (PDP vol. 1 ch. 8; quoted from issue 4, not re-checked against the text)."),
        new BackpropExperiment("parity",
            "4-bit parity with 4 hidden units: each hidden unit learns to count 'at least k ones'.",
            BooleanTask.Parity(4), new BackpropConfig(Hidden: 4, LearningRate: 0.5, Momentum: 0.9, InitRange: 1.0, MaxSweeps: 10000), 50,
            "≈ 2,825 presentations (PDP vol. 1 ch. 8; quoted from issue 4, not re-checked; compare with both our sweeps and pattern presentations)."),
        new BackpropExperiment("symmetry",
            "The 6-2-1 symmetry detector of the Nature paper: two hidden units with mirror-image weights in ratio 1:2:4.",
            BooleanTask.Symmetry(6), new BackpropConfig(Hidden: 2, LearningRate: 0.1, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 10000), 50,
            "1,425 sweeps through the 64 patterns at ε = 0.1, α = 0.9, initial weights U(±0.3) (attributed to Nature 323:533, 1986, Fig. 1 caption; recalled, not re-checked against the text)."),
        new BackpropExperiment("encoder",
            "The 8-3-8 encoder: squeezed through 3 hidden units, the network invents a binary code for 8 patterns.",
            BooleanTask.Encoder(8), new BackpropConfig(Hidden: 3, LearningRate: 0.25, Momentum: 0.9, InitRange: 0.3, MaxSweeps: 10000), 20,
            "PDP ch. 8 shows the learned codes of the 8-3-8 encoder; no sweep count is compared here."),
        new EqualWeightsExperiment(),
    ];

    /// <summary>The experiment called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IHistoryExperiment? Find(string name) => All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}
