using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SharpGrad.Kernels;

/// <summary>
/// Sizes of a 2-D pooling over <see cref="Planes"/> = N·C independent (H, W) planes, output (OH, OW). For max and average
/// pooling the window of output (i, j) starts at (i·SH − PH, j·SW − PW) and has KH×KW taps DH, DW apart; for adaptive
/// pooling rows ⌊i·H/OH⌋ … ⌈(i+1)·H/OH⌉ − 1 (likewise columns).
/// </summary>
internal readonly struct Pool2dGeometry
{
    public readonly int Planes, H, W, KH, KW, SH, SW, PH, PW, DH, DW, OH, OW;

    public Pool2dGeometry(int planes, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int oh, int ow)
    {
        Planes = planes; H = h; W = w; KH = kh; KW = kw; SH = sh; SW = sw; PH = ph; PW = pw; DH = dh; DW = dw; OH = oh; OW = ow;
    }

    /// <summary>
    /// PyTorch's pooling output size: ⌊(size + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1 (⌈…⌉ in ceil mode, where a last
    /// window that would start in the right padding is dropped).
    /// </summary>
    public static int OutSize(int size, int k, int stride, int pad, int dilation, bool ceilMode)
    {
        int span = size + 2 * pad - dilation * (k - 1) - 1;
        int o = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (o - 1) * stride >= size + pad) o--;
        return o;
    }
}

/// <summary>
/// Max, average and adaptive average pooling over NCHW planes, forward and backward, float32 and float64. Planes are
/// independent, so they are split across <see cref="KernelThreads"/>; each output is computed by the same loop whatever the
/// thread count. Max pooling records the flat index (row·W + column within the plane) of each window's maximum; ties keep
/// the first maximum in row-major window order and NaN wins, as in PyTorch.
/// </summary>
internal static class Pool2d
{
    private const int MinElementsPerPart = 16384;

    internal enum Op { MaxForward, MaxBackward, AvgForward, AvgBackward, AdaptiveForward, AdaptiveBackward }

    /// <summary>y = max over each window of x; <paramref name="indices"/> receives the argmax (flat within the plane).</summary>
    public static void MaxForward<T>(T[] x, int xOff, T[] y, int[] indices, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Op.MaxForward, x, xOff, y, indices, false, g);

    /// <summary>dx (zeroed here) += dy scattered to the recorded argmax positions.</summary>
    public static void MaxBackward<T>(T[] dy, int dyOff, T[] dx, int[] indices, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Op.MaxBackward, dy, dyOff, dx, indices, false, g);

    /// <summary>y = mean over each window; the divisor counts padding taps when <paramref name="countIncludePad"/> (PyTorch's default).</summary>
    public static void AvgForward<T>(T[] x, int xOff, T[] y, bool countIncludePad, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Op.AvgForward, x, xOff, y, null, countIncludePad, g);

    /// <summary>dx (zeroed here) += dy / divisor over each window.</summary>
    public static void AvgBackward<T>(T[] dy, int dyOff, T[] dx, bool countIncludePad, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Op.AvgBackward, dy, dyOff, dx, null, countIncludePad, g);

    /// <summary>Adaptive average pooling to (OH, OW).</summary>
    public static void AdaptiveForward<T>(T[] x, int xOff, T[] y, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Op.AdaptiveForward, x, xOff, y, null, false, g);

    /// <summary>dx (zeroed here) of adaptive average pooling.</summary>
    public static void AdaptiveBackward<T>(T[] dy, int dyOff, T[] dx, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(Op.AdaptiveBackward, dy, dyOff, dx, null, false, g);

    private static void Run<T>(Op op, T[] src, int srcOff, T[] dst, int[]? indices, bool countIncludePad, in Pool2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Launch.Run((op, src, srcOff, dst, indices, countIncludePad, g), static s => RunNow(s.op, s.src, s.srcOff, s.dst, s.indices, s.countIncludePad, s.g));

    private static void RunNow<T>(Op op, T[] src, int srcOff, T[] dst, int[]? indices, bool countIncludePad, in Pool2dGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        long elements = (long)g.Planes * (g.H * g.W + g.OH * g.OW);
        int parts = (int)Math.Clamp(elements / MinElementsPerPart, 1, Math.Min(g.Planes, 64));
        var job = PoolJob<T>.Instance ??= new PoolJob<T>();
        job.Set(op, src, srcOff, dst, indices, countIncludePad, parts, g);
        KernelThreads.Run(job, parts, KernelThreads.Count);
        job.Clear();
    }

    private sealed class PoolJob<T> : KernelThreads.Job where T : unmanaged, IFloatingPointIeee754<T>
    {
        [ThreadStatic] internal static PoolJob<T>? Instance;
        private Op _op;
        private T[] _src = [], _dst = [];
        private int[]? _indices;
        private int _srcOff, _parts;
        private bool _countIncludePad;
        private Pool2dGeometry _g;

        public void Set(Op op, T[] src, int srcOff, T[] dst, int[]? indices, bool countIncludePad, int parts, in Pool2dGeometry g) =>
            (_op, _src, _srcOff, _dst, _indices, _countIncludePad, _parts, _g) = (op, src, srcOff, dst, indices, countIncludePad, parts, g);

        public void Clear() { _src = _dst = []; _indices = null; }

        internal override void RunPart(int part)
        {
            ref readonly var g = ref _g;
            int first = (int)((long)part * g.Planes / _parts), end = (int)((long)(part + 1) * g.Planes / _parts);
            int inPlane = g.H * g.W, outPlane = g.OH * g.OW;
            for (int p = first; p < end; p++)
            {
                switch (_op)
                {
                    case Op.MaxForward:
                        MaxPlane(_src.AsSpan(_srcOff + p * inPlane, inPlane), _dst.AsSpan(p * outPlane, outPlane), _indices.AsSpan(p * outPlane, outPlane), g);
                        break;
                    case Op.MaxBackward:
                    {
                        var dy = _src.AsSpan(_srcOff + p * outPlane, outPlane);
                        var dx = _dst.AsSpan(p * inPlane, inPlane);
                        var idx = _indices.AsSpan(p * outPlane, outPlane);
                        if (IsTiling2x2(g))
                        {
                            MaxBackwardTiling2x2(dy, dx, idx, g);
                            break;
                        }
                        dx.Clear();
                        for (int i = 0; i < outPlane; i++) dx[idx[i]] += dy[i];
                        break;
                    }
                    case Op.AvgForward:
                        AvgPlane(_src.AsSpan(_srcOff + p * inPlane, inPlane), _dst.AsSpan(p * outPlane, outPlane), _countIncludePad, backward: false, g);
                        break;
                    case Op.AvgBackward:
                        AvgPlane(_src.AsSpan(_srcOff + p * outPlane, outPlane), _dst.AsSpan(p * inPlane, inPlane), _countIncludePad, backward: true, g);
                        break;
                    case Op.AdaptiveForward:
                        AdaptivePlane(_src.AsSpan(_srcOff + p * inPlane, inPlane), _dst.AsSpan(p * outPlane, outPlane), backward: false, g);
                        break;
                    case Op.AdaptiveBackward:
                        AdaptivePlane(_src.AsSpan(_srcOff + p * outPlane, outPlane), _dst.AsSpan(p * inPlane, inPlane), backward: true, g);
                        break;
                }
            }
        }
    }

    private static void MaxPlane<T>(ReadOnlySpan<T> x, Span<T> y, Span<int> indices, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // ceil mode can add a last window row/column hanging over the plane: only the general loop handles it
        if (IsTiling2x2(g))
        {
            int done = 0;
            if (typeof(T) == typeof(float) && Avx2.IsSupported)
                done = MaxPlane2x2Avx2(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(y), indices, g);
            if (done == g.OH * g.OW) return;
            // The common 2×2/2 case without bounds checks on the taps (all windows lie inside the plane).
            for (int i = 0; i < g.OH; i++)
            {
                var r0 = x.Slice(2 * i * g.W, g.W);
                var r1 = x.Slice((2 * i + 1) * g.W, g.W);
                int o = i * g.OW;
                for (int j = Math.Max(done - o, 0); j < g.OW; j++)
                {
                    int c = 2 * j;
                    T best = r0[c];
                    int at = 2 * i * g.W + c;
                    T v = r0[c + 1];
                    if (v > best || T.IsNaN(v)) { best = v; at = 2 * i * g.W + c + 1; }
                    v = r1[c];
                    if (v > best || T.IsNaN(v)) { best = v; at = (2 * i + 1) * g.W + c; }
                    v = r1[c + 1];
                    if (v > best || T.IsNaN(v)) { best = v; at = (2 * i + 1) * g.W + c + 1; }
                    y[o + j] = best;
                    indices[o + j] = at;
                }
            }
            return;
        }
        for (int i = 0; i < g.OH; i++)
        {
            int hs = i * g.SH - g.PH;
            for (int j = 0; j < g.OW; j++)
            {
                int ws = j * g.SW - g.PW;
                T best = T.NegativeInfinity;
                int at = -1;
                for (int ki = 0; ki < g.KH; ki++)
                {
                    int ih = hs + ki * g.DH;
                    if ((uint)ih >= (uint)g.H) continue;
                    for (int kj = 0; kj < g.KW; kj++)
                    {
                        int iw = ws + kj * g.DW;
                        if ((uint)iw >= (uint)g.W) continue;
                        T v = x[ih * g.W + iw];
                        // at < 0: the first in-range tap initialises the index, as in PyTorch (so an all −∞ window points inside it).
                        if (at < 0 || v > best || T.IsNaN(v)) { best = v; at = ih * g.W + iw; }
                    }
                }
                y[i * g.OW + j] = best;
                indices[i * g.OW + j] = Math.Max(at, 0);
            }
        }
    }

    /// <summary>2×2 windows with stride 2 and no padding that lie inside the plane: every input element is in at most one window.</summary>
    private static bool IsTiling2x2(in Pool2dGeometry g) =>
        g.KH == 2 && g.KW == 2 && g.SH == 2 && g.SW == 2 && g.PH == 0 && g.PW == 0 && g.DH == 1 && g.DW == 1 && 2 * g.OH <= g.H && 2 * g.OW <= g.W;

    /// <summary>
    /// dx of 2×2/2 max pooling. Float rows of at least 8 windows are written in one pass, eight windows at a time: each
    /// window's four taps get the gradient at the maximum and 0 elsewhere, then the row and column no window covers (odd
    /// sizes) are cleared. Otherwise the plane is cleared and each gradient stored at its argmax. Kernel alone, 2 threads:
    /// W3's 128×32×26×26 1.34 → 0.27 ms, its 128×64×11×11 1.44 → 0.26 ms.
    /// </summary>
    private static void MaxBackwardTiling2x2<T>(ReadOnlySpan<T> dy, Span<T> dx, ReadOnlySpan<int> idx, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int w = g.W;
        bool vector = typeof(T) == typeof(float) && Avx2.IsSupported && g.OW >= 8;
        if (!vector)
        {
            // short rows (W3's 5×5): clearing the plane in one vector pass and storing each window's gradient at its
            // argmax beats four selects per window (the windows are disjoint, so a store is the sum)
            dx.Clear();
            int windows = g.OH * g.OW;
            for (int k = 0; k < windows; k++) dx[idx[k]] = dy[k];
            return;
        }
        for (int i = 0; i < g.OH; i++)
        {
            Span<T> r0 = dx.Slice(2 * i * w, w), r1 = dx.Slice((2 * i + 1) * w, w);
            int o = i * g.OW;
            int j = MaxBackwardRow2x2Avx2(MemoryMarshal.Cast<T, float>(dy.Slice(o, g.OW)), MemoryMarshal.Cast<T, float>(r0),
                MemoryMarshal.Cast<T, float>(r1), idx.Slice(o, g.OW), 2 * i * w, w);
            for (; j < g.OW; j++)
            {
                int c = 2 * j, start = 2 * i * w + c, at = idx[o + j] - start;
                T v = dy[o + j];
                r0[c] = at == 0 ? v : T.Zero;
                r0[c + 1] = at == 1 ? v : T.Zero;
                r1[c] = at == w ? v : T.Zero;
                r1[c + 1] = at == w + 1 ? v : T.Zero;
            }
            if (2 * g.OW < w)
            {
                r0.Slice(2 * g.OW).Clear();
                r1.Slice(2 * g.OW).Clear();
            }
        }
        dx.Slice(2 * g.OH * w).Clear();
    }

    /// <summary>
    /// One output row of <see cref="MaxBackwardTiling2x2"/>, eight windows at a time: each tap is dy where the window's
    /// argmax points at it and 0 elsewhere; the taps of a window row are interleaved into the two image rows. Returns how
    /// many windows it did: all of them (at least 8).
    /// </summary>
    private static unsafe int MaxBackwardRow2x2Avx2(ReadOnlySpan<float> dy, Span<float> r0, Span<float> r1, ReadOnlySpan<int> idx, int rowStart, int w)
    {
        int windows = dy.Length < 8 ? 0 : (dy.Length + 7) & ~7;
        if (r0.Length < 2 * dy.Length || r1.Length < 2 * dy.Length || idx.Length < dy.Length)
            throw new ArgumentException("Internal error: max-pool backward row buffers too short.");
        var windowStep = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var right = Vector256<int>.One;
        var below = Vector256.Create(w);
        var belowRight = Vector256.Create(w + 1);
        fixed (float* pdy = dy, p0 = r0, p1 = r1)
        fixed (int* pidx = idx)
        {
            for (int block = 0; block < windows; block += 8)
            {
                // the last block ends at the row's last window, overlapping the one before: it rewrites some windows with
                // the same values (every tap is written, none accumulated), so no scalar tail is left
                int j = Math.Min(block, dy.Length - 8);
                // the argmax relative to the window's top-left tap: 0, 1, w or w + 1
                Vector256<int> at = Avx.LoadVector256(pidx + j) - (Vector256.Create(rowStart + 2 * j) + windowStep);
                Vector256<float> v = Avx.LoadVector256(pdy + j);
                Vector256<float> t0 = v & Vector256.Equals(at, Vector256<int>.Zero).AsSingle();
                Vector256<float> t1 = v & Vector256.Equals(at, right).AsSingle();
                Vector256<float> t2 = v & Vector256.Equals(at, below).AsSingle();
                Vector256<float> t3 = v & Vector256.Equals(at, belowRight).AsSingle();
                // interleave (t0, t1) into the top image row and (t2, t3) into the bottom one: 16 values each
                Vector256<float> lo = Avx.UnpackLow(t0, t1), hi = Avx.UnpackHigh(t0, t1);
                Avx.Store(p0 + 2 * j, Avx.Permute2x128(lo, hi, 0x20));
                Avx.Store(p0 + 2 * j + 8, Avx.Permute2x128(lo, hi, 0x31));
                lo = Avx.UnpackLow(t2, t3);
                hi = Avx.UnpackHigh(t2, t3);
                Avx.Store(p1 + 2 * j, Avx.Permute2x128(lo, hi, 0x20));
                Avx.Store(p1 + 2 * j + 8, Avx.Permute2x128(lo, hi, 0x31));
            }
        }
        return windows == 0 ? 0 : dy.Length;
    }

    // Window start offsets per plane geometry, a few geometries per thread (a CNN's pooling layers alternate every step).
    [ThreadStatic] private static (int OH, int OW, int W, int[] Starts)[]? t_windowStarts;
    [ThreadStatic] private static int t_windowNext;

    private static int[] WindowStarts(in Pool2dGeometry g)
    {
        var cache = t_windowStarts ??= new (int, int, int, int[])[4];
        foreach (var (oh, ow, w, starts) in cache)
            if (starts is not null && (oh, ow, w) == (g.OH, g.OW, g.W)) return starts;
        var made = new int[g.OH * g.OW];
        for (int i = 0; i < g.OH; i++)
            for (int j = 0; j < g.OW; j++) made[i * g.OW + j] = 2 * i * g.W + 2 * j;
        cache[t_windowNext] = (g.OH, g.OW, g.W, made);
        t_windowNext = (t_windowNext + 1) % cache.Length;
        return made;
    }

    /// <summary>
    /// 2×2/2 max pooling of one float plane, eight windows at a time (windows numbered row-major across the whole output
    /// plane, so narrow outputs such as 5×5 vectorize too): the four taps of each window are gathered and compared in the
    /// scalar loop's order (first maximum wins, NaN propagates). Returns how many leading windows it did (a multiple of 8);
    /// the scalar loop finishes the rest.
    /// </summary>
    private static unsafe int MaxPlane2x2Avx2(ReadOnlySpan<float> x, Span<float> y, Span<int> indices, in Pool2dGeometry g)
    {
        int windows = g.OH * g.OW, vectorWindows = windows & ~7;
        if (vectorWindows == 0) return 0;
        int[] starts = WindowStarts(g);
        var one = Vector256<int>.One;
        var row = Vector256.Create(g.W);
        fixed (float* px = x)
        fixed (float* py = y)
        fixed (int* pi = indices)
        fixed (int* ps = starts)
        {
            for (int k = 0; k < vectorWindows; k += 8)
            {
                Vector256<int> at0 = Avx.LoadVector256(ps + k), at1 = at0 + one, at2 = at0 + row, at3 = at2 + one;
                Vector256<float> best = Avx2.GatherVector256(px, at0, 4);
                Vector256<int> at = at0;
                Take(Avx2.GatherVector256(px, at1, 4), at1, ref best, ref at);
                Take(Avx2.GatherVector256(px, at2, 4), at2, ref best, ref at);
                Take(Avx2.GatherVector256(px, at3, 4), at3, ref best, ref at);
                Avx.Store(py + k, best);
                Avx.Store(pi + k, at);
            }
        }
        return vectorWindows;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static void Take(Vector256<float> v, Vector256<int> position, ref Vector256<float> best, ref Vector256<int> at)
        {
            Vector256<float> take = Avx.CompareGreaterThan(v, best) | Avx.CompareUnordered(v, v); // v > best, or v is NaN
            best = Avx.BlendVariable(best, v, take);
            at = Avx.BlendVariable(at.AsSingle(), position.AsSingle(), take).AsInt32();
        }
    }

    private static void AvgPlane<T>(ReadOnlySpan<T> src, Span<T> dst, bool countIncludePad, bool backward, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (backward) dst.Clear();
        for (int i = 0; i < g.OH; i++)
        {
            int hs = i * g.SH - g.PH, he = Math.Min(hs + g.KH, g.H + g.PH);
            int poolH = he - hs;
            hs = Math.Max(hs, 0);
            he = Math.Min(he, g.H);
            for (int j = 0; j < g.OW; j++)
            {
                int ws = j * g.SW - g.PW, we = Math.Min(ws + g.KW, g.W + g.PW);
                int poolW = we - ws;
                ws = Math.Max(ws, 0);
                we = Math.Min(we, g.W);
                int divisor = countIncludePad ? poolH * poolW : (he - hs) * (we - ws);
                T div = T.CreateChecked(Math.Max(divisor, 1));
                AverageWindow(src, dst, backward, g, i * g.OW + j, hs, he, ws, we, div);
            }
        }
    }

    /// <summary>
    /// One output of an average pool over input rows hs…he−1 and columns ws…we−1: forward, the window's sum divided by
    /// <paramref name="div"/>; backward, the output gradient divided by <paramref name="div"/> added to every input of the window.
    /// </summary>
    private static void AverageWindow<T>(ReadOnlySpan<T> src, Span<T> dst, bool backward, in Pool2dGeometry g, int output, int hs, int he, int ws, int we, T div)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!backward)
        {
            T sum = T.Zero;
            for (int ih = hs; ih < he; ih++)
                for (int iw = ws; iw < we; iw++) sum += src[ih * g.W + iw];
            dst[output] = sum / div;
        }
        else
        {
            T d = src[output] / div;
            for (int ih = hs; ih < he; ih++)
                for (int iw = ws; iw < we; iw++) dst[ih * g.W + iw] += d;
        }
    }

    private static void AdaptivePlane<T>(ReadOnlySpan<T> src, Span<T> dst, bool backward, in Pool2dGeometry g) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (backward) dst.Clear();
        for (int i = 0; i < g.OH; i++)
        {
            int hs = i * g.H / g.OH, he = ((i + 1) * g.H + g.OH - 1) / g.OH;
            for (int j = 0; j < g.OW; j++)
            {
                int ws = j * g.W / g.OW, we = ((j + 1) * g.W + g.OW - 1) / g.OW;
                T div = T.CreateChecked((he - hs) * (we - ws));
                AverageWindow(src, dst, backward, g, i * g.OW + j, hs, he, ws, we, div);
            }
        }
    }
}
