namespace SharpGrad.NN;

/// <summary>The token ids that generation feeds a language model, as a (1, count) Int64 tensor.</summary>
internal static class TokenWindow
{
    /// <summary>tokens[from … from + count − 1] as ids (1, count).</summary>
    public static Tensor Ids(List<long> tokens, int from, int count)
    {
        var data = new long[count];
        for (int i = 0; i < count; i++) data[i] = tokens[from + i];
        return Tensor.FromArray(data, 1, count);
    }
}
