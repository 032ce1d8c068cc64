namespace SharpGrad.Tests.Kernels;

/// <summary>
/// Runs test code with <see cref="SharpGrad.Kernels.KernelThreads.Count"/> set, restoring it afterwards. The setting is
/// process-wide: classes that use this belong to <see cref="KernelGlobalsCollection"/>, which does not run in parallel.
/// </summary>
internal static class KernelThreadCount
{
    public static T With<T>(int threads, Func<T> body)
    {
        int saved = SharpGrad.Kernels.KernelThreads.Count;
        SharpGrad.Kernels.KernelThreads.Count = threads;
        try { return body(); }
        finally { SharpGrad.Kernels.KernelThreads.Count = saved; }
    }

    public static void With(int threads, Action body) => With(threads, () => { body(); return 0; });
}
