namespace SharpGrad;

/// <summary>Thrown when the shapes given to an op are incompatible. The message names the op and both shapes.</summary>
public sealed class ShapeMismatchException : ArgumentException
{
    /// <summary>Creates the exception with a message a user can act on.</summary>
    public ShapeMismatchException(string message) : base(message) { }

    /// <summary>Creates the exception for <paramref name="op"/> with the two offending shapes.</summary>
    public ShapeMismatchException(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b, string detail)
        : base($"{op}: shapes {Shape.Format(a)} and {Shape.Format(b)} are incompatible: {detail}") { }
}

/// <summary>Thrown when an op receives a tensor of a dtype it does not accept (e.g. Int64 into Exp, or Float32 mixed with Float64).</summary>
public sealed class DTypeMismatchException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    public DTypeMismatchException(string message) : base(message) { }
}

/// <summary>Thrown for misuse of automatic differentiation: backward through a released graph, on a tensor that does not require grad,
/// or after an in-place change to a tensor the graph still needs.</summary>
public sealed class AutogradException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public AutogradException(string message) : base(message) { }
}

/// <summary>
/// Thrown when a tensor is used after the <see cref="TensorScope"/> it was created in ended and recycled its memory.
/// </summary>
public sealed class TensorReleasedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TensorReleasedException(string message) : base(message) { }
}
