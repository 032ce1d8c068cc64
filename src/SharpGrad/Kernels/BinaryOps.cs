using System.Numerics;
using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>
/// An elementwise binary operator with its span forms. Span forms go through <see cref="TensorPrimitives"/> (vectorized)
/// where it has the op; <see cref="Apply"/> is the scalar definition and the reference the tests compare against.
/// </summary>
public interface IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The scalar definition.</summary>
    static abstract T Apply(T a, T b);

    /// <summary>True when the span forms below are implemented (vectorized); otherwise drivers loop over <see cref="Apply"/>.</summary>
    static virtual bool Vectorized => false;

    /// <summary>d[i] = op(a[i], b[i]).</summary>
    static virtual void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => throw new NotSupportedException();

    /// <summary>d[i] = op(a[i], b).</summary>
    static virtual void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => throw new NotSupportedException();

    /// <summary>d[i] = op(a, b[i]).</summary>
    static virtual void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => throw new NotSupportedException();
}

/// <summary>a + b.</summary>
public readonly struct AddOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a + b;
    /// <inheritdoc/>
    public static void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Add(a, b, d);
    /// <inheritdoc/>
    public static void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Add(a, b, d);
    /// <inheritdoc/>
    public static void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Add(b, a, d);
}

/// <summary>a − b.</summary>
public readonly struct SubOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a - b;
    /// <inheritdoc/>
    public static void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
    /// <inheritdoc/>
    public static void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
    /// <inheritdoc/>
    public static void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
}

/// <summary>a · b.</summary>
public readonly struct MulOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a * b;
    /// <inheritdoc/>
    public static void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Multiply(a, b, d);
    /// <inheritdoc/>
    public static void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Multiply(a, b, d);
    /// <inheritdoc/>
    public static void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Multiply(b, a, d);
}

/// <summary>a / b (IEEE: x/0 = ±inf, 0/0 = NaN).</summary>
public readonly struct DivOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a / b;
    /// <inheritdoc/>
    public static void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
    /// <inheritdoc/>
    public static void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
    /// <inheritdoc/>
    public static void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
}

/// <summary>a ** b.</summary>
public readonly struct PowOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => T.Pow(a, b);
}

/// <summary>max(a, b), NaN-propagating like <c>torch.maximum</c>.</summary>
public readonly struct MaxOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;
    /// <inheritdoc/>
    public static T Apply(T a, T b) => T.Max(a, b);
    /// <inheritdoc/>
    public static void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Max(a, b, d);
    /// <inheritdoc/>
    public static void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Max(a, b, d);
    /// <inheritdoc/>
    public static void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Max(b, a, d);
}

/// <summary>min(a, b), NaN-propagating like <c>torch.minimum</c>.</summary>
public readonly struct MinOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static bool Vectorized => true;
    /// <inheritdoc/>
    public static T Apply(T a, T b) => T.Min(a, b);
    /// <inheritdoc/>
    public static void Spans(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Min(a, b, d);
    /// <inheritdoc/>
    public static void SpanScalar(ReadOnlySpan<T> a, T b, Span<T> d) => TensorPrimitives.Min(a, b, d);
    /// <inheritdoc/>
    public static void ScalarSpan(T a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Min(b, a, d);
}

/// <summary>1 where a == b, else 0.</summary>
public readonly struct EqOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a == b ? T.One : T.Zero;
}

/// <summary>1 where a != b, else 0.</summary>
public readonly struct NeOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a != b ? T.One : T.Zero;
}

/// <summary>1 where a &lt; b, else 0.</summary>
public readonly struct LtOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a < b ? T.One : T.Zero;
}

/// <summary>1 where a &lt;= b, else 0.</summary>
public readonly struct LeOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a <= b ? T.One : T.Zero;
}

/// <summary>1 where a &gt; b, else 0.</summary>
public readonly struct GtOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a > b ? T.One : T.Zero;
}

/// <summary>1 where a &gt;= b, else 0.</summary>
public readonly struct GeOp<T> : IBinaryOp<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <inheritdoc/>
    public static T Apply(T a, T b) => a >= b ? T.One : T.Zero;
}
