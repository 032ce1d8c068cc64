namespace SharpGrad.NN;

/// <summary>
/// The keys and values of the positions already processed by a <see cref="Gpt"/>, one pair of buffers per block, each
/// (B, capacity, C) with the heads side by side in each row (the layout of the packed projection they come from). Passing
/// a cache to <see cref="Gpt.Forward(Tensor, KvCache?)"/> makes the model process only the new tokens (at positions
/// <see cref="Length"/>, …) while attending to the cached ones; the cache then grows by the new tokens. The buffers grow by
/// doubling; no gradient flows into the cache (it is meant for generation under no-grad).
/// </summary>
public sealed class KvCache
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;

    /// <summary>Creates an empty cache for a model with <paramref name="layers"/> blocks.</summary>
    public KvCache(int layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>Number of cached positions.</summary>
    public int Length { get; private set; }

    /// <summary>Number of blocks.</summary>
    public int Layers => _keys.Length;

    /// <summary>Empties the cache (the buffers are kept for reuse).</summary>
    public void Clear() => Length = 0;

    /// <summary>
    /// Appends the keys and values of the new positions of block <paramref name="layer"/>, read from the packed projection
    /// <paramref name="qkv"/> (B, Tnew, 3C) (keys in columns C … 2C−1, values in 2C … 3C−1), and returns the key and value
    /// buffers (B, capacity, C), whose first <c>Length + Tnew</c> rows are valid. The length advances when the last block
    /// has appended.
    /// </summary>
    internal (Tensor Keys, Tensor Values) AppendPacked(int layer, Tensor qkv)
    {
        int b = qkv.Shape[0], tnew = qkv.Shape[1], c = qkv.Shape[2] / 3, len = Length;
        Tensor? bk = _keys[layer], bv = _values[layer];
        if (bk is null || bv is null || len + tnew > bk.Shape[1] || bk.Shape[0] != b || bk.Shape[2] != c || bk.DType != qkv.DType)
        {
            // (re)allocate (B, capacity, C), doubling, and keep what is cached
            int capacity = Math.Max(Math.Max(16, len + tnew), bk is null ? 0 : 2 * bk.Shape[1]);
            var nk = Tensor.Zeros([b, capacity, c], qkv.DType);
            var nv = Tensor.Zeros([b, capacity, c], qkv.DType);
            if (bk is not null && bv is not null && len > 0 && bk.Shape[0] == b && bk.Shape[2] == c && bk.DType == qkv.DType)
            {
                nk.Narrow(1, 0, len).AssignRaw(bk.Narrow(1, 0, len));
                nv.Narrow(1, 0, len).AssignRaw(bv.Narrow(1, 0, len));
            }
            _keys[layer] = bk = nk;
            _values[layer] = bv = nv;
        }
        Tensor source = qkv.Detach();
        bk.Narrow(1, len, tnew).AssignRaw(source.Narrow(2, c, c));
        bv.Narrow(1, len, tnew).AssignRaw(source.Narrow(2, 2 * c, c));
        if (layer == _keys.Length - 1) Length = len + tnew;
        return (bk, bv);
    }
}
