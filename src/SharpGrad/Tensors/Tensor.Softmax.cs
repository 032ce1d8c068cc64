namespace SharpGrad;

/// <summary>Softmax and log-softmax along a dim, with their Jacobian-vector backward rules.</summary>
public partial class Tensor
{
    /// <summary>
    /// softmax(x)ᵢ = exp(xᵢ − max x) / Σⱼ exp(xⱼ − max x) along <paramref name="dim"/>. −inf entries get 0;
    /// a row that is entirely −inf gives zeros (PyTorch gives NaN there).
    /// </summary>
    public Tensor Softmax(int dim)
    {
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "Softmax");
        Tensor result = SoftmaxRaw(d, log: false);
        Tensor y = result.Detach();
        // dx = y ⊙ (g − Σ(g ⊙ y))
        return result.Record("SoftmaxBackward", [this], g => [y.Mul(g.Sub(g.Mul(y).Sum(d, keepDim: true)))], result);
    }

    /// <summary>log softmax along <paramref name="dim"/>: x − max − log Σ exp(x − max), computed stably. A row that is entirely −inf gives −inf.</summary>
    public Tensor LogSoftmax(int dim)
    {
        int d = SharpGrad.Shape.NormalizeDim(dim, Rank, "LogSoftmax");
        Tensor result = SoftmaxRaw(d, log: true);
        Tensor y = result.Detach();
        // dx = g − softmax ⊙ Σ g
        return result.Record("LogSoftmaxBackward", [this], g => [g.Sub(y.Exp().Mul(g.Sum(d, keepDim: true)))], result);
    }

    private Tensor SoftmaxRaw(int d, bool log)
    {
        RequireFloating(log ? "LogSoftmax" : "Softmax");
        if (Rank == 0) return log ? ZerosLike(this) : OnesLike(this);
        bool last = d == Rank - 1;
        Tensor src = (last ? this : Detach().Transpose(d, Rank - 1)).ContiguousRaw();
        var result = new Tensor(Storage.Allocate(DType, Numel), src.ShapeArray);
        int n = src._shape[^1];
        Kernels.Launch.Run((src, result, n, log), static s =>
        {
            if (s.src.DType == DType.Float32) Kernels.Softmax.Rows(s.src.Span<float>(), s.result.Span<float>(), s.n, s.log);
            else Kernels.Softmax.Rows(s.src.Span<double>(), s.result.Span<double>(), s.n, s.log);
        });
        return last ? result : result.Transpose(d, Rank - 1).ContiguousRaw();
    }
}
