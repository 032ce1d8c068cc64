using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;

namespace SharpGrad.Kernels;

/// <summary>
/// The pointwise part of one LSTM step for one batch row, vectorised: gate pre-activations (4H, order i, f, g, o, the
/// recurrent bias not yet added) → activations i = σ, f = σ, g = tanh, o = σ (written back over the gates),
/// c = f⊙c_prev + i⊙g and h = o⊙tanh(c); and its backward. <see cref="ForwardReference{T}"/> and
/// <see cref="BackwardReference{T}"/> are the plain scalar loops the vectorised versions are tested against.
/// </summary>
public static class LstmCell
{
    /// <summary>One row's forward: <paramref name="gates"/> (4H) in place, <paramref name="c"/> and <paramref name="h"/> (H).</summary>
    /// <param name="gates">Pre-activations in, activations out (i, f, g, o).</param>
    /// <param name="bias">Recurrent bias (4H), or empty.</param>
    /// <param name="cPrev">Previous cell state (H).</param>
    /// <param name="c">New cell state (H).</param>
    /// <param name="h">New hidden state (H).</param>
    public static void Forward<T>(Span<T> gates, ReadOnlySpan<T> bias, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hid = c.Length;
        if (gates.Length != 4 * hid || cPrev.Length != hid || h.Length != hid || (bias.Length != 0 && bias.Length != 4 * hid))
            throw new ArgumentException($"LstmCell: lengths gates {gates.Length}, bias {bias.Length}, c_prev {cPrev.Length}, c {c.Length}, h {h.Length} do not fit H = {hid}.");
        if (bias.Length != 0) TensorPrimitives.Add(gates, bias, gates);
        TensorPrimitives.Sigmoid(gates[..(2 * hid)], gates[..(2 * hid)]);          // i, f
        TensorPrimitives.Tanh(gates.Slice(2 * hid, hid), gates.Slice(2 * hid, hid)); // g
        TensorPrimitives.Sigmoid(gates.Slice(3 * hid, hid), gates.Slice(3 * hid, hid)); // o
        ReadOnlySpan<T> i = gates[..hid], f = gates.Slice(hid, hid), g = gates.Slice(2 * hid, hid), o = gates.Slice(3 * hid, hid);
        TensorPrimitives.Multiply(f, cPrev, c);
        TensorPrimitives.MultiplyAdd(i, g, c, c);   // c = f⊙c_prev + i⊙g
        TensorPrimitives.Tanh(c, h);
        TensorPrimitives.Multiply(o, h, h);         // h = o⊙tanh(c)
    }

    /// <summary>
    /// One row's backward. Given the activations, c_prev, c, the gradient reaching h (<paramref name="dh"/>, the output's
    /// plus the next step's) and the gradient reaching c from the next step (<paramref name="dc"/>), writes the
    /// pre-activation gradients (4H) and replaces <paramref name="dc"/> with the gradient reaching c_prev:
    /// dc_t = dc + dh⊙o⊙(1 − tanh²c); di = dc_t⊙g⊙i(1−i); df = dc_t⊙c_prev⊙f(1−f); dg = dc_t⊙i⊙(1−g²);
    /// do = dh⊙tanh(c)⊙o(1−o); dc_prev = dc_t⊙f.
    /// </summary>
    /// <param name="acts">Activations (4H).</param>
    /// <param name="cPrev">Previous cell state (H).</param>
    /// <param name="c">Cell state (H).</param>
    /// <param name="dh">Gradient reaching h (H).</param>
    /// <param name="dc">In: gradient reaching c from the next step; out: gradient reaching c_prev (H).</param>
    /// <param name="dGates">Pre-activation gradients (4H).</param>
    public static void Backward<T>(ReadOnlySpan<T> acts, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c, ReadOnlySpan<T> dh, Span<T> dc, Span<T> dGates)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hid = c.Length;
        if (acts.Length != 4 * hid || dGates.Length != 4 * hid || cPrev.Length != hid || dh.Length != hid || dc.Length != hid)
            throw new ArgumentException($"LstmCell: backward lengths do not fit H = {hid}.");
        T[] scratch = ArrayPool<T>.Shared.Rent(hid);
        try
        {
            Span<T> tanhC = scratch.AsSpan(0, hid);
            TensorPrimitives.Tanh(c, tanhC);
            int j = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var one = Vector<T>.One;
                for (; j <= hid - Vector<T>.Count; j += Vector<T>.Count)
                {
                    var i = new Vector<T>(acts[j..]);
                    var f = new Vector<T>(acts[(hid + j)..]);
                    var g = new Vector<T>(acts[(2 * hid + j)..]);
                    var o = new Vector<T>(acts[(3 * hid + j)..]);
                    var tc = new Vector<T>(tanhC[j..]);
                    var vdh = new Vector<T>(dh[j..]);
                    var dct = new Vector<T>(dc[j..]) + vdh * o * (one - tc * tc);
                    (dct * g * i * (one - i)).CopyTo(dGates[j..]);
                    (dct * new Vector<T>(cPrev[j..]) * f * (one - f)).CopyTo(dGates[(hid + j)..]);
                    (dct * i * (one - g * g)).CopyTo(dGates[(2 * hid + j)..]);
                    (vdh * tc * o * (one - o)).CopyTo(dGates[(3 * hid + j)..]);
                    (dct * f).CopyTo(dc[j..]);
                }
            }
            for (; j < hid; j++) BackwardElement(acts, cPrev, dh, dc, dGates, j, tanhC[j]);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>The plain scalar forward (the oracle of <see cref="Forward{T}"/>).</summary>
    public static void ForwardReference<T>(Span<T> gates, ReadOnlySpan<T> bias, ReadOnlySpan<T> cPrev, Span<T> c, Span<T> h)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hid = c.Length;
        for (int j = 0; j < hid; j++)
        {
            T bi = bias.Length == 0 ? T.Zero : bias[j], bf = bias.Length == 0 ? T.Zero : bias[hid + j];
            T bg = bias.Length == 0 ? T.Zero : bias[2 * hid + j], bo = bias.Length == 0 ? T.Zero : bias[3 * hid + j];
            T i = Sigmoid(gates[j] + bi), f = Sigmoid(gates[hid + j] + bf), g = T.Tanh(gates[2 * hid + j] + bg), o = Sigmoid(gates[3 * hid + j] + bo);
            gates[j] = i; gates[hid + j] = f; gates[2 * hid + j] = g; gates[3 * hid + j] = o;
            c[j] = f * cPrev[j] + i * g;
            h[j] = o * T.Tanh(c[j]);
        }
    }

    /// <summary>The plain scalar backward (the oracle of <see cref="Backward{T}"/>).</summary>
    public static void BackwardReference<T>(ReadOnlySpan<T> acts, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> c, ReadOnlySpan<T> dh, Span<T> dc, Span<T> dGates)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < c.Length; j++) BackwardElement(acts, cPrev, dh, dc, dGates, j, T.Tanh(c[j]));
    }

    /// <summary>Element j of the backward, given tanh(c_j).</summary>
    private static void BackwardElement<T>(ReadOnlySpan<T> acts, ReadOnlySpan<T> cPrev, ReadOnlySpan<T> dh, Span<T> dc, Span<T> dGates, int j, T tc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int hid = dc.Length;
        T i = acts[j], f = acts[hid + j], g = acts[2 * hid + j], o = acts[3 * hid + j];
        T dct = dc[j] + dh[j] * o * (T.One - tc * tc);
        dGates[j] = dct * g * i * (T.One - i);
        dGates[hid + j] = dct * cPrev[j] * f * (T.One - f);
        dGates[2 * hid + j] = dct * i * (T.One - g * g);
        dGates[3 * hid + j] = dh[j] * tc * o * (T.One - o);
        dc[j] = dct * f;
    }

    private static T Sigmoid<T>(T x) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-x));
}
