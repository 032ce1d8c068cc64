namespace SharpGrad.Kernels;

/// <summary>
/// Elementwise float kernels over long runs split into contiguous chunks across the kernel threads: d = a + b (residual
/// connections, gradient accumulation), a unary op (activations of conv layers: millions of elements per step), or an
/// activation's backward from the output gradient and the saved input or output. Elementwise, so the result does not
/// depend on the thread count.
/// </summary>
internal static class ParallelElementwise
{
    /// <summary>From this many elements on unary ops and activation backwards are split across threads.</summary>
    public const int MinLength = 1 << 18;

    /// <summary>From this many elements on adds are split across threads (below, one thread is faster).</summary>
    public const int AddMinLength = 1 << 17;

    private enum Op { Add, Unary, ReluBackward, SigmoidBackward, TanhBackward }

    /// <summary>d[dOff..] = a[aOff..] + b[bOff..] for <paramref name="length"/> elements (d may be a or b).</summary>
    public static void Add(float[] a, int aOff, float[] b, int bOff, float[] d, int dOff, int length) =>
        Launch.Run((a, aOff, b, bOff, d, dOff, length), static s => AddNow(s.a, s.aOff, s.b, s.bOff, s.d, s.dOff, s.length));

    private static void AddNow(float[] a, int aOff, float[] b, int bOff, float[] d, int dOff, int length)
    {
        if (length < AddMinLength || KernelThreads.Count == 1)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(a.AsSpan(aOff, length), b.AsSpan(bOff, length), d.AsSpan(dOff, length));
            return;
        }
        Run(Op.Add, default, a, aOff, b, bOff, d, dOff, length, 0, 0);
    }

    /// <summary>y = op(x), as <see cref="Unary.Apply{T}"/>.</summary>
    public static void Unary(UnaryKind kind, float[] x, int xOff, float[] y, int yOff, int length, double p = 0, double q = 0) =>
        Launch.Run((kind, x, xOff, y, yOff, length, p, q), static s => UnaryNow(s.kind, s.x, s.xOff, s.y, s.yOff, s.length, s.p, s.q));

    private static void UnaryNow(UnaryKind kind, float[] x, int xOff, float[] y, int yOff, int length, double p, double q)
    {
        if (!Split(length)) { Kernels.Unary.Apply(kind, x.AsSpan(xOff, length), y.AsSpan(yOff, length), p, q); return; }
        Run(Op.Unary, kind, x, xOff, x, xOff, y, yOff, length, p, q);
    }

    /// <summary>dx = g where x &gt; 0 else 0.</summary>
    public static void ReluBackward(float[] g, int gOff, float[] x, int xOff, float[] dx, int dxOff, int length) =>
        Launch.Run((g, gOff, x, xOff, dx, dxOff, length), static s => ReluBackwardNow(s.g, s.gOff, s.x, s.xOff, s.dx, s.dxOff, s.length));

    private static void ReluBackwardNow(float[] g, int gOff, float[] x, int xOff, float[] dx, int dxOff, int length)
    {
        if (!Split(length)) { Kernels.ActivationBackward.Relu<float>(g.AsSpan(gOff, length), x.AsSpan(xOff, length), dx.AsSpan(dxOff, length)); return; }
        Run(Op.ReluBackward, default, g, gOff, x, xOff, dx, dxOff, length, 0, 0);
    }

    /// <summary>dx = g·σ'(from the saved output y), for sigmoid or (<paramref name="tanh"/>) tanh.</summary>
    public static void ActivationBackward(bool tanh, float[] g, int gOff, float[] y, int yOff, float[] dx, int dxOff, int length) =>
        Launch.Run((tanh, g, gOff, y, yOff, dx, dxOff, length), static s => ActivationBackwardNow(s.tanh, s.g, s.gOff, s.y, s.yOff, s.dx, s.dxOff, s.length));

    private static void ActivationBackwardNow(bool tanh, float[] g, int gOff, float[] y, int yOff, float[] dx, int dxOff, int length)
    {
        if (!Split(length))
        {
            if (tanh) Kernels.ActivationBackward.Tanh<float>(g.AsSpan(gOff, length), y.AsSpan(yOff, length), dx.AsSpan(dxOff, length));
            else Kernels.ActivationBackward.Sigmoid<float>(g.AsSpan(gOff, length), y.AsSpan(yOff, length), dx.AsSpan(dxOff, length));
            return;
        }
        Run(tanh ? Op.TanhBackward : Op.SigmoidBackward, default, g, gOff, y, yOff, dx, dxOff, length, 0, 0);
    }

    private static bool Split(int length) => length >= MinLength && KernelThreads.Count > 1;

    private static void Run(Op op, UnaryKind kind, float[] a, int aOff, float[] b, int bOff, float[] d, int dOff, int length, double p, double q)
    {
        int parts = KernelThreads.Count;
        var job = t_job ??= new Job();
        job.Set(op, kind, a, aOff, b, bOff, d, dOff, length, p, q, parts);
        KernelThreads.Run(job, parts, parts);
        job.Clear();
    }

    [ThreadStatic] private static Job? t_job;

    private sealed class Job : KernelThreads.Job
    {
        private Op _op;
        private UnaryKind _kind;
        private float[] _a = [], _b = [], _d = [];
        private int _aOff, _bOff, _dOff, _length, _chunk;
        private double _p, _q;

        public void Set(Op op, UnaryKind kind, float[] a, int aOff, float[] b, int bOff, float[] d, int dOff, int length, double p, double q, int parts)
        {
            (_op, _kind, _a, _aOff, _b, _bOff, _d, _dOff, _length, _p, _q) = (op, kind, a, aOff, b, bOff, d, dOff, length, p, q);
            _chunk = KernelThreads.ChunkSize(length, parts, 64);
        }

        public void Clear() => _a = _b = _d = [];

        internal override void RunPart(int part)
        {
            int start = part * _chunk, count = Math.Min(_chunk, _length - start);
            if (count <= 0) return;
            ReadOnlySpan<float> a = _a.AsSpan(_aOff + start, count), b = _b.AsSpan(_bOff + start, count);
            Span<float> d = _d.AsSpan(_dOff + start, count);
            switch (_op)
            {
                case Op.Add: System.Numerics.Tensors.TensorPrimitives.Add(a, b, d); break;
                case Op.Unary: Kernels.Unary.Apply(_kind, a, d, _p, _q); break;
                case Op.ReluBackward: Kernels.ActivationBackward.Relu(a, b, d); break;
                case Op.SigmoidBackward: Kernels.ActivationBackward.Sigmoid(a, b, d); break;
                case Op.TanhBackward: Kernels.ActivationBackward.Tanh(a, b, d); break;
            }
        }
    }
}
