namespace SharpGrad.Kernels;

/// <summary>
/// The right-hand operand of many products packed once into the micro-kernel's panel layout (a recurrent weight used at
/// every time step): <see cref="Gemm.SgemmPrepacked"/> then skips packing B at each call. Layout: the k blocks of
/// <see cref="Gemm"/>'s loop nest one after another, each holding every column as panels of NR columns × kc steps.
/// </summary>
internal sealed class PackedMatrix
{
    internal PackedMatrix(float[] data, int k, int n, int nPadded, MicroKernel kernel)
    {
        Data = data;
        K = k;
        N = n;
        NPadded = nPadded;
        Kernel = kernel;
    }

    /// <summary>The packed values (zero padding up to <see cref="NPadded"/> columns).</summary>
    internal float[] Data { get; }

    /// <summary>Rows of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B).</summary>
    public int N { get; }

    /// <summary>N rounded up to the micro-kernel's panel width.</summary>
    internal int NPadded { get; }

    /// <summary>The micro-kernel whose panel width the layout uses.</summary>
    internal MicroKernel Kernel { get; }
}

public static partial class Gemm
{
    /// <summary>
    /// Packs op(B) (k × n; B stored n×k when <paramref name="transB"/>) for <see cref="SgemmPrepacked"/>. The buffer comes
    /// from the active <see cref="TensorScope"/>'s pool when there is one (it lives as long as the step).
    /// </summary>
    internal static unsafe PackedMatrix PackB(bool transB, int k, int n, ReadOnlySpan<float> b, int ldb)
    {
        Validate(false, transB, 0, n, k, 0, Math.Max(k, 1), b.Length, ldb, 0, Math.Max(n, 1)); // B only (no A or C yet)
        MicroKernel kernel = DefaultMicroKernel;
        var (_, nr) = TileShape(kernel);
        int nPad = RoundUp(Math.Max(n, 1), nr);
        int kBlocks = Math.Max(1, (k + MaxKc - 1) / MaxKc), kcMax = Math.Max(1, (k + kBlocks - 1) / kBlocks);
        float[] data = TensorScope.RentArray<float>(Math.Max(1, k) * nPad);
        nint bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        fixed (float* pb = b, pd = data)
        {
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float* block = pd + (nint)pc * nPad; // blocks before this one are full kcMax deep
                for (int jr = 0; jr < nPad; jr += nr)
                    PackPanel(pb + pc * bRow + jr * bCol, bCol, bRow, Math.Max(0, Math.Min(nr, n - jr)), nr, kc, block + (nint)jr * kc);
            }
        }
        return new PackedMatrix(data, k, n, nPad, kernel);
    }

    /// <summary>
    /// C (m×n) = op(A)·B, or C += op(A)·B when <paramref name="accumulate"/>, with B packed by <see cref="PackB"/>:
    /// the same blocks, order of summation and threads as <see cref="Sgemm"/>'s packed path, so the same bits.
    /// </summary>
    internal static unsafe void SgemmPrepacked(bool transA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b, Span<float> c, int ldc, bool accumulate,
        int threads = 0)
    {
        int n = b.N, k = b.K;
        Validate(transA, false, m, n, k, a.Length, lda, k * n, Math.Max(n, 1), c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (!accumulate)
                for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
            return;
        }
        fixed (float* pa = a, pc = c, pb = b.Data)
        {
            var args = new SgemmArgs
            {
                M = m, N = n, K = k,
                A = pa, ARow = transA ? 1 : lda, ACol = transA ? lda : 1,
                B = null, BRow = 0, BCol = 0,
                C = pc, Ldc = ldc,
                Accumulate = accumulate,
                Kernel = b.Kernel,
                PackedB = pb, PackedBWidth = b.NPadded,
            };
            // threads: 0 = the kernel threads when the product is large enough; 1 = on the calling thread (inside a parallel job)
            RunPacked(args, threads == 1 || (long)m * n * k < ParallelMinWork ? 1 : KernelThreads.Count);
        }
    }
}
