namespace SharpGrad.Kernels;

/// <summary>
/// One time step of the float32 LSTM recurrence as a single parallel job over batch rows: each part runs the recurrent
/// GEMM for its rows against the prepacked weight, then the cell for those rows (forward), or the cell's backward then
/// dh_prev = dgates·W for its rows (backward). Rows are independent, so one hand-off per step replaces a threaded GEMM
/// followed by a serial cell, and the result does not depend on the thread count.
/// </summary>
internal sealed class LstmSteps : KernelThreads.Job
{
    [ThreadStatic] private static LstmSteps? t_instance;

    private PackedMatrix _w = null!;
    private float[]? _bias;
    private int _batch, _hid, _parts;
    private bool _backward;
    // forward: h_prev, c_prev, gates (in: x·W_ihᵀ + b_ih; out: activated), saved h_prev copy, c_t, h_t
    // backward: dy_t, dh (in: the next step's; out: this step's), acts, c_prev, c_t, dc, dgates
    private float[] _a0 = [], _a1 = [], _a2 = [], _a3 = [], _a4 = [], _a5 = [], _a6 = [];
    private int _o0, _o1, _o2, _o3, _o4, _o5, _o6;

    public static LstmSteps ForCurrentThread(PackedMatrix w, float[]? bias, int batch, int hid)
    {
        var job = t_instance ??= new LstmSteps();
        (job._w, job._bias, job._batch, job._hid) = (w, bias, batch, hid);
        job._parts = Math.Max(1, Math.Min(KernelThreads.Count, batch / 8));
        return job;
    }

    /// <summary>gates += h_prev·Wᵀ, then c_t, h_t from the activated gates; h_prev is also copied to its saved slot.</summary>
    public void Forward(float[] hp, int hpOff, float[] cp, int cpOff, float[] gates, int gOff, float[] hprev, int hprevOff,
        float[] c, int cOff, float[] h, int hOff)
    {
        _backward = false;
        (_a0, _o0, _a1, _o1, _a2, _o2, _a3, _o3, _a4, _o4, _a5, _o5) = (hp, hpOff, cp, cpOff, gates, gOff, hprev, hprevOff, c, cOff, h, hOff);
        KernelThreads.Run(this, _parts, _parts);
    }

    /// <summary>dh += dy_t; dgates and dc from the cell's backward; then dh = dgates·W (the gradient for the previous step).</summary>
    public void Backward(float[] dy, int dyOff, float[] dh, float[] acts, int actsOff, float[] cp, int cpOff, float[] c, int cOff,
        float[] dc, float[] dg, int dgOff)
    {
        _backward = true;
        (_a0, _o0, _a1, _o1, _a2, _o2, _a3, _o3, _a4, _o4, _a5, _o5, _a6, _o6) = (dy, dyOff, dh, 0, acts, actsOff, cp, cpOff, c, cOff, dc, 0, dg, dgOff);
        KernelThreads.Run(this, _parts, _parts);
    }

    public void Clear() => _a0 = _a1 = _a2 = _a3 = _a4 = _a5 = _a6 = [];

    internal override void RunPart(int part)
    {
        int r0 = (int)((long)part * _batch / _parts), r1 = (int)((long)(part + 1) * _batch / _parts), rows = r1 - r0;
        int hid = _hid, g4 = 4 * hid;
        if (rows <= 0) return;
        if (!_backward)
        {
            ReadOnlySpan<float> hp = _a0.AsSpan(_o0 + r0 * hid, rows * hid);
            hp.CopyTo(_a3.AsSpan(_o3 + r0 * hid, rows * hid));
            Span<float> gates = _a2.AsSpan(_o2 + r0 * g4, rows * g4);
            Gemm.SgemmPrepacked(false, rows, hp, hid, _w, gates, g4, accumulate: true, threads: 1);
            for (int r = 0; r < rows; r++)
            {
                int o = (r0 + r) * hid;
                LstmCell.Forward(gates.Slice(r * g4, g4), _bias, _a1.AsSpan(_o1 + o, hid), _a4.AsSpan(_o4 + o, hid), _a5.AsSpan(_o5 + o, hid));
            }
            return;
        }
        Span<float> dh = _a1.AsSpan(r0 * hid, rows * hid);
        System.Numerics.Tensors.TensorPrimitives.Add(_a0.AsSpan(_o0 + r0 * hid, rows * hid), dh, dh);
        Span<float> dg = _a6.AsSpan(_o6 + r0 * g4, rows * g4);
        for (int r = 0; r < rows; r++)
        {
            int o = (r0 + r) * hid, go = (r0 + r) * g4;
            LstmCell.Backward<float>(_a2.AsSpan(_o2 + go, g4), _a3.AsSpan(_o3 + o, hid), _a4.AsSpan(_o4 + o, hid), _a1.AsSpan(o, hid),
                _a5.AsSpan(o, hid), dg.Slice(r * g4, g4));
        }
        Gemm.SgemmPrepacked(false, rows, dg, g4, _w, dh, hid, accumulate: false, threads: 1);
    }
}
