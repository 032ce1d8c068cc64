namespace SharpGrad.NN;

/// <summary>
/// Adds the fixed sinusoidal position code of "Attention Is All You Need" to (B, T, C):
/// PE(pos, 2i) = sin(pos / 10000^(2i/C)), PE(pos, 2i+1) = cos(pos / 10000^(2i/C)), then dropout. The table (maxLen, C) is a
/// non-persistent buffer (not in the state dict, no parameters).
/// </summary>
public sealed class SinusoidalPositionalEncoding : Module
{
    private readonly Tensor _pe;

    /// <summary>Dropout after the addition.</summary>
    public Dropout Dropout { get; }

    /// <summary>Creates the code for up to <paramref name="maxLen"/> positions of width <paramref name="dModel"/>.</summary>
    public SinusoidalPositionalEncoding(int dModel, int maxLen = 5000, double dropout = 0, Generator? generator = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dModel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLen);
        var data = new float[maxLen * dModel];
        for (int pos = 0; pos < maxLen; pos++)
            for (int i = 0; i < dModel; i++)
            {
                double angle = pos / Math.Pow(10000, (i - i % 2) / (double)dModel);
                data[pos * dModel + i] = (float)(i % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle));
            }
        _pe = RegisterBuffer("pe", Tensor.FromArray(data, maxLen, dModel), persistent: false);
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
    }

    /// <summary>The table (maxLen, C).</summary>
    public Tensor Table => _pe;

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Forward(input, 0);

    /// <summary>(B, T, C) + PE[offset … offset + T − 1].</summary>
    public Tensor Forward(Tensor input, int offset)
    {
        ArgumentNullException.ThrowIfNull(input);
        int t = input.Shape[^2];
        if (offset < 0 || offset + t > _pe.Shape[0])
            throw new ArgumentException($"SinusoidalPositionalEncoding: positions {offset}..{offset + t - 1} exceed max_len {_pe.Shape[0]}.");
        Tensor pe = _pe.Narrow(0, offset, t);
        if (pe.DType != input.DType) pe = pe.To(input.DType);
        return Dropout.Forward(input + pe);
    }
}
