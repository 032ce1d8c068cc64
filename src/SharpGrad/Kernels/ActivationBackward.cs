using System.Numerics;
using System.Numerics.Tensors;

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

    private static void CheckLengths<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx)
    {
        if (g.Length != y.Length || dx.Length != y.Length)
            throw new ArgumentException($"Activation backward: lengths differ (gradient {g.Length}, output {y.Length}, destination {dx.Length}).");
    }
}
