using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SharpGrad.Kernels;

/// <summary>
/// The sizes of one 2-D convolution over NCHW data: input (N, C, H, W), weight (OutC, C/Groups, KH, KW), output
/// (N, OutC, OH, OW) with OH = ⌊(H + PadTop + PadBottom − DH·(KH − 1) − 1) / SH⌋ + 1 (likewise OW). Padding may be
/// asymmetric (PyTorch's "same" puts the odd element at the bottom/right).
/// </summary>
internal readonly struct Conv2dGeometry
{
    public readonly int N, C, H, W, OutC, KH, KW, SH, SW, PadTop, PadLeft, DH, DW, Groups, OH, OW;

    public Conv2dGeometry(int n, int c, int h, int w, int outC, int kh, int kw, int sh, int sw,
        int padTop, int padBottom, int padLeft, int padRight, int dh, int dw, int groups)
    {
        N = n; C = c; H = h; W = w; OutC = outC; KH = kh; KW = kw; SH = sh; SW = sw;
        PadTop = padTop; PadLeft = padLeft; DH = dh; DW = dw; Groups = groups;
        OH = (h + padTop + padBottom - dh * (kh - 1) - 1) / sh + 1;
        OW = (w + padLeft + padRight - dw * (kw - 1) - 1) / sw + 1;
    }

    /// <summary>Input channels per group.</summary>
    public int CinG => C / Groups;
    /// <summary>Output channels per group.</summary>
    public int CoutG => OutC / Groups;
    /// <summary>Rows of one group's im2col matrix = columns of its weight matrix: CinG·KH·KW.</summary>
    public int KG => CinG * KH * KW;
    /// <summary>OH·OW.</summary>
    public int OutPlane => OH * OW;
    /// <summary>H·W.</summary>
    public int InPlane => H * W;
    /// <summary>A 1×1 kernel with stride 1 and no padding: the input itself is the im2col matrix.</summary>
    public bool IsPointwise => KH == 1 && KW == 1 && SH == 1 && SW == 1 && OH == H && OW == W && PadTop == 0 && PadLeft == 0;
}

/// <summary>
/// 2-D convolution (cross-correlation, like <c>torch.nn.functional.conv2d</c>) over NCHW float32/float64 data by
/// im2col + GEMM, forward and backward.
/// </summary>
/// <remarks>
/// <para><b>Why im2col + GEMM.</b> Measured on the W3 shapes (batch 128, float32, 2-core Zen 4 shared with another
/// build, load ≈ 4–5, so ratios count): conv2 (32→64, 3×3 on 13×13) forward took 14–16 ms by im2col + packed Sgemm
/// and 1,030–1,270 ms by the naive direct loop (<see cref="Conv2dReference"/>), ≈ 75×; conv1 (1→32, 3×3 on 28×28)
/// 6–11 ms vs 85–122 ms. All the arithmetic goes through the register-blocked GEMM micro-kernel (one conv2 image,
/// 64 × 121 × 288, ran at 77 GFLOP/s on one thread); a direct convolution would need its own register blocking for
/// every kernel size, stride and dilation to compete, while im2col costs one extra pass over K·OH·OW values per image.
/// Details in docs/cnn.md.</para>
/// <para><b>Threads and determinism.</b> Forward and input-gradient work is split over images; each image's result is
/// computed by the same calls whatever the thread count. The weight and bias gradients are sums over images: the batch is
/// cut into a number of chunks that depends on the shapes only, each chunk sums its images in order into its own partial
/// buffer, and the partials are added in chunk order, so results are bit-identical for any <see cref="KernelThreads.Count"/>.
/// When the weight is large (ResNet's late stages) there is one chunk and the GEMMs themselves use the threads.</para>
/// <para>Scratch (the im2col matrices, the partial sums) is kept per thread and reused, so a training step allocates
/// nothing here.</para>
/// </remarks>
internal static class Conv2d
{
    // Below this many multiply-adds a convolution runs on the calling thread alone.
    private const long ParallelMinWork = 1 << 17;
    // The weight-gradient partials of all chunks together stay below this many elements.
    private const int MaxPartialElements = 1 << 22;
    private const int MaxChunks = 16;

    /// <summary>y (N, OutC, OH, OW) = conv(x (N, C, H, W), w (OutC, C/G, KH, KW)) + b (OutC).</summary>
    /// <remarks>
    /// <c>savedColumns</c>, when given (N × C·KH·KW·OH·OW elements), receives every image's im2col columns, so that
    /// <see cref="Backward{T}"/> can take them instead of unfolding the images again.
    /// </remarks>
    public static void Forward<T>(T[] x, int xOff, T[] w, int wOff, T[]? b, int bOff, T[] y, int yOff, in Conv2dGeometry g, T[]? savedColumns = null)
        where T : unmanaged, INumberBase<T> =>
        Launch.Run((x, xOff, w, wOff, b, bOff, y, yOff, g, savedColumns),
            static s => ForwardNow(s.x, s.xOff, s.w, s.wOff, s.b, s.bOff, s.y, s.yOff, s.g, s.savedColumns));

    private static void ForwardNow<T>(T[] x, int xOff, T[] w, int wOff, T[]? b, int bOff, T[] y, int yOff, in Conv2dGeometry g, T[]? savedColumns)
        where T : unmanaged, INumberBase<T>
    {
        var job = ForwardJob<T>.Instance ??= new ForwardJob<T>();
        job.Set(x, xOff, w, wOff, b, bOff, y, yOff, g, savedColumns, PackWeightsOnce(w, wOff, g, forInputGradient: false));
        KernelThreads.Run(job, g.N, Threads(g));
        job.Clear();
    }

    /// <summary>
    /// Gradients of the convolution: dx (N, C, H, W) when <paramref name="dx"/> is not null (overwritten), dw (OutC, C/G, KH, KW)
    /// when <paramref name="dw"/> is not null (overwritten), db (OutC) when <paramref name="db"/> is not null (overwritten).
    /// </summary>
    /// <remarks><c>savedColumns</c>: the columns <see cref="Forward{T}"/> saved for these images, or null to unfold them again.</remarks>
    public static void Backward<T>(T[] x, int xOff, T[] w, int wOff, T[] dy, int dyOff, T[]? dx, T[]? dw, T[]? db, in Conv2dGeometry g,
        T[]? savedColumns = null)
        where T : unmanaged, INumberBase<T> =>
        Launch.Run((x, xOff, w, wOff, dy, dyOff, dx, dw, db, g, savedColumns),
            static s => BackwardNow(s.x, s.xOff, s.w, s.wOff, s.dy, s.dyOff, s.dx, s.dw, s.db, s.g, s.savedColumns));

    private static void BackwardNow<T>(T[] x, int xOff, T[] w, int wOff, T[] dy, int dyOff, T[]? dx, T[]? dw, T[]? db, in Conv2dGeometry g,
        T[]? savedColumns)
        where T : unmanaged, INumberBase<T>
    {
        int wSize = g.OutC * g.KG;
        bool reduce = dw is not null || db is not null;
        int chunks = reduce ? Math.Clamp(MaxPartialElements / Math.Max(1, wSize + g.OutC), 1, Math.Min(MaxChunks, g.N)) : g.N;
        var job = BackwardJob<T>.Instance ??= new BackwardJob<T>();
        T[]? partials = null;
        if (reduce)
        {
            partials = Scratch<T>.Partials(chunks * (wSize + g.OutC));
        }
        job.Set(x, xOff, w, wOff, dy, dyOff, dx, dw is not null, db is not null, partials, chunks, g, savedColumns,
            dx is null ? null : PackWeightsOnce(w, wOff, g, forInputGradient: true));
        KernelThreads.Run(job, chunks, Threads(g));
        job.Clear();
        if (partials is null) return;
        // Add the chunks' partial sums in chunk order (fixed by the shapes, so independent of the thread count).
        int stride = wSize + g.OutC;
        if (dw is not null)
        {
            var d = dw.AsSpan(0, wSize);
            partials.AsSpan(0, wSize).CopyTo(d);
            for (int c = 1; c < chunks; c++) TensorPrimitives.Add(d, partials.AsSpan(c * stride, wSize), d);
        }
        if (db is not null)
        {
            var d = db.AsSpan(0, g.OutC);
            partials.AsSpan(wSize, g.OutC).CopyTo(d);
            for (int c = 1; c < chunks; c++) TensorPrimitives.Add(d, partials.AsSpan(c * stride + wSize, g.OutC), d);
        }
    }

    [ThreadStatic] private static float[]? t_packedWeights;

    /// <summary>
    /// The weight, packed once for every image's product when that product takes the GEMM's packed path (float32, more
    /// than one image): W (CoutG × KG) for the forward pass, Wᵀ (KG × CoutG) for the input gradient. Packing it per image
    /// repeated the same copy N times: W3's second convolution (batch 128, 2 threads) went from 3.88 to 3.64 ms forward and
    /// from 4.36 to 3.54 ms for the input gradient. Null when the per-image products are left to pack for themselves.
    /// </summary>
    private static PackedMatrix[]? PackWeightsOnce<T>(T[] w, int wOff, in Conv2dGeometry g, bool forInputGradient) where T : unmanaged
    {
        if (typeof(T) != typeof(float) || g.N < 2) return null;
        int m = forInputGradient ? g.KG : g.CoutG, k = forInputGradient ? g.CoutG : g.KG;
        if (!Gemm.TakesPackedPath(m, g.OutPlane, k)) return null;
        int per = Gemm.PackedAFloats(m, k);
        float[] buffer = t_packedWeights is { } existing && existing.Length >= per * g.Groups ? existing : (t_packedWeights = new float[per * g.Groups]);
        ReadOnlySpan<float> ws = MemoryMarshal.Cast<T, float>(w.AsSpan(wOff, g.OutC * g.KG));
        var packed = new PackedMatrix[g.Groups];
        for (int grp = 0; grp < g.Groups; grp++)
            packed[grp] = Gemm.PackA(forInputGradient, m, k, ws.Slice(grp * g.CoutG * g.KG, g.CoutG * g.KG), g.KG, buffer, grp * per);
        return packed;
    }

    private static int Threads(in Conv2dGeometry g)
    {
        long work = (long)g.N * g.OutC * g.OutPlane * g.KG;
        return work < ParallelMinWork ? 1 : KernelThreads.Count;
    }

    /// <summary>Image (C, H, W) → columns (C·KH·KW, OH·OW): row (c, ki, kj) holds x[c, oh·SH − PadTop + ki·DH, ow·SW − PadLeft + kj·DW] (0 outside).</summary>
    internal static void Im2Col<T>(ReadOnlySpan<T> x, Span<T> col, in Conv2dGeometry g) where T : unmanaged, INumberBase<T>
    {
        if (typeof(T) == typeof(float) && IsDenseValid(g))
        {
            Im2ColDenseFloat(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(col), g);
            return;
        }
        int ohw = g.OutPlane, r = 0;
        for (int c = 0; c < g.C; c++)
        {
            var plane = x.Slice(c * g.InPlane, g.InPlane);
            for (int ki = 0; ki < g.KH; ki++)
            {
                for (int kj = 0; kj < g.KW; kj++, r++)
                {
                    var row = col.Slice(r * ohw, ohw);
                    int colOff = kj * g.DW - g.PadLeft;
                    ValidRange(colOff, g.W, g.SW, g.OW, out int lo, out int hi);
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        var dst = row.Slice(oh * g.OW, g.OW);
                        int ih = oh * g.SH - g.PadTop + ki * g.DH;
                        if ((uint)ih >= (uint)g.H) { dst.Clear(); continue; }
                        var src = plane.Slice(ih * g.W, g.W);
                        dst.Slice(0, lo).Clear();
                        if (g.SW == 1) src.Slice(lo + colOff, hi - lo).CopyTo(dst.Slice(lo, hi - lo));
                        else for (int ow = lo; ow < hi; ow++) dst[ow] = src[ow * g.SW + colOff];
                        dst.Slice(hi).Clear();
                    }
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Im2Col{T}"/>: dx (C, H, W) += the columns scattered back (dx must be zeroed first).</summary>
    internal static void Col2Im<T>(ReadOnlySpan<T> col, Span<T> dx, in Conv2dGeometry g) where T : unmanaged, INumberBase<T>
    {
        if (typeof(T) == typeof(float) && IsDenseValid(g))
        {
            Col2ImDenseFloat(MemoryMarshal.Cast<T, float>(col), MemoryMarshal.Cast<T, float>(dx), g);
            return;
        }
        int ohw = g.OutPlane, r = 0;
        for (int c = 0; c < g.C; c++)
        {
            var plane = dx.Slice(c * g.InPlane, g.InPlane);
            for (int ki = 0; ki < g.KH; ki++)
            {
                for (int kj = 0; kj < g.KW; kj++, r++)
                {
                    var row = col.Slice(r * ohw, ohw);
                    int colOff = kj * g.DW - g.PadLeft;
                    ValidRange(colOff, g.W, g.SW, g.OW, out int lo, out int hi);
                    if (hi <= lo) continue;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.SH - g.PadTop + ki * g.DH;
                        if ((uint)ih >= (uint)g.H) continue;
                        var src = row.Slice(oh * g.OW, g.OW);
                        var dst = plane.Slice(ih * g.W, g.W);
                        if (g.SW == 1)
                        {
                            var d = dst.Slice(lo + colOff, hi - lo);
                            TensorPrimitives.Add(d, src.Slice(lo, hi - lo), d);
                        }
                        else
                        {
                            for (int ow = lo; ow < hi; ow++) dst[ow * g.SW + colOff] += src[ow];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Stride 1, dilation 1, no padding (every tap of every window inside the image) and output rows shorter than 16, where
    /// a span call per row costs more than the copy (W3's second convolution; longer rows keep the span calls).
    /// </summary>
    private static bool IsDenseValid(in Conv2dGeometry g) =>
        g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.PadTop == 0 && g.PadLeft == 0
        && g.OH + g.KH - 1 <= g.H && g.OW + g.KW - 1 <= g.W && g.OW < 16;

    /// <summary>
    /// Im2Col for <see cref="IsDenseValid"/> geometries: each output row of a column row is a contiguous run of OW image
    /// values, moved 8 at a time with a scalar tail instead of a span call per run (conv 32→64 on 13×13 has 3,168 runs of
    /// 11 values per image).
    /// </summary>
    private static unsafe void Im2ColDenseFloat(ReadOnlySpan<float> x, Span<float> col, in Conv2dGeometry g)
    {
        CheckDenseBuffers(col.Length, x.Length, g);
        fixed (float* pImage = x, pCol = col)
            UnfoldDense(pImage, pCol, g, scatter: false);
    }

    /// <summary>Col2Im (dx += the columns scattered back) for <see cref="IsDenseValid"/> geometries, as <see cref="Im2ColDenseFloat"/>.</summary>
    private static unsafe void Col2ImDenseFloat(ReadOnlySpan<float> col, Span<float> dx, in Conv2dGeometry g)
    {
        CheckDenseBuffers(col.Length, dx.Length, g);
        fixed (float* pImage = dx, pCol = col)
            UnfoldDense(pImage, pCol, g, scatter: true);
    }

    private static void CheckDenseBuffers(int colLength, int imageLength, in Conv2dGeometry g)
    {
        if (colLength < g.C * g.KH * g.KW * g.OutPlane || imageLength < g.C * g.InPlane)
            throw new ArgumentException("Conv2d: column or image buffer too small.");
    }

    /// <summary>Walks every (channel, tap, output row) run: copies image → columns, or with <paramref name="scatter"/> adds columns → image.</summary>
    private static unsafe void UnfoldDense(float* image, float* col, in Conv2dGeometry g, bool scatter)
    {
        int ohw = g.OutPlane, ow = g.OW, w = g.W, r = 0;
        for (int c = 0; c < g.C; c++)
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++, r++)
                {
                    float* plane = image + c * g.InPlane + ki * w + kj, colRow = col + (nint)r * ohw;
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        float* img = plane + oh * w, run = colRow + oh * ow;
                        int t = 0;
                        if (scatter)
                        {
                            for (; t + 8 <= ow; t += 8) Vector256.Store(Vector256.Load(img + t) + Vector256.Load(run + t), img + t);
                            for (; t < ow; t++) img[t] += run[t];
                        }
                        else
                        {
                            for (; t + 8 <= ow; t += 8) Vector256.Store(Vector256.Load(img + t), run + t);
                            for (; t < ow; t++) run[t] = img[t];
                        }
                    }
                }
    }

    /// <summary>Output columns [lo, hi) whose input column ow·stride + offset lies in [0, width).</summary>
    private static void ValidRange(int offset, int width, int stride, int outWidth, out int lo, out int hi)
    {
        lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        hi = width - 1 - offset < 0 ? 0 : (width - 1 - offset) / stride + 1;
        lo = Math.Min(lo, outWidth);
        hi = Math.Clamp(hi, lo, outWidth);
    }

    /// <summary>C = op(A)·op(B) (+ C) through the float32 or float64 GEMM.</summary>
    private static void MatMul<T>(bool ta, bool tb, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool accumulate)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Gemm.Sgemm(ta, tb, m, n, k, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb, MemoryMarshal.Cast<T, float>(c), ldc, accumulate);
        else
            Gemm.Dgemm(ta, tb, m, n, k, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb, MemoryMarshal.Cast<T, double>(c), ldc, accumulate);
    }

    private sealed class ForwardJob<T> : KernelThreads.Job where T : unmanaged, INumberBase<T>
    {
        [ThreadStatic] internal static ForwardJob<T>? Instance;
        private T[] _x = [], _w = [], _y = [];
        private T[]? _b, _saved;
        private PackedMatrix[]? _packed;
        private int _xOff, _wOff, _bOff, _yOff;
        private Conv2dGeometry _g;

        public void Set(T[] x, int xOff, T[] w, int wOff, T[]? b, int bOff, T[] y, int yOff, in Conv2dGeometry g, T[]? saved, PackedMatrix[]? packed)
        {
            (_x, _xOff, _w, _wOff, _b, _bOff, _y, _yOff, _g, _saved, _packed) = (x, xOff, w, wOff, b, bOff, y, yOff, g, saved, packed);
        }

        public void Clear() { _x = _w = _y = []; _b = _saved = null; _packed = null; }

        internal override void RunPart(int n)
        {
            ref readonly var g = ref _g;
            int inSize = g.C * g.InPlane, ohw = g.OutPlane, kg = g.KG, coutG = g.CoutG;
            ReadOnlySpan<T> xs = _x.AsSpan(_xOff + n * inSize, inSize);
            Span<T> ys = _y.AsSpan(_yOff + n * g.OutC * ohw, g.OutC * ohw);
            ReadOnlySpan<T> col = xs;
            if (!g.IsPointwise)
            {
                int colSize = g.C * g.KH * g.KW * ohw;
                Span<T> buf = _saved is null ? Scratch<T>.Col(colSize) : _saved.AsSpan(n * colSize, colSize);
                Im2Col(xs, buf, g);
                col = buf;
            }
            ReadOnlySpan<T> w = _w.AsSpan(_wOff, g.OutC * kg);
            // y = b (broadcast over the plane), then y += W·col: one write pass for the bias instead of a read-modify-write
            if (_b is not null)
                for (int o = 0; o < g.OutC; o++) ys.Slice(o * ohw, ohw).Fill(_b[_bOff + o]);
            for (int grp = 0; grp < g.Groups; grp++)
            {
                if (_packed is not null)
                    Gemm.SgemmPrepackedA(_packed[grp], false, ohw, MemoryMarshal.Cast<T, float>(col.Slice(grp * kg * ohw)), ohw,
                        MemoryMarshal.Cast<T, float>(ys.Slice(grp * coutG * ohw)), ohw, _b is not null, threads: 1);
                else
                    MatMul(false, false, coutG, ohw, kg, w.Slice(grp * coutG * kg), kg, col.Slice(grp * kg * ohw), ohw, ys.Slice(grp * coutG * ohw), ohw, _b is not null);
            }
        }
    }

    private sealed class BackwardJob<T> : KernelThreads.Job where T : unmanaged, INumberBase<T>
    {
        [ThreadStatic] internal static BackwardJob<T>? Instance;
        private T[] _x = [], _w = [], _dy = [];
        private T[]? _dx, _partials, _saved;
        private PackedMatrix[]? _packedT;
        private bool _dw, _db;
        private int _xOff, _wOff, _dyOff, _chunks;
        private Conv2dGeometry _g;

        public void Set(T[] x, int xOff, T[] w, int wOff, T[] dy, int dyOff, T[]? dx, bool dw, bool db, T[]? partials, int chunks, in Conv2dGeometry g,
            T[]? saved, PackedMatrix[]? packedTransposed)
        {
            (_x, _xOff, _w, _wOff, _dy, _dyOff, _dx, _dw, _db, _partials, _chunks, _g, _saved, _packedT) =
                (x, xOff, w, wOff, dy, dyOff, dx, dw, db, partials, chunks, g, saved, packedTransposed);
        }

        public void Clear() { _x = _w = _dy = []; _dx = _partials = _saved = null; _packedT = null; }

        internal override void RunPart(int chunk)
        {
            ref readonly var g = ref _g;
            int inSize = g.C * g.InPlane, ohw = g.OutPlane, kg = g.KG, coutG = g.CoutG, wSize = g.OutC * kg;
            int first = (int)((long)chunk * g.N / _chunks), end = (int)((long)(chunk + 1) * g.N / _chunks);
            Span<T> dwPart = _dw ? _partials.AsSpan(chunk * (wSize + g.OutC), wSize) : default;
            Span<T> dbPart = _db ? _partials.AsSpan(chunk * (wSize + g.OutC) + wSize, g.OutC) : default;
            ReadOnlySpan<T> w = _w.AsSpan(_wOff, wSize);
            int colSize = g.C * g.KH * g.KW * ohw;
            for (int n = first; n < end; n++)
            {
                ReadOnlySpan<T> xs = _x.AsSpan(_xOff + n * inSize, inSize);
                ReadOnlySpan<T> dys = _dy.AsSpan(_dyOff + n * g.OutC * ohw, g.OutC * ohw);
                bool firstImage = n == first;
                if (_dw)
                {
                    // dW_g += dY_g (CoutG × OH·OW) · col_gᵀ (OH·OW × KG)
                    ReadOnlySpan<T> col = xs;
                    if (!g.IsPointwise && _saved is not null)
                        col = _saved.AsSpan(n * colSize, colSize); // unfolded by the forward pass
                    else if (!g.IsPointwise)
                    {
                        var buf = Scratch<T>.Col(colSize);
                        Im2Col(xs, buf, g);
                        col = buf;
                    }
                    for (int grp = 0; grp < g.Groups; grp++)
                        MatMul(false, true, coutG, kg, ohw, dys.Slice(grp * coutG * ohw), ohw, col.Slice(grp * kg * ohw), ohw,
                            dwPart.Slice(grp * coutG * kg), kg, !firstImage);
                }
                if (_db)
                {
                    for (int o = 0; o < g.OutC; o++)
                    {
                        T s = TensorPrimitives.Sum(dys.Slice(o * ohw, ohw));
                        dbPart[o] = firstImage ? s : dbPart[o] + s;
                    }
                }
                if (_dx is not null)
                {
                    // dcol_g (KG × OH·OW) = W_gᵀ · dY_g, then scattered back onto the image.
                    Span<T> dxs = _dx.AsSpan(n * inSize, inSize);
                    Span<T> dcol = g.IsPointwise ? dxs : Scratch<T>.DCol(colSize);
                    for (int grp = 0; grp < g.Groups; grp++)
                    {
                        if (_packedT is not null)
                            Gemm.SgemmPrepackedA(_packedT[grp], false, ohw, MemoryMarshal.Cast<T, float>(dys.Slice(grp * coutG * ohw)), ohw,
                                MemoryMarshal.Cast<T, float>(dcol.Slice(grp * kg * ohw)), ohw, false, threads: 1);
                        else
                            MatMul(true, false, kg, ohw, coutG, w.Slice(grp * coutG * kg), kg, dys.Slice(grp * coutG * ohw), ohw,
                                dcol.Slice(grp * kg * ohw), ohw, false);
                    }
                    if (!g.IsPointwise)
                    {
                        dxs.Clear();
                        Col2Im<T>(dcol, dxs, g);
                    }
                }
            }
        }
    }
}

/// <summary>Per-thread scratch buffers reused across kernel calls (grown, never shrunk).</summary>
internal static class Scratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? t_col;
    [ThreadStatic] private static T[]? t_dcol;
    [ThreadStatic] private static T[]? t_partials;

    public static T[] Col(int length) => Get(ref t_col, length);
    public static T[] DCol(int length) => Get(ref t_dcol, length);
    public static T[] Partials(int length) => Get(ref t_partials, length);

    private static T[] Get(ref T[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = new T[Math.Max(length, (buffer?.Length ?? 0) * 3 / 2)];
        return buffer;
    }
}
