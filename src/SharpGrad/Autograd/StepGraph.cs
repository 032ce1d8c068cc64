using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>
/// A training step captured once and replayed: like a CUDA graph (<c>torch.cuda.CUDAGraph</c>) for the CPU. While
/// <see cref="Capture"/> runs the step eagerly, every kernel launch is recorded with the memory it reads and writes; the
/// step's tensors get memory of their own that the graph keeps. <see cref="Replay"/> then runs the same kernels on the same
/// memory with no graph building, no tensor objects and no managed allocation: the forward pass, the backward pass and the
/// optimizer update of a step whose shapes do not change.
/// <para>
/// The rules are those of CUDA graphs. Inputs are <em>static</em>: the step must read its data from tensors created before
/// the capture, and new data is copied into them (<see cref="Tensor.CopyFrom"/>) before each replay. What the step returns
/// (<see cref="Outputs"/>, e.g. the loss) is overwritten by each replay. Host-side decisions taken during the capture (a
/// branch on a value, a shape) are frozen. Capture after at least one eager step, so that gradients and optimizer state
/// already exist. Ops whose kernels are not recorded would be frozen too: <see cref="Training.GraphedStep"/> checks a
/// captured step against an eager one before trusting it, and the <see cref="Training.Trainer"/> uses it that way.
/// </para>
/// </summary>
public sealed class StepGraph
{
    private readonly List<Launch.Recorded> _launches = [];
    private Tensor[] _outputs = [];

    private StepGraph() { }

    /// <summary>The tensors the captured step returned; each <see cref="Replay"/> writes new values into them.</summary>
    public IReadOnlyList<Tensor> Outputs => _outputs;

    /// <summary>Number of recorded kernel launches.</summary>
    public int LaunchCount => _launches.Count;

    internal void Add(Launch.Recorded launch) => _launches.Add(launch);

    /// <summary>
    /// Runs <paramref name="step"/> once, eagerly (its effects happen, e.g. one optimizer update), and records its kernel
    /// launches. Tensors created by the step are ordinary garbage-collected tensors owned by the graph, even inside a
    /// <see cref="TensorScope"/>.
    /// </summary>
    /// <param name="step">The step; returns the tensors whose values are wanted after each replay (loss, logits, …).</param>
    public static StepGraph Capture(Func<Tensor[]> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var graph = new StepGraph();
        using (TensorScope.Suspend()) // the step's buffers belong to the graph, not to a pool that would hand them out again
        {
            Launch.BeginRecording(graph);
            try
            {
                graph._outputs = step() ?? [];
            }
            finally
            {
                Launch.EndRecording();
            }
        }
        return graph;
    }

    /// <summary>Runs the recorded kernels again, in order, on the captured memory.</summary>
    public void Replay()
    {
        using var _ = Autograd.NoGrad();
        foreach (Launch.Recorded launch in _launches) launch.Run();
    }
}
