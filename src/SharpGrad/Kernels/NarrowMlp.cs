using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpGrad.NN;

namespace SharpGrad.Kernels;

/// <summary>
/// Forward and backward of a whole chain of narrow dense layers (every width ≤ <see cref="MaxWidth"/>) in one kernel, float32.
/// A GEMM with 10 or 20 columns wastes most of every vector register and pays packing for very little arithmetic; here the
/// vector lanes run across <em>samples</em> instead: every activation is kept transposed, feature-major ("lanes": row f holds
/// feature f of every sample, <see cref="LaneStride"/> floats apart), so a layer is out[j, :] = act(b[j] + Σ_f W[j, f]·in[f, :])
/// with W[j, f] broadcast and full-width loads, whatever the widths. The backward rules (e.g. Rumelhart, Hinton and Williams
/// 1986, eq. 14–16) in the same layout:
/// δ = g ⊙ act′(a); ∂W[j, f] = Σ_s δ[j, s]·in[f, s]; ∂b[j] = Σ_s δ[j, s]; g_in[f, :] = Σ_j W[j, f]·δ[j, :].
/// <para>
/// Samples are processed in fixed chunks of at most <see cref="ChunkSamples"/>; chunks run on the kernel threads and the
/// weight gradients of the chunks are added in chunk order, so the result does not depend on the thread count. On hardware
/// with 512-bit vectors the combinations run sixteen samples a vector with the activation (forward) or its derivative
/// (backward) applied in the registers (NarrowMlp.Wide.cs).
/// </para>
/// </summary>
internal sealed partial class NarrowMlp : KernelThreads.Job
{
    /// <summary>The widest layer (input or output) the kernel takes.</summary>
    public const int MaxWidth = 64;

    /// <summary>
    /// The most samples in one chunk. n is cut into ⌈n / ChunkSamples⌉ chunks of equal size (whole cache lines), so the
    /// partition depends on n alone. Every chunk ends each weight-gradient dot product with a horizontal sum; on one thread
    /// W1 (800 samples) measured alike with chunks of 208, 400 and 800 samples (22.2–23.2 ms for 1000 steps).
    /// </summary>
    public const int ChunkSamples = 1024;

    private const int V = 8; // Vector256<float>.Count

    /// <summary>
    /// Runs below this many multiply-adds per pass stay on one thread. W1 (204,000) measured no faster on two threads:
    /// 22–28 ms against 22–26 ms for 1000 steps, the hand-off and the cross-core traffic eating the gain.
    /// </summary>
    private const long MinParallelWork = 1 << 19;

    private readonly int[] _widths;          // F_0 … F_L
    private readonly MlpActivation[] _activations;
    private readonly float[][] _w;
    private readonly int[] _wOff;
    private readonly float[]?[] _b;
    private readonly int[] _bOff;
    private readonly int _n, _stride, _chunks, _chunkSize, _maxWidth;
    private readonly float[] _work;          // every lanes buffer, two gradient buffers and the chunks' partial sums
    private readonly int[] _region;          // [i ≤ L]: lanes i (the input, then layer i's output); [L + 1], [L + 2]: gradients; [L + 3]: partial sums
    private readonly int[] _paramOffset;     // per layer, where its ∂W (then ∂b) start in a chunk's block of partial sums
    private readonly int _paramCount, _paramStride;
    private readonly long _workPerPass;      // multiply-adds of one pass over all samples

    // the pass in progress
    private bool _backwardPass;
    private float[] _x = [], _y = [], _gy = [];
    private float[]? _dx;
    private int _xOff, _gyOff, _parts;

    /// <summary>
    /// Prepares a run over <paramref name="n"/> samples. <paramref name="widths"/> has one entry more than there are layers;
    /// layer l's weight is (widths[l + 1], widths[l]) row-major at weights[l][weightOffsets[l]], its bias (or null) at
    /// biases[l][biasOffsets[l]]. <paramref name="work"/> (at least <see cref="WorkFloats"/> floats) holds the saved
    /// activations from the forward pass to the backward pass and the backward pass's buffers.
    /// </summary>
    public NarrowMlp(int n, int[] widths, MlpActivation[] activations, float[][] weights, int[] weightOffsets, float[]?[] biases, int[] biasOffsets, float[] work)
    {
        int layers = activations.Length;
        if (widths.Length != layers + 1 || weights.Length != layers || biases.Length != layers)
            throw new ArgumentException("Internal error: NarrowMlp arrays disagree on the number of layers.");
        if (work.Length < WorkFloats(n, widths))
            throw new ArgumentException("Internal error: NarrowMlp work array too short.");
        _n = n;
        _stride = LaneStride(n);
        _chunks = MaxChunks(_stride);
        _chunkSize = LaneStride((_stride + _chunks - 1) / _chunks); // a whole number of cache lines: no line is shared by two chunks
        _chunks = Math.Max(1, (_stride + _chunkSize - 1) / _chunkSize);
        _widths = widths;
        _activations = activations;
        _w = weights;
        _wOff = weightOffsets;
        _b = biases;
        _bOff = biasOffsets;
        _work = work;
        _paramOffset = new int[layers];
        int offset = 0;
        long macs = 0;
        for (int l = 0; l < layers; l++)
        {
            _paramOffset[l] = offset;
            offset += widths[l + 1] * widths[l] + widths[l + 1];
            macs += (long)widths[l] * widths[l + 1];
        }
        _paramCount = offset;
        _paramStride = LaneStride(offset);
        _maxWidth = widths.Max();
        _workPerPass = macs * _stride;
        _region = new int[layers + 4];
    }

    /// <summary>Chunks before rounding the chunk size to whole cache lines (which can only lower the count).</summary>
    private static int MaxChunks(int stride) => Math.Max(1, (stride + ChunkSamples - 1) / ChunkSamples);

    /// <summary>Floats of work memory a run over <paramref name="n"/> samples needs.</summary>
    public static int WorkFloats(int n, int[] widths)
    {
        int stride = LaneStride(n);
        long lanes = 0, parameters = 0;
        for (int i = 0; i < widths.Length; i++)
        {
            lanes += widths[i];
            if (i > 0) parameters += (long)widths[i] * widths[i - 1] + widths[i];
        }
        long total = (lanes + 2L * widths.Max()) * stride + MaxChunks(stride) * LaneStride((int)parameters) + Align;
        return checked((int)total);
    }

    /// <summary>
    /// Lays the regions out from the first 64-byte boundary of the work array, so every lanes row (a whole number of cache
    /// lines long) starts on a line: 512-bit loads never straddle two lines. The array may move in a later GC; the offsets
    /// stay, only the alignment is lost.
    /// </summary>
    private unsafe void PlaceRegions()
    {
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_work));
        int at = (int)((Align - (address / sizeof(float)) % Align) % Align);
        int layers = _activations.Length;
        for (int i = 0; i <= layers; i++)
        {
            _region[i] = at;
            at += _widths[i] * _stride;
        }
        _region[layers + 1] = at;
        _region[layers + 2] = at + _maxWidth * _stride;
        _region[layers + 3] = at + 2 * _maxWidth * _stride;
    }

    private const int Align = 16; // floats in a 64-byte cache line

    private ref float Region(int index) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_work), _region[index]);

    /// <summary>Floats between consecutive feature rows of a lanes buffer: n rounded up to a whole 64-byte cache line.</summary>
    public static int LaneStride(int n) => (n + Align - 1) / Align * Align;

    /// <summary>True when every width is in 1..<see cref="MaxWidth"/>.</summary>
    public static bool Fits(ReadOnlySpan<int> widths)
    {
        foreach (int f in widths)
            if (f < 1 || f > MaxWidth) return false;
        return true;
    }

    private int Threads() => _chunks > 1 && _workPerPass >= MinParallelWork ? KernelThreads.Count : 1;

    /// <summary>
    /// Runs the layers on x (n × F_0 row-major at <paramref name="xOffset"/>), keeps every activation in the lanes buffers
    /// and writes the last one to y (n × F_L row-major, from 0).
    /// </summary>
    public void Forward(float[] x, int xOffset, float[] y)
    {
        (_backwardPass, _x, _xOff, _y) = (false, x, xOffset, y);
        PlaceRegions();
        RunChunks();
        (_x, _y) = ([], []);
    }

    /// <summary>
    /// From the gradient of the output (n × F_L row-major at <paramref name="gyOffset"/>) and the activations of the forward
    /// pass: every layer's ∂W into <paramref name="weightGrads"/>[l] and ∂b into <paramref name="biasGrads"/>[l] (both from 0,
    /// overwritten; a null entry is skipped), and ∂x (n × F_0) into <paramref name="dx"/> when it is not null.
    /// </summary>
    public void Backward(float[] gy, int gyOffset, float[]?[] weightGrads, float[]?[] biasGrads, float[]? dx)
    {
        int layers = _activations.Length;
        (_backwardPass, _gy, _gyOff, _dx) = (true, gy, gyOffset, dx);
        RunChunks();

        // Chunk sums in chunk order: the same bits on any number of threads.
        Span<float> total = _work.AsSpan(_region[layers + 3], _paramCount);
        for (int c = 1; c < _chunks; c++) TensorPrimitives.Add(total, _work.AsSpan(_region[layers + 3] + c * _paramStride, _paramCount), total);
        for (int l = 0; l < layers; l++)
        {
            int outF = _widths[l + 1], inF = _widths[l], at = _paramOffset[l];
            if (weightGrads[l] is { } dw) total.Slice(at, outF * inF).CopyTo(dw);
            if (biasGrads[l] is { } db) total.Slice(at + outF * inF, outF).CopyTo(db);
        }
        (_gy, _dx) = ([], null);
    }

    /// <summary>
    /// One part per thread, each a fixed run of consecutive chunks, so that the forward and the backward pass of a chunk
    /// usually run on the same core and find its activations in that core's cache.
    /// </summary>
    private void RunChunks()
    {
        _parts = Math.Min(Threads(), _chunks);
        KernelThreads.Run(this, _parts, _parts);
    }

    internal override void RunPart(int part)
    {
        int first = part * _chunks / _parts, last = (part + 1) * _chunks / _parts;
        for (int chunk = first; chunk < last; chunk++)
        {
            int s0 = chunk * _chunkSize, s1 = Math.Min(s0 + _chunkSize, _stride);
            if (_backwardPass) BackwardChunk(chunk, s0, s1);
            else ForwardChunk(s0, s1);
        }
    }

    private void ForwardChunk(int s0, int s1)
    {
        int layers = _activations.Length;
        bool wide = Vector512.IsHardwareAccelerated;
        ToLanes(_x, _xOff, _widths[0], ref Region(0), s0, s1);
        for (int l = 0; l < layers; l++)
        {
            int inF = _widths[l], outF = _widths[l + 1];
            MlpActivation activation = _activations[l];
            // out[j, :] = act(b[j] + Σ_f W[j, f]·in[f, :]): W read row by row (row stride inF, column stride 1); the wide
            // combination applies sigmoid and ReLU in its registers, tanh takes a pass of its own
            bool fused = wide && activation != MlpActivation.Tanh;
            if (wide)
                CombineWide(_w[l], _wOff[l], inF, 1, _b[l], _bOff[l], outF, inF, ref Region(l), ref Region(l + 1), s0, s1,
                    fused ? Epilogue.Activate : Epilogue.None, activation, ref Region(l + 1));
            else Combine(_w[l], _wOff[l], inF, 1, _b[l], _bOff[l], outF, inF, ref Region(l), ref Region(l + 1), s0, s1);
            if (!fused) Activate(activation, ref Region(l + 1), outF, s0, s1);
        }
        FromLanes(ref Region(layers), _widths[layers], _y, 0, s0, s1);
    }

    private void BackwardChunk(int chunk, int s0, int s1)
    {
        int layers = _activations.Length;
        bool wide = Vector512.IsHardwareAccelerated;
        int g = layers + 1, spare = layers + 2; // the two gradient regions, swapped after every layer
        Span<float> partials = _work.AsSpan(_region[layers + 3] + chunk * _paramStride, _paramCount);
        ToLanes(_gy, _gyOff, _widths[layers], ref Region(g), s0, s1);
        ActivationBackward(_activations[layers - 1], ref Region(g), ref Region(layers), _widths[layers], s0, s1); // g is now the last layer's δ
        for (int l = layers - 1; l >= 0; l--)
        {
            int inF = _widths[l], outF = _widths[l + 1];
            WeightGrad(ref Region(g), outF, ref Region(l), inF, s0, s1, partials.Slice(_paramOffset[l], outF * inF + outF));
            if (l == 0 && _dx is null) break;
            // g_in[f, :] = Σ_j W[j, f]·δ[j, :]: the same combination with W read column by column; below the first layer
            // it is ∂x, otherwise times act′ of the layer below it is that layer's δ
            MlpActivation below = l > 0 ? _activations[l - 1] : MlpActivation.Identity;
            if (wide)
                CombineWide(_w[l], _wOff[l], 1, inF, null, 0, inF, outF, ref Region(g), ref Region(spare), s0, s1,
                    below == MlpActivation.Identity ? Epilogue.None : Epilogue.Derivative, below, ref Region(l));
            else
            {
                Combine(_w[l], _wOff[l], 1, inF, null, 0, inF, outF, ref Region(g), ref Region(spare), s0, s1);
                ActivationBackward(below, ref Region(spare), ref Region(l), inF, s0, s1);
            }
            (g, spare) = (spare, g);
        }
        if (_dx is not null) FromLanes(ref Region(g), _widths[0], _dx, 0, s0, s1);
    }

    /// <summary>Samples s0..s1 of the row-major (n × features) block at <paramref name="offset"/> into lanes; padding samples get 0.</summary>
    private unsafe void ToLanes(float[] rows, int offset, int features, ref float lanes, int s0, int s1)
    {
        int stride = _stride, end = Math.Min(s1, _n);
        fixed (float* src = rows, dst = &lanes)
        {
            if (end > s0) RegisterTranspose.Block(src + offset + (long)s0 * features, features, dst + s0, stride, end - s0, features);
        }
        int pad = Math.Max(end, s0);
        if (pad < s1)
            for (int f = 0; f < features; f++) MemoryMarshal.CreateSpan(ref Unsafe.Add(ref lanes, f * stride + pad), s1 - pad).Clear();
    }

    /// <summary>Samples s0..s1 (those below n) of lanes back into the row-major (n × features) block at <paramref name="offset"/>.</summary>
    private unsafe void FromLanes(ref float lanes, int features, float[] rows, int offset, int s0, int s1)
    {
        int end = Math.Min(s1, _n);
        if (end <= s0) return;
        if (features == 1)
        {
            MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref lanes, s0), end - s0).CopyTo(rows.AsSpan(offset + s0));
            return;
        }
        fixed (float* src = &lanes, dst = rows)
            RegisterTranspose.Block(src + s0, _stride, dst + offset + (long)s0 * features, features, features, end - s0);
    }

    private void Activate(MlpActivation activation, ref float lanes, int features, int s0, int s1)
    {
        for (int f = 0; f < features; f++)
        {
            Span<float> row = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref lanes, f * _stride + s0), s1 - s0);
            switch (activation)
            {
                case MlpActivation.Relu: TensorPrimitives.Max(row, 0f, row); break;
                case MlpActivation.Sigmoid: VectorSigmoid.Apply(row, row); break;
                case MlpActivation.Tanh: TensorPrimitives.Tanh(row, row); break;
            }
        }
    }

    /// <summary>g ← g ⊙ act′ written through the activation's output a: σ′ = a(1 − a), tanh′ = 1 − a², relu′ = [a &gt; 0].</summary>
    private void ActivationBackward(MlpActivation activation, ref float gRef, ref float aRef, int features, int s0, int s1)
    {
        if (activation == MlpActivation.Identity) return;
        var one = Vector256.Create(1f);
        for (int f = 0; f < features; f++)
        {
            int row = f * _stride;
            for (int s = s0; s < s1; s += V)
            {
                ref float gp = ref Unsafe.Add(ref gRef, row + s);
                Vector256<float> gv = Vector256.LoadUnsafe(ref gp), av = Vector256.LoadUnsafe(ref Unsafe.Add(ref aRef, row + s));
                gv = activation switch
                {
                    MlpActivation.Sigmoid => gv * av * (one - av),
                    MlpActivation.Tanh => gv * (one - av * av),
                    _ => Vector256.ConditionalSelect(Vector256.GreaterThan(av, Vector256<float>.Zero), gv, Vector256<float>.Zero),
                };
                gv.StoreUnsafe(ref gp);
            }
        }
    }

    /// <summary>
    /// out[r, s0..s1) = bias[r] + Σ_c M[r, c]·in[c, s0..s1) for r &lt; rows, c &lt; cols, where M[r, c] =
    /// m[mOff + r·rowStep + c·colStep]. Four rows and sixteen samples at a time: eight independent FMA chains.
    /// </summary>
    private void Combine(float[] m, int mOff, int rowStep, int colStep, float[]? bias, int bOff, int rows, int cols,
        ref float inRef, ref float outRef, int s0, int s1)
    {
        int stride = _stride;
        ref float mRef = ref MemoryMarshal.GetArrayDataReference(m);
        int r = 0;
        for (; r + 4 <= rows; r += 4)
        {
            ref float m0 = ref Unsafe.Add(ref mRef, mOff + r * rowStep);
            ref float m1 = ref Unsafe.Add(ref m0, rowStep);
            ref float m2 = ref Unsafe.Add(ref m1, rowStep);
            ref float m3 = ref Unsafe.Add(ref m2, rowStep);
            Vector256<float> b0 = Start(bias, bOff + r), b1 = Start(bias, bOff + r + 1), b2 = Start(bias, bOff + r + 2), b3 = Start(bias, bOff + r + 3);
            int s = s0;
            for (; s + 2 * V <= s1; s += 2 * V)
            {
                Vector256<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3, c0 = b0, c1 = b1, c2 = b2, c3 = b3;
                for (int c = 0; c < cols; c++)
                {
                    ref float x = ref Unsafe.Add(ref inRef, c * stride + s);
                    Vector256<float> x0 = Vector256.LoadUnsafe(ref x), x1 = Vector256.LoadUnsafe(ref x, V);
                    int at = c * colStep;
                    Vector256<float> w0 = Vector256.Create(Unsafe.Add(ref m0, at)), w1 = Vector256.Create(Unsafe.Add(ref m1, at));
                    Vector256<float> w2 = Vector256.Create(Unsafe.Add(ref m2, at)), w3 = Vector256.Create(Unsafe.Add(ref m3, at));
                    a0 = Vector256.FusedMultiplyAdd(w0, x0, a0); c0 = Vector256.FusedMultiplyAdd(w0, x1, c0);
                    a1 = Vector256.FusedMultiplyAdd(w1, x0, a1); c1 = Vector256.FusedMultiplyAdd(w1, x1, c1);
                    a2 = Vector256.FusedMultiplyAdd(w2, x0, a2); c2 = Vector256.FusedMultiplyAdd(w2, x1, c2);
                    a3 = Vector256.FusedMultiplyAdd(w3, x0, a3); c3 = Vector256.FusedMultiplyAdd(w3, x1, c3);
                }
                ref float o = ref Unsafe.Add(ref outRef, r * stride + s);
                a0.StoreUnsafe(ref o); c0.StoreUnsafe(ref o, V);
                a1.StoreUnsafe(ref o, (nuint)stride); c1.StoreUnsafe(ref o, (nuint)(stride + V));
                a2.StoreUnsafe(ref o, (nuint)(2 * stride)); c2.StoreUnsafe(ref o, (nuint)(2 * stride + V));
                a3.StoreUnsafe(ref o, (nuint)(3 * stride)); c3.StoreUnsafe(ref o, (nuint)(3 * stride + V));
            }
            for (; s < s1; s += V)
            {
                Vector256<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3;
                for (int c = 0; c < cols; c++)
                {
                    Vector256<float> x0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref inRef, c * stride + s));
                    int at = c * colStep;
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref m0, at)), x0, a0);
                    a1 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref m1, at)), x0, a1);
                    a2 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref m2, at)), x0, a2);
                    a3 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref m3, at)), x0, a3);
                }
                ref float o = ref Unsafe.Add(ref outRef, r * stride + s);
                a0.StoreUnsafe(ref o);
                a1.StoreUnsafe(ref o, (nuint)stride);
                a2.StoreUnsafe(ref o, (nuint)(2 * stride));
                a3.StoreUnsafe(ref o, (nuint)(3 * stride));
            }
        }
        for (; r < rows; r++)
        {
            ref float m0 = ref Unsafe.Add(ref mRef, mOff + r * rowStep);
            Vector256<float> b0 = Start(bias, bOff + r);
            int s = s0;
            for (; s + 4 * V <= s1; s += 4 * V)
            {
                Vector256<float> a0 = b0, a1 = b0, a2 = b0, a3 = b0;
                for (int c = 0; c < cols; c++)
                {
                    ref float x = ref Unsafe.Add(ref inRef, c * stride + s);
                    Vector256<float> w0 = Vector256.Create(Unsafe.Add(ref m0, c * colStep));
                    a0 = Vector256.FusedMultiplyAdd(w0, Vector256.LoadUnsafe(ref x), a0);
                    a1 = Vector256.FusedMultiplyAdd(w0, Vector256.LoadUnsafe(ref x, V), a1);
                    a2 = Vector256.FusedMultiplyAdd(w0, Vector256.LoadUnsafe(ref x, 2 * V), a2);
                    a3 = Vector256.FusedMultiplyAdd(w0, Vector256.LoadUnsafe(ref x, 3 * V), a3);
                }
                ref float o = ref Unsafe.Add(ref outRef, r * stride + s);
                a0.StoreUnsafe(ref o); a1.StoreUnsafe(ref o, V); a2.StoreUnsafe(ref o, 2 * V); a3.StoreUnsafe(ref o, 3 * V);
            }
            for (; s < s1; s += V)
            {
                Vector256<float> a0 = b0;
                for (int c = 0; c < cols; c++)
                    a0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref m0, c * colStep)), Vector256.LoadUnsafe(ref Unsafe.Add(ref inRef, c * stride + s)), a0);
                a0.StoreUnsafe(ref Unsafe.Add(ref outRef, r * stride + s));
            }
        }
    }

    private static Vector256<float> Start(float[]? bias, int at) => bias is null ? Vector256<float>.Zero : Vector256.Create(bias[at]);

    /// <summary>
    /// partial[j·inF + f] = Σ_s δ[j, s]·in[f, s] and then partial[outF·inF + j] = Σ_s δ[j, s], over s0..s1: blocks of four
    /// rows of δ by four rows of the input (512-bit vectors, <see cref="WeightBlockWide"/>), then two by four, each
    /// accumulator summed across its lanes at the end; single rows and columns left over as dot products.
    /// </summary>
    private void WeightGrad(ref float dRef, int outF, ref float inRef, int inF, int s0, int s1, Span<float> partial)
    {
        int stride = _stride;
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + 4 <= outF; j += 4)
            {
                int f = 0;
                // the first block also sums the four δ rows: the bias gradients, without a pass of their own
                for (; f + 4 <= inF; f += 4) WeightBlockWide(ref dRef, ref inRef, j, f, inF, s0, s1, partial, f == 0 ? partial.Slice(outF * inF + j, 4) : default);
                for (; f < inF; f++)
                    for (int k = j; k < j + 4; k++)
                        partial[k * inF + f] = Dot(ref Unsafe.Add(ref dRef, k * stride), ref Unsafe.Add(ref inRef, f * stride), s0, s1);
            }
        }
        for (; j + 2 <= outF; j += 2)
        {
            ref float d0 = ref Unsafe.Add(ref dRef, j * stride);
            ref float d1 = ref Unsafe.Add(ref d0, stride);
            int f = 0;
            for (; f + 4 <= inF; f += 4)
            {
                ref float x0 = ref Unsafe.Add(ref inRef, f * stride);
                ref float x1 = ref Unsafe.Add(ref x0, stride);
                ref float x2 = ref Unsafe.Add(ref x1, stride);
                ref float x3 = ref Unsafe.Add(ref x2, stride);
                int at0 = j * inF + f, at1 = at0 + inF;
                if (Vector512.IsHardwareAccelerated)
                {
                    // sixteen samples a step (chunks are whole multiples of 16): half the instructions of the 256-bit loop
                    Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, c0 = default, c1 = default, c2 = default, c3 = default;
                    for (int s = s0; s < s1; s += 2 * V)
                    {
                        Vector512<float> dv0 = Vector512.LoadUnsafe(ref d0, (nuint)s), dv1 = Vector512.LoadUnsafe(ref d1, (nuint)s);
                        Vector512<float> xv0 = Vector512.LoadUnsafe(ref x0, (nuint)s), xv1 = Vector512.LoadUnsafe(ref x1, (nuint)s);
                        Vector512<float> xv2 = Vector512.LoadUnsafe(ref x2, (nuint)s), xv3 = Vector512.LoadUnsafe(ref x3, (nuint)s);
                        a0 = Vector512.FusedMultiplyAdd(dv0, xv0, a0); c0 = Vector512.FusedMultiplyAdd(dv1, xv0, c0);
                        a1 = Vector512.FusedMultiplyAdd(dv0, xv1, a1); c1 = Vector512.FusedMultiplyAdd(dv1, xv1, c1);
                        a2 = Vector512.FusedMultiplyAdd(dv0, xv2, a2); c2 = Vector512.FusedMultiplyAdd(dv1, xv2, c2);
                        a3 = Vector512.FusedMultiplyAdd(dv0, xv3, a3); c3 = Vector512.FusedMultiplyAdd(dv1, xv3, c3);
                    }
                    partial[at0] = Vector512.Sum(a0); partial[at0 + 1] = Vector512.Sum(a1); partial[at0 + 2] = Vector512.Sum(a2); partial[at0 + 3] = Vector512.Sum(a3);
                    partial[at1] = Vector512.Sum(c0); partial[at1 + 1] = Vector512.Sum(c1); partial[at1 + 2] = Vector512.Sum(c2); partial[at1 + 3] = Vector512.Sum(c3);
                }
                else
                {
                    Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, c0 = default, c1 = default, c2 = default, c3 = default;
                    for (int s = s0; s < s1; s += V)
                    {
                        Vector256<float> dv0 = Vector256.LoadUnsafe(ref d0, (nuint)s), dv1 = Vector256.LoadUnsafe(ref d1, (nuint)s);
                        Vector256<float> xv0 = Vector256.LoadUnsafe(ref x0, (nuint)s), xv1 = Vector256.LoadUnsafe(ref x1, (nuint)s);
                        Vector256<float> xv2 = Vector256.LoadUnsafe(ref x2, (nuint)s), xv3 = Vector256.LoadUnsafe(ref x3, (nuint)s);
                        a0 = Vector256.FusedMultiplyAdd(dv0, xv0, a0); c0 = Vector256.FusedMultiplyAdd(dv1, xv0, c0);
                        a1 = Vector256.FusedMultiplyAdd(dv0, xv1, a1); c1 = Vector256.FusedMultiplyAdd(dv1, xv1, c1);
                        a2 = Vector256.FusedMultiplyAdd(dv0, xv2, a2); c2 = Vector256.FusedMultiplyAdd(dv1, xv2, c2);
                        a3 = Vector256.FusedMultiplyAdd(dv0, xv3, a3); c3 = Vector256.FusedMultiplyAdd(dv1, xv3, c3);
                    }
                    partial[at0] = Vector256.Sum(a0); partial[at0 + 1] = Vector256.Sum(a1); partial[at0 + 2] = Vector256.Sum(a2); partial[at0 + 3] = Vector256.Sum(a3);
                    partial[at1] = Vector256.Sum(c0); partial[at1 + 1] = Vector256.Sum(c1); partial[at1 + 2] = Vector256.Sum(c2); partial[at1 + 3] = Vector256.Sum(c3);
                }
            }
            for (; f < inF; f++)
            {
                partial[j * inF + f] = Dot(ref d0, ref Unsafe.Add(ref inRef, f * stride), s0, s1);
                partial[(j + 1) * inF + f] = Dot(ref d1, ref Unsafe.Add(ref inRef, f * stride), s0, s1);
            }
        }
        for (; j < outF; j++)
        {
            ref float d0 = ref Unsafe.Add(ref dRef, j * stride);
            for (int f = 0; f < inF; f++) partial[j * inF + f] = Dot(ref d0, ref Unsafe.Add(ref inRef, f * stride), s0, s1);
        }
        // rows whose bias gradient a 4×4 block summed already (four rows at a time, when the input has four features or more)
        int summed = Vector512.IsHardwareAccelerated && inF >= 4 ? outF / 4 * 4 : 0;
        for (j = summed; j < outF; j++) partial[outF * inF + j] = TensorPrimitives.Sum(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref dRef, j * stride + s0), s1 - s0));
    }

    private static float Dot(ref float a, ref float b, int s0, int s1)
    {
        Vector256<float> acc0 = default, acc1 = default;
        int s = s0;
        for (; s + 2 * V <= s1; s += 2 * V)
        {
            acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)s), Vector256.LoadUnsafe(ref b, (nuint)s), acc0);
            acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)(s + V)), Vector256.LoadUnsafe(ref b, (nuint)(s + V)), acc1);
        }
        if (s < s1) acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref a, (nuint)s), Vector256.LoadUnsafe(ref b, (nuint)s), acc0);
        return Vector256.Sum(acc0 + acc1);
    }
}
