namespace SharpGrad.Kernels;

/// <summary>
/// The one door through which an op's kernel writes tensor memory, so that a <see cref="StepGraph"/> can record the writes
/// of a training step and replay them. Outside a capture <see cref="Run{TState}"/> just calls the kernel: the state is a
/// struct and the kernel a static lambda, so nothing is allocated. While a step is being captured on this thread it also
/// keeps (state, kernel) for replay; a kernel launched from inside a recorded one is part of it and is not kept twice.
/// </summary>
internal static class Launch
{
    [ThreadStatic] private static StepGraph? t_recording;
    [ThreadStatic] private static int t_depth;

    /// <summary>True while a step is being captured on this thread (and not from inside a recorded launch).</summary>
    public static bool IsRecording => t_recording is not null && t_depth == 0;

    /// <summary>Runs <paramref name="kernel"/> on <paramref name="state"/> now, and records it when a capture is active.</summary>
    public static void Run<TState>(TState state, Action<TState> kernel)
    {
        if (t_recording is { } graph && t_depth == 0)
        {
            graph.Add(new Recorded<TState>(state, kernel));
            t_depth++;
            try { kernel(state); }
            finally { t_depth--; }
        }
        else kernel(state);
    }

    /// <summary>
    /// <see cref="KernelThreads.Run"/> of <paramref name="job"/>, recorded as the job itself: a job holds its arrays and
    /// sizes and keeps no state between runs, so a replay runs it again without creating anything.
    /// </summary>
    public static void Parallel(KernelThreads.Job job, int parts, int threads) =>
        Run((job, parts, threads), static s => KernelThreads.Run(s.job, s.parts, s.threads));

    /// <summary>Records a kernel without running it now (e.g. re-zeroing a buffer that was allocated zeroed).</summary>
    public static void RecordOnly<TState>(TState state, Action<TState> kernel)
    {
        if (t_recording is { } graph && t_depth == 0) graph.Add(new Recorded<TState>(state, kernel));
    }

    /// <summary>
    /// Refuses <paramref name="what"/> inside a capture: for host-side computations that a replay could not repeat.
    /// </summary>
    /// <exception cref="NotSupportedException">While a step is being captured.</exception>
    public static void RefuseWhileRecording(string what)
    {
        if (IsRecording)
            throw new NotSupportedException($"StepGraph.Capture: {what} cannot be captured (part of it runs on the host and would not be repeated by a replay); run this step eagerly.");
    }

    /// <summary>Starts recording this thread's launches into <paramref name="graph"/>.</summary>
    internal static void BeginRecording(StepGraph graph)
    {
        if (t_recording is not null) throw new InvalidOperationException("StepGraph.Capture: a capture is already running on this thread; captures do not nest.");
        t_recording = graph;
        t_depth = 0;
    }

    /// <summary>Stops recording.</summary>
    internal static void EndRecording() => t_recording = null;

    /// <summary>One recorded kernel launch.</summary>
    internal abstract class Recorded
    {
        public abstract void Run();
    }

    private sealed class Recorded<TState>(TState state, Action<TState> kernel) : Recorded
    {
        public override void Run() => kernel(state);
    }
}
