using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace SharpGrad;

/// <summary>
/// Fused recurrences for LSTM and GRU layers: one graph node runs a whole sequence (one direction of one layer). The input
/// projection x·W_ihᵀ + b_ih for all steps is computed beforehand with one GEMM (<see cref="Linear"/>); each step here is one
/// (B,H)·W_hhᵀ GEMM into a preallocated buffer followed by a fused pointwise cell kernel (gates → c, h). The backward pass
/// (back-propagation through time) is written by hand: per step the pointwise cell backward and one (B,G)·W_hh GEMM, then a
/// single GEMM for dW_hh over all steps. Its gradients are not themselves differentiable (no double backward).
/// </summary>
public partial class Tensor
{
    private static void GemmT<T>(bool ta, bool tb, int m, int n, int k, ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc, bool acc)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            Kernels.Gemm.Sgemm(ta, tb, m, n, k, MemoryMarshal.Cast<T, float>(a), lda, MemoryMarshal.Cast<T, float>(b), ldb, MemoryMarshal.Cast<T, float>(c), ldc, acc);
        else
            Kernels.Gemm.Dgemm(ta, tb, m, n, k, MemoryMarshal.Cast<T, double>(a), lda, MemoryMarshal.Cast<T, double>(b), ldb, MemoryMarshal.Cast<T, double>(c), ldc, acc);
    }

    /// <summary>
    /// The recurrent weight packed once for the GEMM of every time step (float32), or null (float64 takes the plain
    /// GEMM): with <paramref name="transposed"/> op(W) = Wᵀ, i.e. h·Wᵀ of the forward pass; otherwise W, the backward's dgates·W.
    /// </summary>
    private static Kernels.PackedMatrix? PackWeight<T>(T[] w, int rows, int cols, bool transposed) where T : unmanaged =>
        typeof(T) == typeof(float)
            ? Kernels.Gemm.PackB(transposed, transposed ? cols : rows, transposed ? rows : cols, MemoryMarshal.Cast<T, float>(w.AsSpan(0, rows * cols)), cols)
            : null;

    /// <summary>C (m×n) (+)= A·op(W) for one time step, with W prepacked when <paramref name="packed"/> is given.</summary>
    private static void StepGemm<T>(Kernels.PackedMatrix? packed, bool transW, int m, int n, int k, ReadOnlySpan<T> a, int lda, T[] w, int ldw, Span<T> c, int ldc, bool acc)
        where T : unmanaged
    {
        if (packed is not null)
            Kernels.Gemm.SgemmPrepacked(false, m, MemoryMarshal.Cast<T, float>(a), lda, packed, MemoryMarshal.Cast<T, float>(c), ldc, acc);
        else
            GemmT(false, transW, m, n, k, a, lda, w, ldw, c, ldc, acc);
    }

    private static T Sig<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));

    private static void CheckRecurrentArgs(string op, Tensor xp, Tensor wHh, Tensor? bHh, Tensor h0, Tensor? c0, int gates)
    {
        if (xp.Rank != 3) throw new ShapeMismatchException($"{op}: the input projection must be (T, B, {gates}·H), got {SharpGrad.Shape.Format(xp._shape)}.");
        int h = wHh._shape[1];
        if (wHh.Rank != 2 || wHh._shape[0] != gates * h || xp._shape[2] != gates * h)
            throw new ShapeMismatchException(op, xp._shape, wHh._shape, $"weight_hh must be ({gates}·H, H) and the projection's last dim {gates}·H");
        if (bHh is not null && (bHh.Rank != 1 || bHh._shape[0] != gates * h))
            throw new ShapeMismatchException(op, bHh._shape, wHh._shape, $"bias_hh must have {gates}·H elements");
        if (h0.Rank != 2 || h0._shape[0] != xp._shape[1] || h0._shape[1] != h)
            throw new ShapeMismatchException(op, h0._shape, xp._shape, "the initial hidden state must be (B, H)");
        if (c0 is not null && (c0.Rank != 2 || c0._shape[0] != xp._shape[1] || c0._shape[1] != h))
            throw new ShapeMismatchException(op, c0._shape, xp._shape, "the initial cell state must be (B, H)");
        foreach (var t in new[] { wHh, bHh, h0, c0 })
            if (t is not null && t.DType != xp.DType) throw new ArgumentException($"{op}: all tensors must share the dtype {xp.DType} (got {t.DType}).");
        xp.RequireFloating(op);
    }

    /// <summary>
    /// LSTM recurrence over a sequence. <paramref name="xp"/> (T,B,4H) is x·W_ihᵀ + b_ih for all steps; gate order i,f,g,o.
    /// The caller hands <paramref name="xp"/> over: when it owns its whole buffer, the buffer is overwritten with the gate
    /// activations (pass a fresh projection that nothing else reads).
    /// Returns (T+1, B, H): rows 0…T−1 are h_t in time order, row T is the final cell state c_n. With
    /// <paramref name="reverse"/> the steps run from t = T−1 down to 0 (h_n is then row 0).
    /// </summary>
    internal static Tensor LstmSequence(Tensor xp, Tensor wHh, Tensor? bHh, Tensor h0, Tensor c0, bool reverse)
    {
        CheckRecurrentArgs("LSTM", xp, wHh, bHh, h0, c0, 4);
        return xp.DType == DType.Float32 ? LstmSequence<float>(xp, wHh, bHh, h0, c0, reverse) : LstmSequence<double>(xp, wHh, bHh, h0, c0, reverse);
    }

    /// <summary>A copy of a tensor's elements in a work array that lives as long as the current step (see <see cref="TensorScope.RentArray{T}"/>).</summary>
    private static T[] StepCopy<T>(Tensor t)
    {
        ReadOnlySpan<T> source = t.ContiguousRaw().Span<T>();
        T[] copy = TensorScope.RentArray<T>(source.Length);
        source.CopyTo(copy);
        return copy;
    }

    private static Tensor LstmSequence<T>(Tensor xpIn, Tensor wIn, Tensor? bIn, Tensor h0In, Tensor c0In, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = xpIn._shape[0], batch = xpIn._shape[1], hid = wIn._shape[1], bh = batch * hid;
        // The projection is a fresh tensor made by the caller for this call alone (LSTM/LSTMCell: x·W_ihᵀ + b_ih, whose
        // backward does not read it), so its buffer becomes the saved gate activations instead of being copied (8 MB a
        // step for W4).
        Tensor xpWhole = xpIn.WholeStorageRaw();
        // The step's copies of the weights and initial states (the backward must see the values the forward used), and the
        // arrays saved for backward: activated gates (T,B,4H) (in xp's buffer), cell states c_t (T,B,H), previous h (T,B,H).
        // All are allocated here and filled by the kernel below, so that a replayed step (StepGraph) fills the same arrays.
        var a = new LstmArrays<T>(
            (T[])xpWhole.Storage.Data,
            TensorScope.RentArray<T>(wIn.Numel), bIn is null ? null : TensorScope.RentArray<T>(bIn.Numel),
            TensorScope.RentArray<T>(h0In.Numel), TensorScope.RentArray<T>(c0In.Numel),
            TensorScope.RentArray<T>(steps * bh), TensorScope.RentArray<T>(steps * bh),
            steps, batch, hid, reverse);
        var result = new Tensor(Storage.Allocate(xpIn.DType, (steps + 1) * bh), [steps + 1, batch, hid]);
        Kernels.Launch.Run((a, w: wIn.ContiguousRaw(), b: bIn?.ContiguousRaw(), h0: h0In.ContiguousRaw(), c0: c0In.ContiguousRaw(), result),
            static s => LstmForwardNow(s.a, s.w, s.b, s.h0, s.c0, s.result));
        Tensor[] inputs = bIn is null ? [xpIn, wIn, h0In, c0In] : [xpIn, wIn, h0In, c0In, bIn];
        return result.Record("LstmBackward", inputs, grad =>
        {
            _ = result.Storage; // throws once the step's scope has ended and recycled the saved arrays with the output
            int g4 = 4 * hid;
            var dxpT = new Tensor(Storage.AllocateUninitialized(xpIn.DType, steps * batch * g4), [steps, batch, g4]);
            var dh0 = new Tensor(Storage.Allocate(xpIn.DType, bh), [batch, hid]);
            var dc0 = new Tensor(Storage.AllocateUninitialized(xpIn.DType, bh), [batch, hid]);
            var dw = new Tensor(Storage.Allocate(xpIn.DType, g4 * hid), [g4, hid]);
            Tensor? db = bIn is null ? null : new Tensor(Storage.Allocate(xpIn.DType, g4), [g4]);
            Kernels.Launch.Run((a, grad: grad.ContiguousRaw(), dxpT, dh0, dc0, dw, db), static s => LstmBackwardNow(s.a, s.grad, s.dxpT, s.dh0, s.dc0, s.dw, s.db));
            return bIn is null ? [dxpT, dw, dh0, dc0] : [dxpT, dw, dh0, dc0, db];
        });
    }

    /// <summary>The arrays one LSTM call shares between its forward and backward kernels, and its sizes.</summary>
    private sealed record LstmArrays<T>(T[] Acts, T[] W, T[]? B, T[] H0, T[] C0, T[] Cs, T[] HPrev, int Steps, int Batch, int Hid, bool Reverse);

    /// <summary>The forward recurrence: copies the weights and initial states, then runs every time step.</summary>
    private static void LstmForwardNow<T>(LstmArrays<T> a, Tensor wIn, Tensor? bIn, Tensor h0In, Tensor c0In, Tensor result)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (T[] xp, T[] w, T[]? b, T[] h0, T[] c0, T[] cs, T[] hprev, int steps, int batch, int hid, bool reverse) = a;
        int g4 = 4 * hid, bh = batch * hid, bg = batch * g4;
        wIn.Span<T>().CopyTo(w);
        bIn?.Span<T>().CopyTo(b);
        h0In.Span<T>().CopyTo(h0);
        c0In.Span<T>().CopyTo(c0);
        Span<T> y = result.Span<T>();
        Kernels.PackedMatrix? wT = PackWeight(w, g4, hid, transposed: true); // packed once for all time steps
        if (wT is not null)
        {
            // float32: each time step is one parallel job over batch rows (recurrent GEMM and cell together)
            var job = Kernels.LstmSteps.ForCurrentThread(wT, (float[]?)(object?)b, batch, hid);
            float[] yf = (float[])result.Storage.Data, csf = (float[])(object)cs, xpf = (float[])(object)xp, hprevf = (float[])(object)hprev;
            float[] h0f = (float[])(object)h0, c0f = (float[])(object)c0;
            for (int s = 0; s < steps; s++)
            {
                int t = reverse ? steps - 1 - s : s, tPrev = reverse ? t + 1 : t - 1;
                job.Forward(s == 0 ? h0f : yf, s == 0 ? 0 : tPrev * bh, s == 0 ? c0f : csf, s == 0 ? 0 : tPrev * bh,
                    xpf, t * bg, hprevf, t * bh, csf, t * bh, yf, t * bh);
            }
            job.Clear();
        }
        for (int s = 0; s < steps && wT is null; s++)
        {
            int t = reverse ? steps - 1 - s : s, tPrev = reverse ? t + 1 : t - 1;
            ReadOnlySpan<T> hp = s == 0 ? h0 : y.Slice(tPrev * bh, bh);
            ReadOnlySpan<T> cp = s == 0 ? c0 : cs.AsSpan(tPrev * bh, bh);
            hp.CopyTo(hprev.AsSpan(t * bh, bh));
            Span<T> gates = xp.AsSpan(t * bg, bg);
            StepGemm(wT, true, batch, g4, hid, hp, hid, w, hid, gates, g4, acc: true);
            Span<T> ct = cs.AsSpan(t * bh, bh), ht = y.Slice(t * bh, bh);
            for (int r = 0; r < batch; r++)
                Kernels.LstmCell.Forward(gates.Slice(r * g4, g4), b, cp.Slice(r * hid, hid), ct.Slice(r * hid, hid), ht.Slice(r * hid, hid));
        }
        ReadOnlySpan<T> lastC = steps == 0 ? c0 : cs.AsSpan((reverse ? 0 : steps - 1) * bh, bh);
        lastC.CopyTo(y.Slice(steps * bh, bh));
    }

    /// <summary>The backward recurrence: the gradients of the projection, weights, bias and initial states (dh0, dw, db zeroed by their allocation).</summary>
    private static void LstmBackwardNow<T>(LstmArrays<T> a, Tensor gradC, Tensor dxpT, Tensor dh0, Tensor dc0, Tensor dw, Tensor? db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        (T[] acts, T[] w, T[]? _, T[] _, T[] c0, T[] cs, T[] hprev, int steps, int batch, int hid, bool reverse) = a;
        int g4 = 4 * hid, bh = batch * hid, bg = batch * g4;
        ReadOnlySpan<T> dy = gradC.Span<T>();
        Span<T> dg = dxpT.Span<T>();
        T[] dhNext = (T[])dh0.Storage.Data, dc = (T[])dc0.Storage.Data;
        dy.Slice(steps * bh, bh).CopyTo(dc);
        Kernels.PackedMatrix? wPacked = PackWeight(w, g4, hid, transposed: false);
        if (wPacked is not null)
        {
            var job = Kernels.LstmSteps.ForCurrentThread(wPacked, null, batch, hid);
            float[] dyf = (float[])gradC.Storage.Data, dgf = (float[])dxpT.Storage.Data, actsf = (float[])(object)acts, csf = (float[])(object)cs;
            float[] c0f = (float[])(object)c0, dhf = (float[])(object)dhNext, dcf = (float[])(object)dc;
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = reverse ? steps - 1 - s : s, tPrev = reverse ? t + 1 : t - 1;
                job.Backward(dyf, gradC.Offset + t * bh, dhf, actsf, t * bg, s == 0 ? c0f : csf, s == 0 ? 0 : tPrev * bh, csf, t * bh,
                    dcf, dgf, t * bg);
            }
            job.Clear();
        }
        for (int s = steps - 1; s >= 0 && wPacked is null; s--)
        {
            int t = reverse ? steps - 1 - s : s, tPrev = reverse ? t + 1 : t - 1;
            ReadOnlySpan<T> cp = s == 0 ? c0 : cs.AsSpan(tPrev * bh, bh);
            ReadOnlySpan<T> at = acts.AsSpan(t * bg, bg), ct = cs.AsSpan(t * bh, bh), dyt = dy.Slice(t * bh, bh);
            Span<T> dgt = dg.Slice(t * bg, bg);
            // dh = the output's gradient + the next step's (accumulated into dhNext, which the GEMM below overwrites)
            TensorPrimitives.Add(dyt, dhNext, dhNext);
            for (int r = 0; r < batch; r++)
            {
                int o = r * hid, go = r * g4;
                Kernels.LstmCell.Backward(at.Slice(go, g4), cp.Slice(o, hid), ct.Slice(o, hid), dhNext.AsSpan(o, hid), dc.AsSpan(o, hid), dgt.Slice(go, g4));
            }
            StepGemm(wPacked, false, batch, hid, g4, dgt, g4, w, hid, dhNext, hid, acc: false);
        }
        GemmT(true, false, g4, hid, steps * batch, dg, g4, hprev, hid, dw.Span<T>(), hid, acc: false);
        if (db is null) return;
        if (typeof(T) == typeof(float) && steps * batch > 0) // Σ over all (step, row) in row order, columns split across threads
            Kernels.ParallelColumnSum.Run((float[])dxpT.Storage.Data, 0, steps * batch, g4, (float[])db.Storage.Data, 0);
        else
        {
            Span<T> dbs = db.Span<T>();
            for (int row = 0; row < steps * batch; row++)
                TensorPrimitives.Add(dbs, dg.Slice(row * g4, g4), dbs);
        }
    }

    /// <summary>
    /// GRU recurrence over a sequence. <paramref name="xp"/> (T,B,3H) is x·W_ihᵀ + b_ih for all steps; gate order r,z,n with
    /// n = tanh(x_n + r ⊙ (W_hn·h + b_hn)) as in PyTorch. Returns (T, B, H), the hidden states in time order.
    /// </summary>
    internal static Tensor GruSequence(Tensor xp, Tensor wHh, Tensor? bHh, Tensor h0, bool reverse)
    {
        CheckRecurrentArgs("GRU", xp, wHh, bHh, h0, null, 3);
        return xp.DType == DType.Float32 ? GruSequence<float>(xp, wHh, bHh, h0, reverse) : GruSequence<double>(xp, wHh, bHh, h0, reverse);
    }

    private static Tensor GruSequence<T>(Tensor xpIn, Tensor wIn, Tensor? bIn, Tensor h0In, bool reverse)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int steps = xpIn._shape[0], batch = xpIn._shape[1], hid = wIn._shape[1], g3 = 3 * hid, bh = batch * hid, bg = batch * g3;
        Kernels.Launch.RefuseWhileRecording("the GRU recurrence");
        T[] xp = StepCopy<T>(xpIn); // becomes the activated gates r, z, n
        T[] w = StepCopy<T>(wIn);
        T[]? b = bIn is null ? null : StepCopy<T>(bIn);
        T[] h0 = StepCopy<T>(h0In);
        var result = new Tensor(Storage.Allocate(xpIn.DType, steps * bh), [steps, batch, hid]);
        Span<T> y = result.Span<T>();
        // every element of these is written before it is read
        T[] hprev = TensorScope.RentArray<T>(steps * bh), ghn = TensorScope.RentArray<T>(steps * bh), gh = TensorScope.RentArray<T>(bg);
        Kernels.PackedMatrix? wT = PackWeight(w, g3, hid, transposed: true); // packed once for all time steps
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s, tPrev = reverse ? t + 1 : t - 1;
            ReadOnlySpan<T> hp = s == 0 ? h0 : y.Slice(tPrev * bh, bh);
            hp.CopyTo(hprev.AsSpan(t * bh, bh));
            StepGemm(wT, true, batch, g3, hid, hp, hid, w, hid, gh, g3, acc: false);
            Span<T> gx = xp.AsSpan(t * bg, bg), ht = y.Slice(t * bh, bh), ghnT = ghn.AsSpan(t * bh, bh);
            for (int r = 0; r < batch; r++)
            {
                int o = r * hid, go = r * g3;
                for (int j = 0; j < hid; j++)
                {
                    T hr = gh[go + j] + (b is null ? T.Zero : b[j]);
                    T hz = gh[go + hid + j] + (b is null ? T.Zero : b[hid + j]);
                    T hn = gh[go + 2 * hid + j] + (b is null ? T.Zero : b[2 * hid + j]);
                    T rg = Sig(gx[go + j] + hr), z = Sig(gx[go + hid + j] + hz), n = T.Tanh(gx[go + 2 * hid + j] + rg * hn);
                    gx[go + j] = rg; gx[go + hid + j] = z; gx[go + 2 * hid + j] = n;
                    ghnT[o + j] = hn;
                    ht[o + j] = (T.One - z) * n + z * hp[o + j];
                }
            }
        }
        T[] acts = xp;
        Tensor[] inputs = bIn is null ? [xpIn, wIn, h0In] : [xpIn, wIn, h0In, bIn];
        return result.Record("GruBackward", inputs, grad =>
        {
            _ = result.Storage; // throws once the step's scope has ended and recycled the saved arrays with the output
            ReadOnlySpan<T> dy = grad.ContiguousRaw().Span<T>();
            var dxpT = new Tensor(Storage.AllocateUninitialized(xpIn.DType, steps * bg), [steps, batch, g3]);
            Span<T> dgx = dxpT.Span<T>();
            // dh of the next step starts at zero; the carry is fully written before the GEMM accumulates into it
            Tensor dhNextT = new(Storage.Allocate(xpIn.DType, bh), [batch, hid]), dhCarryT = new(Storage.Allocate(xpIn.DType, bh), [batch, hid]);
            T[] dgh = TensorScope.RentArray<T>(steps * bg), dhNext = (T[])dhNextT.Storage.Data, dhCarry = (T[])dhCarryT.Storage.Data;
            Kernels.PackedMatrix? wPacked = PackWeight(w, g3, hid, transposed: false);
            for (int s = steps - 1; s >= 0; s--)
            {
                int t = reverse ? steps - 1 - s : s;
                ReadOnlySpan<T> a = acts.AsSpan(t * bg, bg), hp = hprev.AsSpan(t * bh, bh), hn = ghn.AsSpan(t * bh, bh), dyt = dy.Slice(t * bh, bh);
                Span<T> dgxt = dgx.Slice(t * bg, bg), dght = dgh.AsSpan(t * bg, bg);
                for (int r = 0; r < batch; r++)
                {
                    int o = r * hid, go = r * g3;
                    for (int j = 0; j < hid; j++)
                    {
                        T rg = a[go + j], z = a[go + hid + j], n = a[go + 2 * hid + j];
                        T dh = dyt[o + j] + dhNext[o + j];
                        T dnPre = dh * (T.One - z) * (T.One - n * n);
                        T dzPre = dh * (hp[o + j] - n) * z * (T.One - z);
                        T drPre = dnPre * hn[o + j] * rg * (T.One - rg);
                        dgxt[go + j] = drPre; dgxt[go + hid + j] = dzPre; dgxt[go + 2 * hid + j] = dnPre;
                        dght[go + j] = drPre; dght[go + hid + j] = dzPre; dght[go + 2 * hid + j] = dnPre * rg;
                        dhCarry[o + j] = dh * z;
                    }
                }
                StepGemm(wPacked, false, batch, hid, g3, dght, g3, w, hid, dhCarry, hid, acc: true);
                (dhNext, dhCarry) = (dhCarry, dhNext);
            }
            var dw = new Tensor(Storage.Allocate(xpIn.DType, g3 * hid), [g3, hid]);
            GemmT(true, false, g3, hid, steps * batch, dgh, g3, hprev, hid, dw.Span<T>(), hid, acc: false);
            Tensor? db = null;
            if (bIn is not null)
            {
                db = new Tensor(Storage.Allocate(xpIn.DType, g3), [g3]);
                Span<T> dbs = db.Span<T>();
                for (int row = 0; row < steps * batch; row++)
                    for (int j = 0; j < g3; j++) dbs[j] += dgh[row * g3 + j];
            }
            Tensor dh0 = ReferenceEquals(dhNext, dhNextT.Storage.Data) ? dhNextT : dhCarryT;
            return bIn is null ? [dxpT, dw, dh0] : [dxpT, dw, dh0, db];
        });
    }
}
