using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SharpGrad.NN;

namespace SharpGrad.Kernels;

/// <summary>The 512-bit combination with its epilogue fused (hardware with 512-bit vectors).</summary>
internal sealed partial class NarrowMlp
{
    private const int W = 16; // Vector512<float>.Count; lanes rows and chunks are whole multiples of it

    /// <summary>What the combination does to each result before storing it.</summary>
    private enum Epilogue
    {
        /// <summary>Store as is.</summary>
        None,

        /// <summary>Store act(result): the forward pass (sigmoid and ReLU; tanh runs as a separate pass).</summary>
        Activate,

        /// <summary>Store result·act′(a), a read at the same place of <c>derivativeOf</c>: the backward pass's δ.</summary>
        Derivative,
    }

    /// <summary>
    /// As <see cref="Combine"/>, sixteen samples a vector (four rows by 32 samples: eight 512-bit chains), then the
    /// epilogue on the registers: out = act(result) or out = result·act′(a).
    /// </summary>
    private void CombineWide(float[] m, int mOff, int rowStep, int colStep, float[]? bias, int bOff, int rows, int cols,
        ref float inRef, ref float outRef, int s0, int s1, Epilogue epilogue, MlpActivation activation, ref float derivativeOf)
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
            Vector512<float> b0 = StartWide(bias, bOff + r), b1 = StartWide(bias, bOff + r + 1), b2 = StartWide(bias, bOff + r + 2), b3 = StartWide(bias, bOff + r + 3);
            int s = s0;
            for (; s + 2 * W <= s1; s += 2 * W)
            {
                Vector512<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3, c0 = b0, c1 = b1, c2 = b2, c3 = b3;
                for (int c = 0; c < cols; c++)
                {
                    ref float x = ref Unsafe.Add(ref inRef, c * stride + s);
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref x), x1 = Vector512.LoadUnsafe(ref x, W);
                    int at = c * colStep;
                    Vector512<float> w0 = Vector512.Create(Unsafe.Add(ref m0, at)), w1 = Vector512.Create(Unsafe.Add(ref m1, at));
                    Vector512<float> w2 = Vector512.Create(Unsafe.Add(ref m2, at)), w3 = Vector512.Create(Unsafe.Add(ref m3, at));
                    a0 = Vector512.FusedMultiplyAdd(w0, x0, a0); c0 = Vector512.FusedMultiplyAdd(w0, x1, c0);
                    a1 = Vector512.FusedMultiplyAdd(w1, x0, a1); c1 = Vector512.FusedMultiplyAdd(w1, x1, c1);
                    a2 = Vector512.FusedMultiplyAdd(w2, x0, a2); c2 = Vector512.FusedMultiplyAdd(w2, x1, c2);
                    a3 = Vector512.FusedMultiplyAdd(w3, x0, a3); c3 = Vector512.FusedMultiplyAdd(w3, x1, c3);
                }
                int o = r * stride + s;
                Store(a0, ref outRef, o, epilogue, activation, ref derivativeOf); Store(c0, ref outRef, o + W, epilogue, activation, ref derivativeOf);
                Store(a1, ref outRef, o + stride, epilogue, activation, ref derivativeOf); Store(c1, ref outRef, o + stride + W, epilogue, activation, ref derivativeOf);
                Store(a2, ref outRef, o + 2 * stride, epilogue, activation, ref derivativeOf); Store(c2, ref outRef, o + 2 * stride + W, epilogue, activation, ref derivativeOf);
                Store(a3, ref outRef, o + 3 * stride, epilogue, activation, ref derivativeOf); Store(c3, ref outRef, o + 3 * stride + W, epilogue, activation, ref derivativeOf);
            }
            for (; s < s1; s += W)
            {
                Vector512<float> a0 = b0, a1 = b1, a2 = b2, a3 = b3;
                for (int c = 0; c < cols; c++)
                {
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref inRef, c * stride + s));
                    int at = c * colStep;
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m0, at)), x0, a0);
                    a1 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m1, at)), x0, a1);
                    a2 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m2, at)), x0, a2);
                    a3 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m3, at)), x0, a3);
                }
                int o = r * stride + s;
                Store(a0, ref outRef, o, epilogue, activation, ref derivativeOf);
                Store(a1, ref outRef, o + stride, epilogue, activation, ref derivativeOf);
                Store(a2, ref outRef, o + 2 * stride, epilogue, activation, ref derivativeOf);
                Store(a3, ref outRef, o + 3 * stride, epilogue, activation, ref derivativeOf);
            }
        }
        if (r + 2 <= rows)
        {
            // two rows left (W1's 10 = 4 + 4 + 2): sixty-four samples at a time, eight chains, each input load used twice
            ref float m0 = ref Unsafe.Add(ref mRef, mOff + r * rowStep);
            ref float m1 = ref Unsafe.Add(ref m0, rowStep);
            Vector512<float> b0 = StartWide(bias, bOff + r), b1 = StartWide(bias, bOff + r + 1);
            int s = s0;
            for (; s + 4 * W <= s1; s += 4 * W)
            {
                Vector512<float> a0 = b0, a1 = b0, a2 = b0, a3 = b0, c0 = b1, c1 = b1, c2 = b1, c3 = b1;
                for (int c = 0; c < cols; c++)
                {
                    ref float x = ref Unsafe.Add(ref inRef, c * stride + s);
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref x), x1 = Vector512.LoadUnsafe(ref x, W);
                    Vector512<float> x2 = Vector512.LoadUnsafe(ref x, 2 * W), x3 = Vector512.LoadUnsafe(ref x, 3 * W);
                    int at = c * colStep;
                    Vector512<float> w0 = Vector512.Create(Unsafe.Add(ref m0, at)), w1 = Vector512.Create(Unsafe.Add(ref m1, at));
                    a0 = Vector512.FusedMultiplyAdd(w0, x0, a0); c0 = Vector512.FusedMultiplyAdd(w1, x0, c0);
                    a1 = Vector512.FusedMultiplyAdd(w0, x1, a1); c1 = Vector512.FusedMultiplyAdd(w1, x1, c1);
                    a2 = Vector512.FusedMultiplyAdd(w0, x2, a2); c2 = Vector512.FusedMultiplyAdd(w1, x2, c2);
                    a3 = Vector512.FusedMultiplyAdd(w0, x3, a3); c3 = Vector512.FusedMultiplyAdd(w1, x3, c3);
                }
                int o = r * stride + s;
                Store(a0, ref outRef, o, epilogue, activation, ref derivativeOf); Store(c0, ref outRef, o + stride, epilogue, activation, ref derivativeOf);
                Store(a1, ref outRef, o + W, epilogue, activation, ref derivativeOf); Store(c1, ref outRef, o + stride + W, epilogue, activation, ref derivativeOf);
                Store(a2, ref outRef, o + 2 * W, epilogue, activation, ref derivativeOf); Store(c2, ref outRef, o + stride + 2 * W, epilogue, activation, ref derivativeOf);
                Store(a3, ref outRef, o + 3 * W, epilogue, activation, ref derivativeOf); Store(c3, ref outRef, o + stride + 3 * W, epilogue, activation, ref derivativeOf);
            }
            for (; s < s1; s += W)
            {
                Vector512<float> a0 = b0, c0 = b1;
                for (int c = 0; c < cols; c++)
                {
                    Vector512<float> x0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref inRef, c * stride + s));
                    int at = c * colStep;
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m0, at)), x0, a0);
                    c0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m1, at)), x0, c0);
                }
                int o = r * stride + s;
                Store(a0, ref outRef, o, epilogue, activation, ref derivativeOf);
                Store(c0, ref outRef, o + stride, epilogue, activation, ref derivativeOf);
            }
            r += 2;
        }
        for (; r < rows; r++)
        {
            ref float m0 = ref Unsafe.Add(ref mRef, mOff + r * rowStep);
            Vector512<float> b0 = StartWide(bias, bOff + r);
            int s = s0;
            for (; s + 4 * W <= s1; s += 4 * W)
            {
                Vector512<float> a0 = b0, a1 = b0, a2 = b0, a3 = b0;
                for (int c = 0; c < cols; c++)
                {
                    ref float x = ref Unsafe.Add(ref inRef, c * stride + s);
                    Vector512<float> w0 = Vector512.Create(Unsafe.Add(ref m0, c * colStep));
                    a0 = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref x), a0);
                    a1 = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref x, W), a1);
                    a2 = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref x, 2 * W), a2);
                    a3 = Vector512.FusedMultiplyAdd(w0, Vector512.LoadUnsafe(ref x, 3 * W), a3);
                }
                int o = r * stride + s;
                Store(a0, ref outRef, o, epilogue, activation, ref derivativeOf);
                Store(a1, ref outRef, o + W, epilogue, activation, ref derivativeOf);
                Store(a2, ref outRef, o + 2 * W, epilogue, activation, ref derivativeOf);
                Store(a3, ref outRef, o + 3 * W, epilogue, activation, ref derivativeOf);
            }
            for (; s < s1; s += W)
            {
                Vector512<float> a0 = b0;
                for (int c = 0; c < cols; c++)
                    a0 = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref m0, c * colStep)), Vector512.LoadUnsafe(ref Unsafe.Add(ref inRef, c * stride + s)), a0);
                Store(a0, ref outRef, r * stride + s, epilogue, activation, ref derivativeOf);
            }
        }
    }

    /// <summary>
    /// partial[(j + a)·inF + f + b] = Σ_s δ[j + a, s]·in[f + b, s] for a, b &lt; 4: sixteen 512-bit accumulators, eight loads
    /// for sixteen FMAs. When <paramref name="rowSums"/> is not empty it also receives Σ_s δ[j + a, s] (the bias gradients).
    /// </summary>
    private void WeightBlockWide(ref float dRef, ref float inRef, int j, int f, int inF, int s0, int s1, Span<float> partial, Span<float> rowSums)
    {
        bool sums = !rowSums.IsEmpty;
        Vector512<float> r0 = default, r1 = default, r2 = default, r3 = default;
        int stride = _stride;
        ref float d0 = ref Unsafe.Add(ref dRef, j * stride);
        ref float d1 = ref Unsafe.Add(ref d0, stride);
        ref float d2 = ref Unsafe.Add(ref d1, stride);
        ref float d3 = ref Unsafe.Add(ref d2, stride);
        ref float x0 = ref Unsafe.Add(ref inRef, f * stride);
        ref float x1 = ref Unsafe.Add(ref x0, stride);
        ref float x2 = ref Unsafe.Add(ref x1, stride);
        ref float x3 = ref Unsafe.Add(ref x2, stride);
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
        for (int s = s0; s < s1; s += W)
        {
            nuint at = (nuint)s;
            Vector512<float> v0 = Vector512.LoadUnsafe(ref x0, at), v1 = Vector512.LoadUnsafe(ref x1, at), v2 = Vector512.LoadUnsafe(ref x2, at), v3 = Vector512.LoadUnsafe(ref x3, at);
            Vector512<float> e = Vector512.LoadUnsafe(ref d0, at);
            a00 = Vector512.FusedMultiplyAdd(e, v0, a00); a01 = Vector512.FusedMultiplyAdd(e, v1, a01); a02 = Vector512.FusedMultiplyAdd(e, v2, a02); a03 = Vector512.FusedMultiplyAdd(e, v3, a03);
            if (sums) r0 += e;
            e = Vector512.LoadUnsafe(ref d1, at);
            a10 = Vector512.FusedMultiplyAdd(e, v0, a10); a11 = Vector512.FusedMultiplyAdd(e, v1, a11); a12 = Vector512.FusedMultiplyAdd(e, v2, a12); a13 = Vector512.FusedMultiplyAdd(e, v3, a13);
            if (sums) r1 += e;
            e = Vector512.LoadUnsafe(ref d2, at);
            a20 = Vector512.FusedMultiplyAdd(e, v0, a20); a21 = Vector512.FusedMultiplyAdd(e, v1, a21); a22 = Vector512.FusedMultiplyAdd(e, v2, a22); a23 = Vector512.FusedMultiplyAdd(e, v3, a23);
            if (sums) r2 += e;
            e = Vector512.LoadUnsafe(ref d3, at);
            a30 = Vector512.FusedMultiplyAdd(e, v0, a30); a31 = Vector512.FusedMultiplyAdd(e, v1, a31); a32 = Vector512.FusedMultiplyAdd(e, v2, a32); a33 = Vector512.FusedMultiplyAdd(e, v3, a33);
            if (sums) r3 += e;
        }
        if (sums)
        {
            rowSums[0] = Vector512.Sum(r0); rowSums[1] = Vector512.Sum(r1); rowSums[2] = Vector512.Sum(r2); rowSums[3] = Vector512.Sum(r3);
        }
        int o = j * inF + f;
        partial[o] = Vector512.Sum(a00); partial[o + 1] = Vector512.Sum(a01); partial[o + 2] = Vector512.Sum(a02); partial[o + 3] = Vector512.Sum(a03);
        o += inF;
        partial[o] = Vector512.Sum(a10); partial[o + 1] = Vector512.Sum(a11); partial[o + 2] = Vector512.Sum(a12); partial[o + 3] = Vector512.Sum(a13);
        o += inF;
        partial[o] = Vector512.Sum(a20); partial[o + 1] = Vector512.Sum(a21); partial[o + 2] = Vector512.Sum(a22); partial[o + 3] = Vector512.Sum(a23);
        o += inF;
        partial[o] = Vector512.Sum(a30); partial[o + 1] = Vector512.Sum(a31); partial[o + 2] = Vector512.Sum(a32); partial[o + 3] = Vector512.Sum(a33);
    }

    private static Vector512<float> StartWide(float[]? bias, int at) => bias is null ? Vector512<float>.Zero : Vector512.Create(bias[at]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector512<float> v, ref float outRef, int at, Epilogue epilogue, MlpActivation activation, ref float derivativeOf)
    {
        if (epilogue == Epilogue.Activate)
        {
            if (activation == MlpActivation.Sigmoid) v = VectorSigmoid.Sigmoid(v);
            else if (activation == MlpActivation.Relu) v = Vector512.Max(v, Vector512<float>.Zero);
        }
        else if (epilogue == Epilogue.Derivative)
        {
            Vector512<float> a = Vector512.LoadUnsafe(ref Unsafe.Add(ref derivativeOf, at));
            v = activation switch
            {
                MlpActivation.Sigmoid => v * a * (Vector512<float>.One - a),
                MlpActivation.Tanh => v * (Vector512<float>.One - a * a),
                MlpActivation.Relu => Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<float>.Zero), v, Vector512<float>.Zero),
                _ => v,
            };
        }
        v.StoreUnsafe(ref Unsafe.Add(ref outRef, at));
    }
}
