namespace SharpGrad;

/// <summary>
/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64), the single source of randomness for
/// weight init, dropout, shuffling and sampling. Same seed, same stream, on every machine.
/// Like <c>torch.Generator</c>; <see cref="Default"/> plays the role of the global generator set by <see cref="ManualSeed"/>.
/// </summary>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpareNormal;

    [ThreadStatic] private static Generator? t_default;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public Generator(ulong seed = 0x5EED) => Seed(seed);

    /// <summary>The default generator of the calling thread, used when an op is given none.</summary>
    public static Generator Default => t_default ??= new Generator();

    /// <summary>Re-seeds the default generator (like <c>torch.manual_seed</c>).</summary>
    public static void ManualSeed(ulong seed) => Default.Seed(seed);

    /// <summary>Resets this generator to the start of the stream for <paramref name="seed"/>.</summary>
    public void Seed(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _hasSpareNormal = false;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next raw 64-bit value.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [low, high).</summary>
    public long NextInt64(long low, long high)
    {
        if (high <= low) throw new ArgumentException($"NextInt64: high ({high}) must be greater than low ({low}).");
        ulong range = (ulong)(high - low);
        // Lemire's nearly-divisionless method would be faster; rejection keeps it unbiased and simple.
        ulong limit = ulong.MaxValue - ulong.MaxValue % range;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return low + (long)(r % range);
    }

    /// <summary>Standard normal sample (Marsaglia polar method; the second value of each pair is cached).</summary>
    public double NextNormal()
    {
        if (_hasSpareNormal)
        {
            _hasSpareNormal = false;
            return _spareNormal;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareNormal = v * f;
        _hasSpareNormal = true;
        return u * f;
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = (int)NextInt64(0, i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle<int>(p);
        return p;
    }

    /// <summary>Captures the generator state (for checkpoints).</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _hasSpareNormal ? 1UL : 0UL, (ulong)BitConverter.DoubleToInt64Bits(_spareNormal)];

    /// <summary>Restores a state captured by <see cref="GetState"/>.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 6) throw new ArgumentException($"Generator state must have 6 words, got {state.Length}.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _hasSpareNormal = state[4] != 0;
        _spareNormal = BitConverter.Int64BitsToDouble((long)state[5]);
    }
}
