using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Kernels;

/// <summary>
/// General matrix multiply over row-major spans: C = op(A)·op(B) or C += op(A)·op(B),
/// where op(X) is X or Xᵀ. Leading dimensions are in elements (the distance between the starts of two rows).
/// </summary>
/// <remarks>
/// <para><see cref="Sgemm"/> (float32) packs panels of A and B into contiguous buffers, blocks over k, m and n for the
/// caches and runs a register-blocked SIMD micro-kernel of fused multiply-adds (BLIS/GotoBLAS structure);
/// small products take a direct loop that skips packing and threads. Work is split over rows or columns of C
/// across <see cref="KernelThreads.Count"/> threads, never over k, so each element of C is reduced in the same
/// order whatever the thread count and the results are bit-identical.</para>
/// <para>Summation order: the k terms of each element are added in ascending order with fused multiply-adds,
/// in blocks of at most 512 whose partial sums are then added to C; it therefore differs from a naive loop
/// by rounding only. <c>c</c> must not overlap <c>a</c> or <c>b</c>.</para>
/// </remarks>
public static partial class Gemm
{
    /// <summary>
    /// C (m×n) = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/> is true; float32.
    /// </summary>
    /// <param name="transA">When true op(A) = Aᵀ and A is stored k×m (<paramref name="lda"/> ≥ m); otherwise A is stored m×k (<paramref name="lda"/> ≥ k).</param>
    /// <param name="transB">When true op(B) = Bᵀ and B is stored n×k (<paramref name="ldb"/> ≥ k); otherwise B is stored k×n (<paramref name="ldb"/> ≥ n).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B). When 0, C is set to zero (or left unchanged when accumulating).</param>
    /// <param name="a">The elements of A, row-major.</param>
    /// <param name="lda">Leading dimension of A as stored.</param>
    /// <param name="b">The elements of B, row-major.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="c">The elements of C (m×n, row-major); must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="ldc">Leading dimension of C (≥ n).</param>
    /// <param name="accumulate">Add the product to C instead of overwriting C.</param>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension is too small, or a span is too short for the sizes given.</exception>
    public static unsafe void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        fixed (float* pa = a, pb = b, pc = c)
            SgemmCore(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, accumulate, DefaultMicroKernel, KernelThreads.Count, SgemmPath.Auto);
    }

    /// <summary>
    /// C (m×n) = bias + op(A)·op(B), the row vector <paramref name="bias"/> (length ≥ n) added to every row (a linear layer's
    /// bias); float32. Each thread starts its own block of C from the bias, so it costs no separate pass over C.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Sgemm"/>, or the bias is shorter than n.</exception>
    internal static unsafe void SgemmBias(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, ReadOnlySpan<float> bias)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (bias.Length < n) throw new ArgumentException($"Sgemm: the bias has {bias.Length} values for {n} columns.", nameof(bias));
        fixed (float* pa = a, pb = b, pc = c, pbias = bias)
            SgemmCore(transA, transB, m, n, k, pa, lda, pb, ldb, pc, ldc, false, DefaultMicroKernel, KernelThreads.Count, SgemmPath.Auto, pbias);
    }

    /// <summary>
    /// C (m×n) = op(A)·op(B), or C += op(A)·op(B) when <paramref name="accumulate"/> is true; float64.
    /// Meant for correctness (gradient checks), not speed: a cache-friendly single-threaded loop.
    /// </summary>
    /// <param name="transA">When true op(A) = Aᵀ and A is stored k×m (<paramref name="lda"/> ≥ m); otherwise A is stored m×k (<paramref name="lda"/> ≥ k).</param>
    /// <param name="transB">When true op(B) = Bᵀ and B is stored n×k (<paramref name="ldb"/> ≥ k); otherwise B is stored k×n (<paramref name="ldb"/> ≥ n).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A) and rows of op(B). When 0, C is set to zero (or left unchanged when accumulating).</param>
    /// <param name="a">The elements of A, row-major.</param>
    /// <param name="lda">Leading dimension of A as stored.</param>
    /// <param name="b">The elements of B, row-major.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="c">The elements of C (m×n, row-major); must not overlap <paramref name="a"/> or <paramref name="b"/>.</param>
    /// <param name="ldc">Leading dimension of C (≥ n).</param>
    /// <param name="accumulate">Add the product to C instead of overwriting C.</param>
    /// <exception cref="ArgumentException">A size is negative, a leading dimension is too small, or a span is too short for the sizes given.</exception>
    public static void Dgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = false)
    {
        Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                    c.Slice(i * ldc, n).Clear();
            }
            return;
        }

        if (!transB)
        {
            // i-p-j: C[i,:] += A(i,p) · B[p,:], rows of B and C contiguous.
            for (int i = 0; i < m; i++)
            {
                var row = c.Slice(i * ldc, n);
                if (!accumulate)
                    row.Clear();
                for (int p = 0; p < k; p++)
                {
                    double aip = transA ? a[p * lda + i] : a[i * lda + p];
                    TensorPrimitives.MultiplyAdd(b.Slice(p * ldb, n), aip, row, row);
                }
            }
            return;
        }

        // B stored n×k: C[i,j] = A(i,:) · B[j,:], a dot product over contiguous rows when A is not transposed.
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                var bRow = b.Slice(j * ldb, k);
                double sum;
                if (!transA)
                {
                    sum = TensorPrimitives.Dot(a.Slice(i * lda, k), bRow);
                }
                else
                {
                    sum = 0;
                    for (int p = 0; p < k; p++)
                        sum += a[p * lda + i] * bRow[p];
                }
                ref double cij = ref c[i * ldc + j];
                cij = accumulate ? cij + sum : sum;
            }
        }
    }

    /// <summary>The best micro-kernel this machine runs.</summary>
    internal static MicroKernel DefaultMicroKernel { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? MicroKernel.Vector512x16x16
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? MicroKernel.Vector256x6x16
        : MicroKernel.Vector128x4x8;

    private static void Validate(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        if (m < 0) throw new ArgumentException($"m must be non-negative, got {m}.", nameof(m));
        if (n < 0) throw new ArgumentException($"n must be non-negative, got {n}.", nameof(n));
        if (k < 0) throw new ArgumentException($"k must be non-negative, got {k}.", nameof(k));

        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        // The descriptions are built only when a check fails: formatting them on every call cost about 1 µs per product.
        if (!MatrixFits(aLength, aRows, aCols, lda))
            ThrowMatrix("a", "lda", aLength, aRows, aCols, lda, $"A (stored {(transA ? "k×m" : "m×k")} = {aRows}×{aCols} because transA is {(transA ? "true" : "false")})");
        if (!MatrixFits(bLength, bRows, bCols, ldb))
            ThrowMatrix("b", "ldb", bLength, bRows, bCols, ldb, $"B (stored {(transB ? "n×k" : "k×n")} = {bRows}×{bCols} because transB is {(transB ? "true" : "false")})");
        if (!MatrixFits(cLength, m, n, ldc))
            ThrowMatrix("c", "ldc", cLength, m, n, ldc, $"C (m×n = {m}×{n})");
    }

    private static bool MatrixFits(int length, int rows, int cols, int ld) =>
        ld >= cols && ld >= 1 && length >= (rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols);

    private static void ThrowMatrix(string spanName, string ldName, int length, int rows, int cols, int ld, string what)
    {
        if (ld < cols || ld < 1)
            throw new ArgumentException($"{ldName} is {ld} but must be at least {Math.Max(cols, 1)}, the row length of {what}.", ldName);
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * ld + cols;
        throw new ArgumentException($"Span {spanName} has {length} elements but {what} with {ldName} = {ld} needs {needed}.", spanName);
    }
}

/// <summary>The register-blocked micro-kernels Sgemm can use (rows × columns of C per tile).</summary>
internal enum MicroKernel
{
    /// <summary>16×16 tile, one Vector512 per row (AVX-512).</summary>
    Vector512x16x16,

    /// <summary>6×16 tile, two Vector256 per row (AVX2 + FMA).</summary>
    Vector256x6x16,

    /// <summary>4×8 tile, two Vector128 per row; portable fallback (NEON, SSE or software).</summary>
    Vector128x4x8,
}

/// <summary>Which Sgemm algorithm to use; <see cref="Auto"/> decides by size. The others exist for tests and tuning.</summary>
internal enum SgemmPath
{
    Auto,
    Direct,
    Packed,
    /// <summary>Dot products of contiguous rows for a narrow A·Bᵀ over a long k (Auto's choice where it does not apply).</summary>
    Dot,
}
