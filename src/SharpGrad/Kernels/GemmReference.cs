namespace SharpGrad.Kernels;

/// <summary>
/// The plain triple loop that <see cref="Gemm"/> is tested against: C = op(A)·op(B) (or C += when accumulating),
/// same argument conventions as <see cref="Gemm.Sgemm"/>, no blocking, no SIMD, no threads.
/// Sums are accumulated in double, so the float32 reference is closer to the exact product than any float32 kernel.
/// </summary>
internal static class GemmReference
{
    /// <summary>float32 reference; each C element is Σ_p op(A)(i,p)·op(B)(p,j) summed in double in ascending p, then rounded.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (double)(transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                ref float cij = ref c[i * ldc + j];
                cij = accumulate ? (float)(cij + sum) : (float)sum;
            }
        }
    }

    /// <summary>float64 reference; each C element is Σ_p op(A)(i,p)·op(B)(p,j) summed in ascending p.</summary>
    public static void Dgemm(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, Span<double> c, int ldc, bool accumulate = false)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                ref double cij = ref c[i * ldc + j];
                cij = accumulate ? cij + sum : sum;
            }
        }
    }
}
