using System.Numerics.Tensors;
using SharpGrad.Kernels;

namespace SharpGrad;

/// <summary>Matrix products: MatMul with NumPy semantics (1-D, 2-D, batched with broadcasting) and Linear.</summary>
public partial class Tensor
{
    /// <summary>
    /// Matrix product like <c>torch.matmul</c>: 1-D·1-D is a dot product; a 1-D left operand is treated as a row and a 1-D
    /// right operand as a column (the added dim is removed afterwards); N-D operands are batches of matrices whose batch
    /// dims broadcast. Transposed views are multiplied without copying.
    /// </summary>
    /// <exception cref="ShapeMismatchException">When the inner dimensions differ.</exception>
    public Tensor MatMul(Tensor other)
    {
        if (Rank == 0 || other.Rank == 0)
            throw new ShapeMismatchException("MatMul", _shape, other._shape, "both arguments need at least 1 dimension (use Mul for scalars)");
        if (Rank == 1 && other.Rank == 1) return Unsqueeze(0).MatMul(other.Unsqueeze(1)).Reshape();
        if (Rank == 1) return Unsqueeze(0).MatMul(other).Squeeze(-2);
        if (other.Rank == 1) return MatMul(other.Unsqueeze(1)).Squeeze(-1);
        (Tensor a, Tensor b) = Promote(this, other, "MatMul");
        return MatMulRaw(a, b).Record("MatMulBackward", [a, b], g =>
        [
            // C = A·B  ⇒  dA = dC·Bᵀ,  dB = Aᵀ·dC  (summed over broadcast batch dims)
            NeedsGradIn(a) ? g.MatMul(b.Transpose(-1, -2)).SumTo(a._shape) : null,
            NeedsGradIn(b) ? a.Transpose(-1, -2).MatMul(g).SumTo(b._shape) : null,
        ], a, b);
    }

    /// <summary>
    /// y (rows, out) = x (rows, in) · Wᵀ for a handful of rows, as SIMD dot products over W's contiguous rows. Reading W
    /// dominates (one token of generation reads every weight once), so large layers split the output features across
    /// <see cref="Kernels.KernelThreads"/>; each output is one dot product on one thread, so the result does not depend on
    /// the thread count.
    /// </summary>
    private static Tensor LinearFewRows(Tensor x, Tensor weight, int rows, int inFeatures, int outFeatures)
    {
        var y = new Tensor(Storage.AllocateUninitialized(DType.Float32, rows * outFeatures), [rows, outFeatures]);
        var job = new FewRowsJob((float[])x.Storage.Data, x.Offset, (float[])weight.Storage.Data, weight.Offset, (float[])y.Storage.Data, rows, inFeatures, outFeatures);
        int parts = (int)Math.Min(16, Math.Max(1, (long)outFeatures * inFeatures / 32768));
        job.Step = (outFeatures + parts - 1) / parts;
        Launch.Parallel(job, (outFeatures + job.Step - 1) / job.Step, Kernels.KernelThreads.Count);
        return y;
    }

    private sealed class FewRowsJob(float[] x, int xOffset, float[] w, int wOffset, float[] y, int rows, int inFeatures, int outFeatures) : Kernels.KernelThreads.Job
    {
        public int Step;

        internal override void RunPart(int part)
        {
            int o0 = part * Step, o1 = Math.Min(outFeatures, o0 + Step);
            for (int r = 0; r < rows; r++)
            {
                ReadOnlySpan<float> xr = x.AsSpan(xOffset + r * inFeatures, inFeatures);
                for (int o = o0; o < o1; o++)
                    y[r * outFeatures + o] = TensorPrimitives.Dot(xr, w.AsSpan(wOffset + o * inFeatures, inFeatures));
            }
        }
    }

    /// <summary>
    /// y = x·Wᵀ + b, like <c>torch.nn.functional.linear</c>: <paramref name="input"/> (…, in), <paramref name="weight"/> (out, in),
    /// <paramref name="bias"/> (out) or null; result (…, out).
    /// </summary>
    public static Tensor Linear(Tensor input, Tensor weight, Tensor? bias = null)
    {
        if (weight.Rank != 2) throw new ShapeMismatchException($"Linear: weight must be 2-D (out_features, in_features), got shape {SharpGrad.Shape.Format(weight._shape)}.");
        if (input.Rank == 0 || input.Size(-1) != weight._shape[1])
            throw new ShapeMismatchException("Linear", input._shape, weight._shape, $"the input's last dimension must equal the weight's in_features ({weight._shape[1]})");
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != weight._shape[0]))
            throw new ShapeMismatchException("Linear", bias._shape, weight._shape, $"the bias must have shape [{weight._shape[0]}] (out_features)");
        int inFeatures = weight._shape[1], outFeatures = weight._shape[0];
        if (input.DType != weight.DType || (bias is not null && bias.DType != weight.DType))
        {
            // Promote differentiably (as PyTorch does) so that each leaf's gradient keeps the leaf's dtype.
            DType common = input.DType == DType.Float64 || weight.DType == DType.Float64 || bias?.DType == DType.Float64 ? DType.Float64 : DType.Float32;
            input.RequireFloating("Linear");
            weight.RequireFloating("Linear");
            return Linear(input.To(common), weight.To(common), bias?.To(common));
        }
        input.RequireFloating("Linear");
        int rows = 1;
        for (int i = 0; i < input.Rank - 1; i++) rows *= input._shape[i];
        Tensor x2 = input.ContiguousRaw();
        x2 = new Tensor(x2.Storage, [rows, inFeatures], [inFeatures, 1], x2.Offset);
        Tensor w = weight;
        // A few rows (token-by-token generation): dot products straight off W's rows beat packing W for the GEMM.
        bool fewRows = rows <= 4 && x2.DType == DType.Float32 && weight.IsContiguous;
        Tensor? rowBias = bias is null || fewRows ? null : bias.To(x2.DType).ContiguousRaw();
        Tensor y = fewRows
            ? LinearFewRows(x2, weight, rows, inFeatures, outFeatures)
            : MatMulRaw(x2, w.Detach().Transpose(0, 1), rowBias); // y = b, then y += x·Wᵀ
        if (bias is not null && fewRows)
        {
            Launch.Run((y, bb: bias.To(y.DType).ContiguousRaw()), static s =>
            {
                if (s.y.DType == DType.Float32) AddRows(s.y.Span<float>(), s.bb.Span<float>());
                else AddRows(s.y.Span<double>(), s.bb.Span<double>());
            });
        }
        var outShape = input.ShapeArray;
        outShape[^1] = outFeatures;
        y = new Tensor(y.Storage, outShape);
        Tensor xIn = input, wIn = weight;
        Tensor[] inputs = bias is null ? [xIn, wIn] : [xIn, wIn, bias];
        return y.Record("LinearBackward", inputs, g =>
        {
            Tensor g2 = g.Reshape(-1, outFeatures);
            return
            [
                NeedsGradIn(xIn) ? g2.MatMul(wIn).Reshape(xIn._shape) : null, // dX = dY·W
                NeedsGradIn(wIn) ? g2.Transpose(0, 1).MatMul(xIn.Reshape(-1, inFeatures)) : null, // dW = dYᵀ·X
                bias is not null && NeedsGradIn(bias) ? g2.Sum(0) : null, // db = Σ_rows dY
            ];
        }, xIn, wIn);
    }

    private static void AddRows<T>(Span<T> y, ReadOnlySpan<T> row) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int o = 0; o < y.Length; o += row.Length) TensorPrimitives.Add(y.Slice(o, row.Length), row, y.Slice(o, row.Length));
    }

    private static void FillRows<T>(Span<T> y, ReadOnlySpan<T> row)
    {
        for (int o = 0; o < y.Length; o += row.Length) row.CopyTo(y.Slice(o, row.Length));
    }

    /// <summary>Batched matrix product of operands with rank ≥ 2, no autograd.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <param name="rowBias">
    /// Optional contiguous vector of length cols added to every row of the result: written first, then the GEMM
    /// accumulates onto it (the bias of a linear layer, at no extra pass).
    /// </param>
    internal static Tensor MatMulRaw(Tensor a, Tensor b, Tensor? rowBias = null)
    {
        (a, b) = Promote(a, b, "MatMul");
        int n = a._shape[^2], k = a._shape[^1], k2 = b._shape[^2], m = b._shape[^1];
        if (k != k2)
            throw new ShapeMismatchException("MatMul", a._shape, b._shape, $"the inner dimensions differ ({a.Rank}-D left has {k} columns, {b.Rank}-D right has {k2} rows)");
        int[] batch = SharpGrad.Shape.Broadcast(a._shape.AsSpan(0, a.Rank - 2), b._shape.AsSpan(0, b.Rank - 2), "MatMul");
        int[] outShape = [.. batch, n, m];
        int total = SharpGrad.Shape.Numel(outShape);
        bool accumulate = rowBias is not null;
        // every element is written: by the GEMM, or first by the bias which the GEMM then accumulates onto
        var result = new Tensor(k == 0 && !accumulate ? Storage.Allocate(a.DType, total) : Storage.AllocateUninitialized(a.DType, total), outShape);
        if (result.Numel == 0 || (k == 0 && rowBias is null)) return result; // an empty sum is 0
        if (k != 0)
        {
            if (!GemmLayout(a, out _, out _)) a = a.ContiguousRaw();
            if (!GemmLayout(b, out _, out _)) b = b.ContiguousRaw();
        }
        int[] batchA = batch.Length == 0 ? [] : BatchStrides(a, batch), batchB = batch.Length == 0 ? [] : BatchStrides(b, batch);
        Launch.Run(new MatMulLaunch(a, b, result, rowBias, batch, batchA, batchB, n, m, k), static s => MatMulNow(s));
        return result;
    }

    /// <summary>The operands of one matrix product (a launch's state; a and b already in a GEMM layout).</summary>
    private readonly record struct MatMulLaunch(Tensor A, Tensor B, Tensor Result, Tensor? RowBias, int[] Batch, int[] BatchA, int[] BatchB, int N, int M, int K);

    /// <summary>The kernel of <see cref="MatMulRaw"/>: result = rowBias (when given) + a·b, batch by batch.</summary>
    private static void MatMulNow(in MatMulLaunch launch)
    {
        (Tensor a, Tensor b, Tensor result, Tensor? rowBias, int[] batch, int[] batchA, int[] batchB, int n, int m, int k) = launch;
        int total = result.Numel;
        bool accumulate = rowBias is not null;
        // float32 single products take the bias inside the GEMM (each thread fills its own block); otherwise fill first
        bool biasInGemm = rowBias is not null && a.DType == DType.Float32 && n * m == total;
        if (rowBias is not null && !biasInGemm)
        {
            if (a.DType == DType.Float32) FillRows(result.Span<float>(), rowBias.Span<float>());
            else FillRows(result.Span<double>(), rowBias.Span<double>());
        }
        if (biasInGemm && k == 0)
        {
            FillRows(result.Span<float>(), rowBias!.Span<float>());
            return;
        }
        if (result.Numel == 0 || k == 0) return; // an empty sum is 0 (or the bias)
        GemmLayout(a, out bool ta, out int lda);
        GemmLayout(b, out bool tb, out int ldb);
        int batchCount = SharpGrad.Shape.Numel(batch);
        Span<int> index = stackalloc int[Math.Max(batch.Length, 1)];
        index.Clear();
        int offA = a.Offset, offB = b.Offset;
        for (int t = 0; t < batchCount; t++)
        {
            int offC = t * n * m;
            if (biasInGemm)
                Gemm.SgemmBias(ta, tb, n, m, k, ((float[])a.Storage.Data).AsSpan(offA), lda, ((float[])b.Storage.Data).AsSpan(offB), ldb,
                    ((float[])result.Storage.Data).AsSpan(offC, n * m), m, rowBias!.Span<float>());
            else if (a.DType == DType.Float32)
                Gemm.Sgemm(ta, tb, n, m, k, ((float[])a.Storage.Data).AsSpan(offA), lda, ((float[])b.Storage.Data).AsSpan(offB), ldb,
                    ((float[])result.Storage.Data).AsSpan(offC, n * m), m, accumulate);
            else
                Gemm.Dgemm(ta, tb, n, m, k, ((double[])a.Storage.Data).AsSpan(offA), lda, ((double[])b.Storage.Data).AsSpan(offB), ldb,
                    ((double[])result.Storage.Data).AsSpan(offC, n * m), m, accumulate);
            for (int d = batch.Length - 1; d >= 0; d--)
            {
                offA += batchA[d];
                offB += batchB[d];
                if (++index[d] < batch[d]) break;
                offA -= batchA[d] * batch[d];
                offB -= batchB[d] * batch[d];
                index[d] = 0;
            }
        }
    }

    /// <summary>Strides of the batch dims of a matmul operand, read as broadcast to <paramref name="batch"/>.</summary>
    private static int[] BatchStrides(Tensor t, int[] batch)
    {
        var strides = new int[batch.Length];
        int lead = batch.Length - (t.Rank - 2);
        for (int i = lead; i < batch.Length; i++)
            strides[i] = t._shape[i - lead] == batch[i] ? t._strides[i - lead] : 0;
        return strides;
    }

    /// <summary>
    /// Whether the last two dims (rows × cols) can be handed to GEMM as they are: row-major with a leading dimension,
    /// or column-major (a transposed view), in which case <paramref name="transposed"/> is set.
    /// </summary>
    private static bool GemmLayout(Tensor t, out bool transposed, out int ld)
    {
        int rows = t._shape[^2], cols = t._shape[^1], sr = t._strides[^2], sc = t._strides[^1];
        if ((cols == 1 || sc == 1) && (rows == 1 || sr >= cols))
        {
            transposed = false;
            ld = rows == 1 ? cols : Math.Max(sr, cols);
            return true;
        }
        if ((rows == 1 || sr == 1) && (cols == 1 || sc >= rows))
        {
            transposed = true;
            ld = cols == 1 ? rows : Math.Max(sc, rows);
            return true;
        }
        transposed = false;
        ld = 0;
        return false;
    }
}
