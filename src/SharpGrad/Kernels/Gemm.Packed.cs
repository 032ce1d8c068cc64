using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Kernels;

// The float32 driver. Layout conventions used below:
//   op(A)(i, p) = a[i*aRow + p*aCol]   (aRow, aCol) = (lda, 1), or (1, lda) when transA
//   op(B)(p, j) = b[p*bRow + j*bCol]   (bRow, bCol) = (ldb, 1), or (1, ldb) when transB
// so transposes are handled by the strides and the packing routines; no transpose is ever materialized.
public static partial class Gemm
{
    // Depth of one k block. 512 beat 128 and 256 by 5-15 % on Zen 4 (gemm.md); the actual block is k split evenly
    // into ceil(k / MaxKc) blocks, a function of k alone so that the summation order never depends on threads.
    private const int MaxKc = 512;
    // Rows of A per packed block (kept in L2: 192 × 512 × 4 B = 384 KiB); a multiple of every MR.
    private const int Mc = 192;
    // Columns of B per packed block (kept in L3); a multiple of every NR.
    private const int Nc = 4096;

    // Path choice, in multiply-adds (m·n·k), measured on Zen 4 (2 cores). It depends on the shape only, never on the
    // thread count, so a given call always takes the same path and its results do not depend on threads.
    // Up to 48³ the direct loop beats packing (48³: 2.5 µs vs 2.8 µs) ...
    internal const long DirectMaxWork = 48 * 48 * 48;
    // ... and for narrow C (n ≤ 48, where the 16-wide packed tiles are mostly padding) up to about 1M
    // (800×10×20: 6 µs vs 13 µs; 800×48×20: 15 µs vs 20 µs).
    internal const long DirectNarrowMaxWork = 1 << 20;
    internal const int DirectNarrowMaxN = 48;
    // The direct path gives each thread at least this many rows of C ...
    internal const int DirectMinRowsPerThread = 64;
    // ... and stays on the calling thread below this many multiply-adds: W1's 800×10×20 products (160K) ran 2× slower
    // per training step on two threads than on one, the hand-off costing more than the halved work.
    internal const long DirectParallelMinWork = 1 << 19;
    // From this many multiply-adds on, work is split across threads (48³ already gains 25 %, 64³ 45 %).
    internal const long ParallelMinWork = 40 * 40 * 40;

    /// <summary>
    /// Whether an (m × k)·(k × n) product whose operands are not both laid out along k (so never the dot path) runs through
    /// the packed path: callers that can pack an operand once for many such products (<see cref="PackA"/>) use this to
    /// keep the same path, and so the same bits.
    /// </summary>
    internal static bool TakesPackedPath(int m, int n, int k) => !DirectBySize(m, n, k);

    /// <summary>Whether the automatic path choice takes the direct loop for a product of this size (the rule above).</summary>
    private static bool DirectBySize(int m, int n, int k)
    {
        long work = (long)m * n * k;
        return work <= DirectMaxWork || (n <= DirectNarrowMaxN && work <= DirectNarrowMaxWork);
    }

    internal static unsafe void SgemmCore(bool transA, bool transB, int m, int n, int k,
        float* a, nint lda, float* b, nint ldb, float* c, nint ldc, bool accumulate,
        MicroKernel kernel, int threads, SgemmPath path, float* bias = null)
    {
        if (m == 0 || n == 0)
            return;
        if (k == 0)
        {
            if (bias != null)
            {
                for (int i = 0; i < m; i++)
                    new ReadOnlySpan<float>(bias, n).CopyTo(new Span<float>(c + i * ldc, n));
            }
            else if (!accumulate)
            {
                for (int i = 0; i < m; i++)
                    new Span<float>(c + i * ldc, n).Clear();
            }
            return;
        }

        var args = new SgemmArgs
        {
            M = m, N = n, K = k,
            A = a, ARow = transA ? 1 : lda, ACol = transA ? lda : 1,
            B = b, BRow = transB ? 1 : ldb, BCol = transB ? ldb : 1,
            C = c, Ldc = ldc,
            Accumulate = accumulate && bias == null,
            Bias = bias,
            Kernel = kernel,
        };

        long work = (long)m * n * k;
        if (work < ParallelMinWork)
            threads = 1;
        if ((path == SgemmPath.Auto || path == SgemmPath.Dot) && UsesDotPath(args))
        {
            SgemmDot(args);
            return;
        }
        var job = t_job ??= new SgemmJob();
        job.Args = args;
        if (path == SgemmPath.Direct || (path == SgemmPath.Auto && DirectBySize(m, n, k)))
        {
            // Parts are strips of 4-row blocks; each part packs B itself into its own thread's scratch: handing a
            // freshly packed B to another core costs more than packing it again (20×10×800 took 38 µs on two
            // threads, 13 µs on one), and short strips do not repay even that, hence DirectMinRowsPerThread.
            job.Direct = true;
            job.SplitRows = true;
            int strips = work < DirectParallelMinWork ? 1 : Math.Max(1, Math.Min(threads, m / DirectMinRowsPerThread));
            job.Step = RoundUp((m + strips - 1) / strips, 4);
        }
        else
        {
            RunPacked(args, threads);
            return;
        }

        int parts = ((job.SplitRows ? m : n) + job.Step - 1) / job.Step;
        if (parts == 1)
            job.RunPart(0);
        else
            KernelThreads.Run(job, parts, threads);
    }

    /// <summary>The packed path: the longer side of C split into tile-aligned strips, one per thread.</summary>
    private static void RunPacked(in SgemmArgs args, int threads)
    {
        // Split the longer side of C into strips aligned to the micro-tile. The other operand is packed by every
        // thread in full, a cost proportional to 1/(length of the split side), hence the longer side.
        var job = t_job ??= new SgemmJob();
        job.Args = args;
        var (mr, nr) = TileShape(args.Kernel);
        int m = args.M, n = args.N;
        job.Direct = false;
        job.SplitRows = m >= n;
        int tile = job.SplitRows ? mr : nr;
        int tiles = ((job.SplitRows ? m : n) + tile - 1) / tile;
        job.Step = (tiles + threads - 1) / threads * tile;
        int parts = ((job.SplitRows ? m : n) + job.Step - 1) / job.Step;
        if (parts == 1)
            job.RunPart(0);
        else
            KernelThreads.Run(job, parts, threads);
    }

    internal static (int Mr, int Nr) TileShape(MicroKernel kernel) => kernel switch
    {
        MicroKernel.Vector512x16x16 => (16, 16),
        MicroKernel.Vector256x6x16 => (6, 16),
        _ => (4, 8),
    };

    [ThreadStatic] private static SgemmJob? t_job;

    private unsafe struct SgemmArgs
    {
        public int M, N, K;
        public float* A, B, C;
        public nint ARow, ACol, BRow, BCol, Ldc;
        public bool Accumulate;
        // Optional row vector (length N) that C starts from instead of zero: C = bias + op(A)·op(B). Each thread writes it
        // into its own block of C just before accumulating onto it, so the bias costs no serial pass.
        public float* Bias;
        // Optional B already packed by PackB (every k block, all columns, panels NR wide): no packing of B per call.
        public float* PackedB;
        public int PackedBWidth;
        // Optional A already packed by PackA (every k block, all rows, panels MR high): no packing of A per call.
        public float* PackedA;
        public int PackedAHeight;
        public MicroKernel Kernel;
    }

    private sealed unsafe class SgemmJob : KernelThreads.Job
    {
        public SgemmArgs Args;
        public bool Direct;
        public bool SplitRows;
        public int Step;

        internal override void RunPart(int part)
        {
            int start = part * Step;
            if (Direct)
                SgemmDirect(in Args, start, Math.Min(Args.M, start + Step));
            else if (SplitRows)
                SgemmPackedBlock(in Args, start, Math.Min(Args.M, start + Step), 0, Args.N);
            else
                SgemmPackedBlock(in Args, 0, Args.M, start, Math.Min(Args.N, start + Step));
        }
    }

    /// <summary>C[i0..i1, j0..j1] of the product, on the calling thread: the GotoBLAS loop nest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void SgemmPackedBlock(in SgemmArgs g, int i0, int i1, int j0, int j1)
    {
        var (mr, nr) = TileShape(g.Kernel);
        int kBlocks = (g.K + MaxKc - 1) / MaxKc;
        int kcMax = (g.K + kBlocks - 1) / kBlocks;
        int ncMax = Math.Min(Nc, RoundUp(j1 - j0, nr));
        int mcMax = Math.Min(Mc, RoundUp(i1 - i0, mr));
        var buffers = PackBuffers.ForCurrentThread();
        float* aPack = g.PackedA != null ? null : buffers.A((long)mcMax * kcMax);
        float* bPack = g.PackedB != null ? null : buffers.B((long)ncMax * kcMax);

        for (int jc = j0; jc < j1; jc += Nc)
        {
            int nc = Math.Min(Nc, j1 - jc);
            for (int pc = 0; pc < g.K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, g.K - pc);
                bool overwrite = !g.Accumulate && pc == 0;
                // B block (kc × nc) as micro-panels of nr columns (or its place in the prepacked B: jc is tile-aligned).
                if (g.PackedB != null)
                    bPack = g.PackedB + (nint)pc * g.PackedBWidth + (nint)jc * kc;
                else
                {
                    float* bSrc = g.B + pc * g.BRow + jc * g.BCol;
                    for (int jr = 0; jr < nc; jr += nr)
                        PackPanel(bSrc + jr * g.BCol, g.BCol, g.BRow, Math.Min(nr, nc - jr), nr, kc, bPack + (nint)jr * kc);
                }

                for (int ic = i0; ic < i1; ic += Mc)
                {
                    int mc = Math.Min(Mc, i1 - ic);
                    bool startFromBias = pc == 0 && g.Bias != null;
                    if (startFromBias)
                        FillRows(g.C + ic * g.Ldc + jc, g.Ldc, mc, g.Bias + jc, nc);
                    // A block (mc × kc) as micro-panels of mr rows (or its place in the prepacked A: ic is tile-aligned).
                    if (g.PackedA != null)
                        aPack = g.PackedA + (nint)pc * g.PackedAHeight + (nint)ic * kc;
                    else
                    {
                        float* aSrc = g.A + ic * g.ARow + pc * g.ACol;
                        for (int ir = 0; ir < mc; ir += mr)
                            PackPanel(aSrc + ir * g.ARow, g.ARow, g.ACol, Math.Min(mr, mc - ir), mr, kc, aPack + (nint)ir * kc);
                    }

                    MacroKernel(g.Kernel, mr, nr, mc, nc, kc, aPack, bPack, g.C + ic * g.Ldc + jc, g.Ldc, overwrite && !startFromBias);
                }
            }
        }
    }

    /// <summary>Runs the micro-kernel over an mc × nc block of C from packed A (mc × kc) and B (kc × nc).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MacroKernel(MicroKernel kernel, int mr, int nr, int mc, int nc, int kc,
        float* aPack, float* bPack, float* c, nint ldc, bool overwrite)
    {
        float* tile = stackalloc float[16 * 16];
        // B micro-panel outer, so it stays in L1 while the A block streams from L2.
        for (int jr = 0; jr < nc; jr += nr)
        {
            int nValid = Math.Min(nr, nc - jr);
            float* bPanel = bPack + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int mValid = Math.Min(mr, mc - ir);
                float* aPanel = aPack + (nint)ir * kc;
                float* cTile = c + ir * ldc + jr;
                if (mValid == mr && nValid == nr)
                {
                    RunMicroKernel(kernel, kc, aPanel, bPanel, cTile, ldc, overwrite);
                    continue;
                }

                // Edge tile: compute the full tile into scratch (padding is zeros), then add the valid part.
                RunMicroKernel(kernel, kc, aPanel, bPanel, tile, nr, overwrite: true);
                for (int r = 0; r < mValid; r++)
                {
                    float* src = tile + r * nr;
                    float* dst = cTile + r * ldc;
                    for (int j = 0; j < nValid; j++)
                        dst[j] = overwrite ? src[j] : dst[j] + src[j];
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void RunMicroKernel(MicroKernel kernel, int kc, float* a, float* b, float* c, nint ldc, bool overwrite)
    {
        switch (kernel)
        {
            case MicroKernel.Vector512x16x16: Kernel512x16x16(kc, a, b, c, ldc, overwrite); break;
            case MicroKernel.Vector256x6x16: Kernel256x6x16(kc, a, b, c, ldc, overwrite); break;
            default: Kernel128x4x8(kc, a, b, c, ldc, overwrite); break;
        }
    }

    /// <summary>
    /// Packs <paramref name="count"/> lines (rows of A or columns of B) of <paramref name="kc"/> values each into a
    /// micro-panel laid out step by step: dst[p*width + r] = src[r*lineStride + p*stepStride], zero for r ≥ count.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackPanel(float* src, nint lineStride, nint stepStride, int count, int width, int kc, float* dst)
    {
        if (lineStride == 1)
        {
            // The lines of one step are contiguous: copy width values per step.
            if (count == width && width == 16)
            {
                for (int p = 0; p < kc; p++)
                    Unsafe.CopyBlockUnaligned(dst + p * 16, src + p * stepStride, 16 * sizeof(float));
                return;
            }
            for (int p = 0; p < kc; p++)
            {
                float* s = src + p * stepStride;
                float* d = dst + p * width;
                int r = 0;
                for (; r < count; r++)
                    d[r] = s[r];
                for (; r < width; r++)
                    d[r] = 0;
            }
            return;
        }

        // Each line is contiguous over p (stepStride == 1): a transposing copy. Walk every line together so
        // each step's values are written contiguously.
        if (count == width && width == 16)
        {
            PackTransposed16(src, lineStride, kc, dst);
            return;
        }
        for (int r = 0; r < count; r++)
        {
            float* s = src + r * lineStride;
            float* d = dst + r;
            for (int p = 0; p < kc; p++)
                d[p * width] = s[p * stepStride];
        }
        for (int r = count; r < width; r++)
        {
            float* d = dst + r;
            for (int p = 0; p < kc; p++)
                d[p * width] = 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PackTransposed16(float* src, nint lineStride, int kc, float* dst)
    {
        float* s0 = src, s1 = s0 + lineStride, s2 = s1 + lineStride, s3 = s2 + lineStride;
        float* s4 = s3 + lineStride, s5 = s4 + lineStride, s6 = s5 + lineStride, s7 = s6 + lineStride;
        float* s8 = s7 + lineStride, s9 = s8 + lineStride, s10 = s9 + lineStride, s11 = s10 + lineStride;
        float* s12 = s11 + lineStride, s13 = s12 + lineStride, s14 = s13 + lineStride, s15 = s14 + lineStride;
        int p = 0;
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            // Eight steps at a time: two 8×8 register transposes (lines 0–7 and 8–15) instead of 128 scalar moves.
            for (; p + 8 <= kc; p += 8)
            {
                float* d = dst + p * 16;
                RegisterTranspose.Store8x8(s0 + p, s1 + p, s2 + p, s3 + p, s4 + p, s5 + p, s6 + p, s7 + p, d, 16);
                RegisterTranspose.Store8x8(s8 + p, s9 + p, s10 + p, s11 + p, s12 + p, s13 + p, s14 + p, s15 + p, d + 8, 16);
            }
        }
        for (; p < kc; p++)
        {
            float* d = dst + p * 16;
            d[0] = s0[p]; d[1] = s1[p]; d[2] = s2[p]; d[3] = s3[p];
            d[4] = s4[p]; d[5] = s5[p]; d[6] = s6[p]; d[7] = s7[p];
            d[8] = s8[p]; d[9] = s9[p]; d[10] = s10[p]; d[11] = s11[p];
            d[12] = s12[p]; d[13] = s13[p]; d[14] = s14[p]; d[15] = s15[p];
        }
    }

    /// <summary>Copies the <paramref name="count"/> values at <paramref name="row"/> into each of <paramref name="rows"/> rows of C.</summary>
    private static unsafe void FillRows(float* c, nint ldc, int rows, float* row, int count)
    {
        var source = new ReadOnlySpan<float>(row, count);
        for (int r = 0; r < rows; r++)
            source.CopyTo(new Span<float>(c + r * ldc, count));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Per-thread pack buffers: pinned, 64-byte aligned, grown on demand and then reused, so steady-state calls
    /// allocate nothing. Each pool thread packs into its own buffers.
    /// </summary>
    private sealed unsafe class PackBuffers
    {
        [ThreadStatic] private static PackBuffers? t_current;

        private float[]? _a, _b;
        private float* _aPtr, _bPtr;
        private long _aLength, _bLength;

        public static PackBuffers ForCurrentThread() => t_current ??= new PackBuffers();

        public float* A(long length) => Ensure(ref _a, ref _aPtr, ref _aLength, length);

        public float* B(long length) => Ensure(ref _b, ref _bPtr, ref _bLength, length);

        private static float* Ensure(ref float[]? array, ref float* aligned, ref long capacity, long length)
        {
            if (length <= capacity)
                return aligned;
            long grown = Math.Max(length, capacity + capacity / 2);
            array = GC.AllocateUninitializedArray<float>(checked((int)grown + 16), pinned: true);
            nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
            aligned = (float*)((start + 63) & ~(nint)63);
            capacity = grown;
            return aligned;
        }
    }
}
