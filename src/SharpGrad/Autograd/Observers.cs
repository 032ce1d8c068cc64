namespace SharpGrad;

/// <summary>
/// Told by <see cref="Engine.Backward"/>, in execution order, about each node it processes and each gradient it
/// accumulates into a leaf. Used by the backward-pass tracer; the engine evaluates nothing for it when none is given.
/// The tensors passed are the engine's own: an observer that keeps them must not modify them.
/// </summary>
internal interface IBackwardObserver
{
    /// <summary>
    /// A node's backward rule ran: <paramref name="gradOutput"/> is dL/d(output), fully accumulated from every consumer;
    /// <paramref name="inputGrads"/>[k] is the rule's dL/d(<paramref name="inputs"/>[k]) along this edge (null where none).
    /// </summary>
    void OnNode(Node node, Tensor gradOutput, Tensor[] inputs, Tensor?[] inputGrads);

    /// <summary>A gradient contribution is about to be added to a leaf's <see cref="Tensor.Grad"/>.</summary>
    void OnLeafAccumulate(Tensor leaf, Tensor gradient);
}

/// <summary>
/// The forward-side hook: while a recorder is installed on a thread, every op that records an autograd node on that thread
/// reports its output (with <see cref="Tensor.GradFn"/> set) and returns whatever the recorder gives back, so a recorder can
/// observe the graph as it is built or substitute a perturbed copy of an output (finite differences through intermediates).
/// </summary>
internal abstract class GraphRecorder
{
    [ThreadStatic] private static GraphRecorder? t_current;

    /// <summary>The recorder installed on this thread, or null (the normal case).</summary>
    public static GraphRecorder? Current => t_current;

    /// <summary>Called with each newly recorded output; returns the tensor the op hands back to its caller.</summary>
    public abstract Tensor OnRecord(Tensor output);

    /// <summary>Installs <paramref name="recorder"/> on this thread until the returned scope is disposed (scopes nest).</summary>
    public static Scope Install(GraphRecorder recorder) => new(recorder);

    /// <summary>Restores the previously installed recorder when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly GraphRecorder? _previous;

        internal Scope(GraphRecorder recorder)
        {
            _previous = t_current;
            t_current = recorder;
        }

        public void Dispose() => t_current = _previous;
    }
}
