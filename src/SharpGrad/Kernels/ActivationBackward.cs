using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SharpGrad.Kernels;

/// <summary>Backward rules of activations expressed through their outputs, each one pass over the data.</summary>
public static class ActivationBackward
{
    /// <summary>dx = g·y·(1 − y), the derivative of the sigmoid written through its output y = σ(x).</summary>
    public static void Sigmoid<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(g, y, dx);
        // dx = (y − y²)·g computed as y·g − y·y·g: two vector passes instead of three allocations of the composite
        TensorPrimitives.Multiply(y, g, dx);          // y·g
        for (int i = 0; i < dx.Length; i++) dx[i] -= dx[i] * y[i];
    }

    /// <summary>dx = g·(1 − y²), the derivative of tanh written through its output y = tanh(x).</summary>
    public static void Tanh<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(g, y, dx);
        TensorPrimitives.Multiply(y, y, dx);          // y²
        for (int i = 0; i < dx.Length; i++) dx[i] = g[i] - g[i] * dx[i];
    }

    /// <summary>
    /// dx = g where x &gt; 0, else 0: the ReLU backward in one vectorised pass (like PyTorch's <c>threshold_backward</c>, a
    /// non-finite g at x ≤ 0 gives 0, not NaN).
    /// </summary>
    public static void Relu<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckLengths(g, x, dx);
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var xv = MemoryMarshal.Cast<T, Vector<T>>(x);
            var dv = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < dv.Length; v++)
                dv[v] = Vector.ConditionalSelect(Vector.GreaterThan(xv[v], Vector<T>.Zero), gv[v], Vector<T>.Zero);
            i = dv.Length * Vector<T>.Count;
        }
        for (; i < dx.Length; i++) dx[i] = x[i] > T.Zero ? g[i] : T.Zero;
    }

    private static void CheckLengths<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx)
    {
        if (g.Length != y.Length || dx.Length != y.Length)
            throw new ArgumentException($"Activation backward: lengths differ (gradient {g.Length}, output {y.Length}, destination {dx.Length}).");
    }
}
