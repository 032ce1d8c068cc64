namespace SharpGrad.NN;

/// <summary>
/// The keys and values of the positions already processed by a <see cref="Gpt"/>, one (K, V) pair per block, each
/// (B, NH, T, HS). Passing a cache to <see cref="Gpt.Forward(Tensor, KvCache?)"/> makes the model process only the new
/// tokens (at positions <see cref="Length"/>, …) while attending to the cached ones; the cache then grows by the new
/// tokens. Used under no-grad for generation.
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
        Tensor? ck = _keys[layer], cv = _values[layer];
        Tensor nk = ck is null ? k.Contiguous() : Tensor.Concat([ck, k], 2);
        Tensor nv = cv is null ? v.Contiguous() : Tensor.Concat([cv, v], 2);
        _keys[layer] = nk.Detach();
        _values[layer] = nv.Detach();
        if (layer == _keys.Length - 1) Length = nk.Shape[2];
        return (nk, nv);
    }
}
