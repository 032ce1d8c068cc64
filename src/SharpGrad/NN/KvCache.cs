namespace SharpGrad.NN;

/// <summary>
/// The keys and values of the positions already processed by a <see cref="Gpt"/>, one (K, V) pair per block, each
/// (B, NH, T, HS). Passing a cache to <see cref="Gpt.Forward(Tensor, KvCache?)"/> makes the model process only the new
/// tokens (at positions <see cref="Length"/>, …) while attending to the cached ones; the cache then grows by the new
/// tokens. The keys/values are kept in buffers that grow by doubling; no gradient flows through the cache (it is meant for
/// generation under no-grad).
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

    /// <summary>Empties the cache.</summary>
    public void Clear()
    {
        Array.Clear(_keys);
        Array.Clear(_values);
        Length = 0;
    }

    /// <summary>
    /// Appends the new keys/values (B, NH, Tnew, HS) of block <paramref name="layer"/> and returns all keys and values
    /// (B, NH, Tcached + Tnew, HS). The length advances when the last block has appended.
    /// </summary>
    internal (Tensor K, Tensor V) Append(int layer, Tensor k, Tensor v)
    {
        int len = Length, tnew = k.Shape[2];
        Tensor? bk = _keys[layer], bv = _values[layer];
        if (bk is null || bv is null || len + tnew > bk.Shape[2] || bk.Shape[0] != k.Shape[0] || bk.DType != k.DType)
        {
            // (re)allocate the buffers (B, NH, capacity, HS), doubling, and keep what is cached
            int capacity = Math.Max(Math.Max(16, len + tnew), bk is null ? 0 : 2 * bk.Shape[2]);
            var nk = Tensor.Zeros([k.Shape[0], k.Shape[1], capacity, k.Shape[3]], k.DType);
            var nv = Tensor.Zeros([v.Shape[0], v.Shape[1], capacity, v.Shape[3]], v.DType);
            if (bk is not null && bv is not null && len > 0)
            {
                nk.Narrow(2, 0, len).AssignRaw(bk.Narrow(2, 0, len));
                nv.Narrow(2, 0, len).AssignRaw(bv.Narrow(2, 0, len));
            }
            _keys[layer] = bk = nk;
            _values[layer] = bv = nv;
        }
        bk.Narrow(2, len, tnew).AssignRaw(k.Detach());
        bv.Narrow(2, len, tnew).AssignRaw(v.Detach());
        if (layer == _keys.Length - 1) Length = len + tnew;
        return (bk.Narrow(2, 0, len + tnew), bv.Narrow(2, 0, len + tnew));
    }
}
