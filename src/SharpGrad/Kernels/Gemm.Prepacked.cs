namespace SharpGrad.Kernels;

/// <summary>
/// An operand of many products packed once into the micro-kernel's panel layout: a right-hand one (a recurrent weight used
/// at every time step) for <see cref="Gemm.SgemmPrepacked"/>, a left-hand one (a convolution's weight, used for every image)
/// for <see cref="Gemm.SgemmPrepackedA"/>; the product then skips packing it at each call. Layout: the k blocks of
/// <see cref="Gemm"/>'s loop nest one after another, each holding every line (column of B, row of A) as panels of NR
/// (MR) lines × kc steps. For a left-hand operand <see cref="N"/> counts its rows.
/// </summary>
internal sealed class PackedMatrix
{
    internal PackedMatrix(float[] data, int k, int n, int nPadded, MicroKernel kernel, int offset = 0)
    {
        Data = data;
        Offset = offset;
        K = k;
        N = n;
        NPadded = nPadded;
        Kernel = kernel;
    }

    /// <summary>The packed values (zero padding up to <see cref="NPadded"/> columns), from <see cref="Offset"/>.</summary>
    internal float[] Data { get; }

    /// <summary>Where the packed values start in <see cref="Data"/>.</summary>
    internal int Offset { get; }

    /// <summary>Rows of op(B).</summary>
    public int K { get; }

    /// <summary>Columns of op(B), or rows of op(A).</summary>
    public int N { get; }

    /// <summary>N rounded up to the micro-kernel's panel width (B) or height (A).</summary>
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

    /// <summary>Floats <see cref="PackA"/> writes for an m × k operand.</summary>
    internal static int PackedAFloats(int m, int k) => Math.Max(1, k) * RoundUp(Math.Max(m, 1), TileShape(DefaultMicroKernel).Mr);

    /// <summary>
    /// Packs op(A) (m × k; A stored k×m when <paramref name="transA"/>) for <see cref="SgemmPrepackedA"/>, into
    /// <paramref name="buffer"/> from <paramref name="offset"/> (<see cref="PackedAFloats"/> floats) when given, otherwise
    /// into an array from the active <see cref="TensorScope"/>'s pool (a new one outside a scope).
    /// </summary>
    internal static unsafe PackedMatrix PackA(bool transA, int m, int k, ReadOnlySpan<float> a, int lda, float[]? buffer = null, int offset = 0)
    {
        Validate(transA, false, m, 0, k, a.Length, lda, 0, 1, 0, 1); // A only
        MicroKernel kernel = DefaultMicroKernel;
        var (mr, _) = TileShape(kernel);
        int mPad = RoundUp(Math.Max(m, 1), mr);
        int kBlocks = Math.Max(1, (k + MaxKc - 1) / MaxKc), kcMax = Math.Max(1, (k + kBlocks - 1) / kBlocks);
        int floats = PackedAFloats(m, k);
        if (buffer is not null && (offset < 0 || buffer.Length - offset < floats))
            throw new ArgumentException($"PackA: the buffer has {buffer.Length - offset} floats from offset {offset}; {floats} are needed.");
        float[] data = buffer ?? TensorScope.RentArray<float>(floats);
        nint aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
        fixed (float* pa = a, pdata = data)
        {
            float* pd = pdata + offset;
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float* block = pd + (nint)pc * mPad; // blocks before this one are full kcMax deep
                for (int ir = 0; ir < mPad; ir += mr)
                    PackPanel(pa + ir * aRow + pc * aCol, aRow, aCol, Math.Max(0, Math.Min(mr, m - ir)), mr, kc, block + (nint)ir * kc);
            }
        }
        return new PackedMatrix(data, k, m, mPad, kernel, offset);
    }

    /// <summary>
    /// C (m×n) = A·op(B), or C += A·op(B) when <paramref name="accumulate"/>, with A packed by <see cref="PackA"/>: the
    /// same blocks and order of summation as <see cref="Sgemm"/>'s packed path, so the same bits.
    /// <paramref name="threads"/>: 0 = the kernel threads when the product is large enough; 1 = the calling thread.
    /// </summary>
    internal static unsafe void SgemmPrepackedA(PackedMatrix a, bool transB, int n, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate,
        int threads = 0)
    {
        int m = a.N, k = a.K;
        Validate(false, transB, m, n, k, k * m, Math.Max(k, 1), b.Length, ldb, c.Length, ldc);
        if (IsEmptyProduct(m, n, k, c, ldc, accumulate)) return;
        fixed (float* pb = b, pc = c, pa = a.Data)
        {
            var args = new SgemmArgs
            {
                M = m, N = n, K = k,
                A = null, ARow = 0, ACol = 0,
                B = pb, BRow = transB ? 1 : ldb, BCol = transB ? ldb : 1,
                C = pc, Ldc = ldc,
                Accumulate = accumulate,
                Kernel = a.Kernel,
                PackedA = pa + a.Offset, PackedAHeight = a.NPadded,
            };
            RunPacked(args, threads == 1 || (long)m * n * k < ParallelMinWork ? 1 : KernelThreads.Count);
        }
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
        if (IsEmptyProduct(m, n, k, c, ldc, accumulate)) return;
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

    /// <summary>True (with C cleared unless accumulating when k = 0) when the product has nothing to compute.</summary>
    private static bool IsEmptyProduct(int m, int n, int k, Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate)
            for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear();
        return true;
    }
}
