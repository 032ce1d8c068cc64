using System.Numerics;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>
/// GELU forward and fused backward (dx = g·GELU'(x), one pass, no derivative tensor) over float32 or float64, split across
/// <see cref="KernelThreads"/> when the tensor is large. Float32 runs the vectorised <see cref="GeluFloat"/>; float64 runs
/// the scalar definitions of <see cref="Unary.Scalar{T}"/> (the series erf of <see cref="SpecialFunctions.Erf"/>, accurate to
/// about 10⁻¹⁵, which the float64 gradient checks need).
/// </summary>
/// <remarks>
/// The function is elementwise and every element is computed by the same code wherever it lies, so results are
/// bit-identical for any <see cref="KernelThreads.Count"/>.
/// </remarks>
public static class GeluKernel
{
    // Below this many elements the work runs on the calling thread alone (a dispatch costs a few microseconds).
    private const int ParallelMinElements = 1 << 15;
    // Parts are multiples of this many elements (whole cache lines, whole vectors).
    private const int PartAlignment = 64;

    /// <summary>y = GELU(x), exact or (<paramref name="tanh"/>) tanh-approximated. x and y may be the same memory.</summary>
    public static void Forward<T>(ReadOnlyMemory<T> x, Memory<T> y, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (y.Length != x.Length) throw new ArgumentException($"GeluKernel: destination length {y.Length} differs from source length {x.Length}.");
        Run(x, default, y, tanh, backward: false);
    }

    /// <summary>
    /// dx = g·GELU'(x), exact or (<paramref name="tanh"/>) tanh-approximated, in one pass. <paramref name="dx"/> may be the
    /// same memory as x or g.
    /// </summary>
    public static void Backward<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> g, Memory<T> dx, bool tanh) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (g.Length != x.Length || dx.Length != x.Length)
            throw new ArgumentException($"GeluKernel: lengths differ (input {x.Length}, gradient {g.Length}, destination {dx.Length}).");
        Run(x, g, dx, tanh, backward: true);
    }

    private static void Run<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> g, Memory<T> y, bool tanh, bool backward) where T : unmanaged, IFloatingPointIeee754<T> =>
        Launch.Run((x, g, y, tanh, backward), static s => RunNow(s.x, s.g, s.y, s.tanh, s.backward));

    private static void RunNow<T>(ReadOnlyMemory<T> x, ReadOnlyMemory<T> g, Memory<T> y, bool tanh, bool backward) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = x.Length;
        int threads = n < ParallelMinElements ? 1 : KernelThreads.Count;
        if (threads == 1)
        {
            RunSpan(x.Span, g.Span, y.Span, tanh, backward);
            return;
        }
        // A few parts per thread, so that a thread slowed by other work on the machine does not hold up the rest.
        int parts = Math.Min(threads * 4, n / (ParallelMinElements / 4));
        var job = Job<T>.Instance ??= new Job<T>();
        job.Set(x, g, y, tanh, backward, parts);
        try { KernelThreads.Run(job, parts, threads); }
        finally { job.Clear(); }
    }

    /// <summary>One contiguous piece, on the calling thread.</summary>
    private static void RunSpan<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, Span<T> y, bool tanh, bool backward) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var xf = MemoryMarshal.Cast<T, float>(x);
            var yf = MemoryMarshal.Cast<T, float>(y);
            if (backward) GeluFloat.Backward(xf, MemoryMarshal.Cast<T, float>(g), yf, tanh);
            else GeluFloat.Forward(xf, yf, tanh);
            return;
        }
        UnaryKind kind = backward
            ? tanh ? UnaryKind.GeluTanhDerivative : UnaryKind.GeluExactDerivative
            : tanh ? UnaryKind.GeluTanh : UnaryKind.GeluExact;
        for (int i = 0; i < x.Length; i++)
        {
            T v = Unary.Scalar(kind, x[i], T.Zero, T.Zero);
            y[i] = backward ? g[i] * v : v;
        }
    }

    private sealed class Job<T> : KernelThreads.Job where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] internal static Job<T>? Instance;
        private ReadOnlyMemory<T> _x, _g;
        private Memory<T> _y;
        private bool _tanh, _backward;
        private int _parts;

        public void Set(ReadOnlyMemory<T> x, ReadOnlyMemory<T> g, Memory<T> y, bool tanh, bool backward, int parts) =>
            (_x, _g, _y, _tanh, _backward, _parts) = (x, g, y, tanh, backward, parts);

        public void Clear() { _x = _g = default; _y = default; }

        internal override void RunPart(int part)
        {
            int n = _x.Length;
            int start = Boundary(part, n), end = Boundary(part + 1, n);
            if (end <= start) return;
            int len = end - start;
            RunSpan(_x.Span.Slice(start, len), _backward ? _g.Span.Slice(start, len) : default, _y.Span.Slice(start, len), _tanh, _backward);
        }

        private int Boundary(int part, int n) =>
            part >= _parts ? n : (int)Math.Min(n, (long)n * part / _parts / PartAlignment * PartAlignment);
    }
}
