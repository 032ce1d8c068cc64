using System.Numerics.Tensors;

namespace SharpGrad;

/// <summary>
/// In-place updates (the optimizer's tools). They bump the storage version, so a backward pass that needs the old values
/// fails with a clear error instead of computing wrong gradients; on tensors that require grad they are only allowed
/// inside <see cref="Autograd.NoGrad"/>, like PyTorch's leaf rule.
/// </summary>
public partial class Tensor
{
    /// <summary>this += alpha · other (other broadcasts to this tensor's shape).</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        CheckInPlace("AddInPlace");
        RequireFloating("AddInPlace");
        Tensor o = alpha == 1 ? other.Detach() : other.Detach().MulScalar(alpha);
        AddInPlaceUnchecked(o);
        return this;
    }

    /// <summary>
    /// this += alpha · other in one fused pass when both are dense and of one dtype (the optimizer update θ ← θ − η·g);
    /// otherwise the same as <see cref="AddInPlace"/>.
    /// </summary>
    public Tensor AddScaledInPlace(Tensor other, double alpha)
    {
        CheckInPlace("AddScaledInPlace");
        RequireFloating("AddScaledInPlace");
        if (!(DType.IsFloatingPoint() && IsContiguous && other.IsContiguous && other.DType == DType && SharpGrad.Shape.Equal(other._shape, _shape)))
            return AddInPlace(other, alpha);
        Kernels.Launch.Run((destination: this, other, alpha), static s =>
        {
            if (s.destination.DType == DType.Float32) TensorPrimitives.MultiplyAdd(s.other.Span<float>(), (float)s.alpha, s.destination.Span<float>(), s.destination.Span<float>());
            else TensorPrimitives.MultiplyAdd(s.other.Span<double>(), s.alpha, s.destination.Span<double>(), s.destination.Span<double>());
        });
        Storage.Version++;
        return this;
    }

    /// <summary>this −= other.</summary>
    public Tensor SubInPlace(Tensor other) => AddInPlace(other, -1);

    /// <summary>this ·= s.</summary>
    public Tensor MulInPlace(double s)
    {
        CheckInPlace("MulInPlace");
        RequireFloating("MulInPlace");
        if (IsContiguous)
        {
            Kernels.Launch.Run((destination: this, s), static a =>
            {
                if (a.destination.DType == DType.Float32) TensorPrimitives.Multiply(a.destination.Span<float>(), (float)a.s, a.destination.Span<float>());
                else TensorPrimitives.Multiply(a.destination.Span<double>(), a.s, a.destination.Span<double>());
            });
        }
        else AssignRaw(UnaryRaw(Kernels.UnaryKind.MulScalar, "MulInPlace", s));
        Storage.Version++;
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    public Tensor Fill(double value)
    {
        CheckInPlace("Fill");
        if (IsContiguous && DType.IsFloatingPoint())
            Kernels.Launch.Run((destination: this, value), static s =>
            {
                if (s.destination.DType == DType.Float32) s.destination.Span<float>().Fill((float)s.value);
                else s.destination.Span<double>().Fill(s.value);
            });
        else AssignRaw(Full([], value, DType));
        Storage.Version++;
        return this;
    }

    /// <summary>Sets every element to 0.</summary>
    public Tensor Zero() => Fill(0);

    /// <summary>Copies the values of <paramref name="source"/> (broadcastable, any dtype) into this tensor.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        CheckInPlace("CopyFrom");
        SharpGrad.Shape.Broadcast(source._shape, _shape, "CopyFrom");
        if (source.Rank > Rank || !SharpGrad.Shape.Equal(SharpGrad.Shape.Broadcast(source._shape, _shape, "CopyFrom"), _shape))
            throw new ShapeMismatchException("CopyFrom", source._shape, _shape, "the source must broadcast to the destination's shape");
        AssignRaw(source);
        Storage.Version++;
        return this;
    }

    /// <summary>
    /// Refuses in-place writes into a broadcast view: several of its elements are one memory cell (stride 0),
    /// so the result would depend on write order. PyTorch refuses these too.
    /// </summary>
    internal void RequireWritable(string op)
    {
        for (int i = 0; i < Rank; i++)
            if (_strides[i] == 0 && _shape[i] > 1)
                throw new InvalidOperationException($"{op}: the destination (shape {SharpGrad.Shape.Format(_shape)}, strides {SharpGrad.Shape.Format(_strides)}) " +
                    "is an expanded view in which several elements share one memory location; call Contiguous() or Clone() before writing to it.");
    }

    private void CheckInPlace(string op)
    {
        if (_requiresGrad && Autograd.IsGradEnabled)
            throw new AutogradException($"{op}: a tensor that requires grad (shape {SharpGrad.Shape.Format(_shape)}) cannot be modified in place while grad mode is on; " +
                "wrap parameter updates in `using (Autograd.NoGrad()) {{ ... }}`.");
    }

    /// <summary>this += other without the grad-mode check (gradient accumulation).</summary>
    internal void AddInPlaceUnchecked(Tensor other)
    {
        RequireWritable("AddInPlace");
        if (ReferenceEquals(other.Storage, Storage)) other = other.CopyRaw(); // the source may overlap the destination
        if (!SharpGrad.Shape.Equal(other._shape, _shape))
        {
            if (!SharpGrad.Shape.Equal(SharpGrad.Shape.Broadcast(other._shape, _shape, "AddInPlace"), _shape))
                throw new ShapeMismatchException("AddInPlace", _shape, other._shape, "the right side must broadcast to the left side's shape");
        }
        if (IsContiguous && other.IsContiguous && other.DType == DType && SharpGrad.Shape.Equal(other._shape, _shape))
        {
            if (DType == DType.Float32)
                Kernels.ParallelElementwise.Add((float[])Storage.Data, Offset, (float[])other.Storage.Data, other.Offset, (float[])Storage.Data, Offset, Numel);
            else Kernels.Launch.Run((destination: this, other), static s => TensorPrimitives.Add(s.destination.Span<double>(), s.other.Span<double>(), s.destination.Span<double>()));
        }
        else AssignRaw(BinaryRaw(BinaryKind.Add, Detach(), other.To(DType).Detach(), "AddInPlace"));
        Storage.Version++;
    }
}
