using System.Numerics;

namespace SharpGrad.Kernels;

/// <summary>
/// The naive direct convolution, kept as the oracle the fast kernel (<see cref="Conv2d"/>) is tested against: seven nested
/// loops straight from the definition y[n, o, i, j] = b[o] + Σ_{c, ki, kj} x[n, g·C/G + c, i·SH − PadTop + ki·DH,
/// j·SW − PadLeft + kj·DW] · w[o, c, ki, kj] (out-of-range input reads as 0), and its gradients by the chain rule.
/// </summary>
internal static class Conv2dReference
{
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> b, Span<T> y, in Conv2dGeometry g)
        where T : unmanaged, INumberBase<T>
    {
        int cinG = g.CinG, coutG = g.CoutG;
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.OutC; o++)
            {
                int grp = o / coutG;
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                    {
                        T sum = b.IsEmpty ? T.Zero : b[o];
                        for (int c = 0; c < cinG; c++)
                            for (int ki = 0; ki < g.KH; ki++)
                                for (int kj = 0; kj < g.KW; kj++)
                                {
                                    int ih = i * g.SH - g.PadTop + ki * g.DH, iw = j * g.SW - g.PadLeft + kj * g.DW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                    sum += x[((n * g.C + grp * cinG + c) * g.H + ih) * g.W + iw] * w[((o * cinG + c) * g.KH + ki) * g.KW + kj];
                                }
                        y[((n * g.OutC + o) * g.OH + i) * g.OW + j] = sum;
                    }
            }
    }

    /// <summary>dx, dw, db (each overwritten; pass an empty span to skip one) from dy.</summary>
    public static void Backward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> w, ReadOnlySpan<T> dy, Span<T> dx, Span<T> dw, Span<T> db, in Conv2dGeometry g)
        where T : unmanaged, INumberBase<T>
    {
        dx.Clear();
        dw.Clear();
        db.Clear();
        int cinG = g.CinG, coutG = g.CoutG;
        for (int n = 0; n < g.N; n++)
            for (int o = 0; o < g.OutC; o++)
            {
                int grp = o / coutG;
                for (int i = 0; i < g.OH; i++)
                    for (int j = 0; j < g.OW; j++)
                    {
                        T d = dy[((n * g.OutC + o) * g.OH + i) * g.OW + j];
                        if (!db.IsEmpty) db[o] += d;
                        for (int c = 0; c < cinG; c++)
                            for (int ki = 0; ki < g.KH; ki++)
                                for (int kj = 0; kj < g.KW; kj++)
                                {
                                    int ih = i * g.SH - g.PadTop + ki * g.DH, iw = j * g.SW - g.PadLeft + kj * g.DW;
                                    if (ih < 0 || ih >= g.H || iw < 0 || iw >= g.W) continue;
                                    int xi = ((n * g.C + grp * cinG + c) * g.H + ih) * g.W + iw, wi = ((o * cinG + c) * g.KH + ki) * g.KW + kj;
                                    if (!dx.IsEmpty) dx[xi] += d * w[wi];
                                    if (!dw.IsEmpty) dw[wi] += d * x[xi];
                                }
                    }
            }
    }
}
