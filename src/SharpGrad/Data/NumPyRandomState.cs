using System.Security.Cryptography;

namespace SharpGrad.Data;

/// <summary>
/// A bit-for-bit reimplementation of NumPy's legacy <c>numpy.random.RandomState</c>
/// (the Mersenne Twister MT19937 generator plus NumPy's legacy distribution algorithms).
/// </summary>
/// <remarks>
/// <para>
/// Given the same integer seed, every method of this class produces exactly the same
/// stream of values as the NumPy method of the same meaning, and consumes the underlying
/// MT19937 stream the same way, so that interleaved calls stay in lock-step with NumPy.
/// This is what scikit-learn uses whenever an integer <c>random_state</c> is passed
/// (<c>check_random_state(seed)</c> returns <c>np.random.RandomState(seed)</c>), which makes
/// it possible to reproduce scikit-learn's data sets and splits exactly.
/// </para>
/// <para>The algorithms reproduced are:</para>
/// <list type="bullet">
/// <item><description>Seeding: an integer seed uses <c>init_genrand</c> (<c>mt19937_seed</c>); an
/// array seed uses <c>init_by_array</c>.</description></item>
/// <item><description><see cref="NextDouble"/> (<c>random_sample</c>): a 53-bit double built from two
/// 32-bit outputs <c>a &gt;&gt; 5</c> and <c>b &gt;&gt; 6</c>: <c>(a·2^26 + b) / 2^53</c>.</description></item>
/// <item><description><see cref="StandardNormal()"/> (legacy <c>gauss</c>): the polar Box–Muller method;
/// each accepted pair yields two values, the second being cached for the next call.</description></item>
/// <item><description><see cref="RandInt(long, long)"/> (legacy <c>randint</c>): masked rejection sampling
/// on 32-bit outputs (64-bit outputs for ranges wider than 2^32).</description></item>
/// <item><description><see cref="Shuffle{T}(Span{T})"/> / <see cref="Permutation(int)"/>: the legacy
/// Fisher–Yates shuffle from the last element down, using masked rejection
/// (<c>random_interval</c>) for each swap index.</description></item>
/// </list>
/// <para>Integer outputs, uniform doubles, shuffles and permutations are exact on every platform.
/// Normal variates use <see cref="Math.Log(double)"/> and <see cref="Math.Sqrt(double)"/>; they are
/// bit-identical to NumPy wherever both use the same (correctly rounded) libm <c>log</c>, as on
/// Linux/glibc, and could otherwise differ in the last bit in rare cases.</para>
/// <para>Instances are not thread-safe.</para>
/// </remarks>
public sealed class NumPyRandomState
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0dfU;
    private const uint UpperMask = 0x80000000U;
    private const uint LowerMask = 0x7fffffffU;

    private readonly uint[] _key = new uint[N];
    private int _pos;
    private bool _hasGauss;
    private double _gauss;

    /// <summary>
    /// Creates a generator seeded exactly like <c>numpy.random.RandomState(seed)</c> for an
    /// integer seed.
    /// </summary>
    /// <param name="seed">The seed; must lie in [0, 2^32 − 1] as NumPy requires.</param>
    /// <exception cref="ArgumentOutOfRangeException">The seed is negative or above 2^32 − 1.</exception>
    public NumPyRandomState(long seed)
    {
        if (seed < 0 || seed > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "Seed must be between 0 and 2**32 - 1");
        }

        SeedInteger((uint)seed);
    }

    /// <summary>
    /// Creates a generator seeded exactly like <c>numpy.random.RandomState(key)</c> for a
    /// one-dimensional array of 32-bit words (MT19937 <c>init_by_array</c>).
    /// </summary>
    /// <param name="key">The seed words; must be non-empty.</param>
    /// <exception cref="ArgumentException">The key is empty.</exception>
    public NumPyRandomState(ReadOnlySpan<uint> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("Seed must be non-empty", nameof(key));
        }

        SeedArray(key);
    }

    /// <summary>
    /// Creates a generator seeded from operating-system entropy, like
    /// <c>numpy.random.RandomState()</c> (624 random words fed to <c>init_by_array</c>).
    /// The resulting stream is not reproducible.
    /// </summary>
    public NumPyRandomState()
    {
        Span<uint> words = stackalloc uint[N];
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words));
        SeedArray(words);
    }

    private void SeedInteger(uint seed)
    {
        for (int pos = 0; pos < N; pos++)
        {
            _key[pos] = seed;
            seed = unchecked(1812433253U * (seed ^ (seed >> 30)) + (uint)pos + 1U);
        }

        _pos = N;
        _hasGauss = false;
        _gauss = 0.0;
    }

    private void SeedArray(ReadOnlySpan<uint> initKey)
    {
        SeedInteger(19650218U);
        int i = 1, j = 0;
        int length = initKey.Length;
        int k = N > length ? N : length;
        unchecked
        {
            for (; k > 0; k--)
            {
                // Non-linear mixing of the key into the state.
                _key[i] = (_key[i] ^ ((_key[i - 1] ^ (_key[i - 1] >> 30)) * 1664525U)) + initKey[j] + (uint)j;
                i++;
                j++;
                if (i >= N)
                {
                    _key[0] = _key[N - 1];
                    i = 1;
                }

                if (j >= length)
                {
                    j = 0;
                }
            }

            for (k = N - 1; k > 0; k--)
            {
                _key[i] = (_key[i] ^ ((_key[i - 1] ^ (_key[i - 1] >> 30)) * 1566083941U)) - (uint)i;
                i++;
                if (i >= N)
                {
                    _key[0] = _key[N - 1];
                    i = 1;
                }
            }
        }

        _key[0] = 0x80000000U; // MSB is 1, assuring a non-zero initial array.
        _pos = N;
        _hasGauss = false;
        _gauss = 0.0;
    }

    private void Generate()
    {
        uint y;
        int i;
        for (i = 0; i < N - M; i++)
        {
            y = (_key[i] & UpperMask) | (_key[i + 1] & LowerMask);
            _key[i] = _key[i + M] ^ (y >> 1) ^ ((0U - (y & 1U)) & MatrixA);
        }

        for (; i < N - 1; i++)
        {
            y = (_key[i] & UpperMask) | (_key[i + 1] & LowerMask);
            _key[i] = _key[i + (M - N)] ^ (y >> 1) ^ ((0U - (y & 1U)) & MatrixA);
        }

        y = (_key[N - 1] & UpperMask) | (_key[0] & LowerMask);
        _key[N - 1] = _key[M - 1] ^ (y >> 1) ^ ((0U - (y & 1U)) & MatrixA);
        _pos = 0;
    }

    /// <summary>Returns the next raw 32-bit output of MT19937 (NumPy's <c>next_uint32</c>).</summary>
    /// <returns>A uniformly distributed 32-bit unsigned integer.</returns>
    public uint NextUInt32()
    {
        if (_pos == N)
        {
            Generate();
        }

        uint y = _key[_pos++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680U;
        y ^= (y << 15) & 0xefc60000U;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// Returns the next 64-bit output as NumPy's MT19937 builds it: the first 32-bit draw in
    /// the high half and the second in the low half.
    /// </summary>
    /// <returns>A uniformly distributed 64-bit unsigned integer.</returns>
    public ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        return (hi << 32) | NextUInt32();
    }

    /// <summary>
    /// Returns a double in [0, 1) exactly like <c>RandomState.random_sample()</c> (also
    /// <c>rand</c>, <c>random</c>): <c>((a &gt;&gt; 5)·67108864 + (b &gt;&gt; 6)) / 9007199254740992</c>.
    /// </summary>
    /// <returns>A uniformly distributed double with 53 random bits.</returns>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5;
        uint b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    /// <summary>Fills <paramref name="destination"/> with <see cref="NextDouble"/> values in order.</summary>
    /// <param name="destination">The span to fill.</param>
    public void NextDoubles(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = NextDouble();
        }
    }

    /// <summary>Returns <paramref name="count"/> values of <c>random_sample(size=count)</c>.</summary>
    /// <param name="count">How many values to draw.</param>
    /// <returns>A new array of uniform doubles in [0, 1).</returns>
    public double[] RandomSample(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new double[count];
        NextDoubles(result);
        return result;
    }

    /// <summary>
    /// Returns a standard normal variate exactly like NumPy's legacy
    /// <c>RandomState.standard_normal()</c> / <c>randn</c> (polar Box–Muller with a cached
    /// second value).
    /// </summary>
    /// <returns>A draw from N(0, 1).</returns>
    public double StandardNormal()
    {
        if (_hasGauss)
        {
            double cached = _gauss;
            _hasGauss = false;
            _gauss = 0.0;
            return cached;
        }

        double x1, x2, r2;
        do
        {
            x1 = 2.0 * NextDouble() - 1.0;
            x2 = 2.0 * NextDouble() - 1.0;
            r2 = x1 * x1 + x2 * x2;
        }
        while (r2 >= 1.0 || r2 == 0.0);

        double f = Math.Sqrt(-2.0 * Math.Log(r2) / r2);
        _gauss = f * x1;
        _hasGauss = true;
        return f * x2;
    }

    /// <summary>Returns <paramref name="count"/> values of <c>standard_normal(size=count)</c>.</summary>
    /// <param name="count">How many values to draw.</param>
    /// <returns>A new array of N(0, 1) draws.</returns>
    public double[] StandardNormal(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = StandardNormal();
        }

        return result;
    }

    /// <summary>
    /// Returns a normal variate exactly like legacy <c>RandomState.normal(loc, scale)</c>:
    /// <c>loc + scale · gauss()</c>.
    /// </summary>
    /// <param name="loc">The mean.</param>
    /// <param name="scale">The standard deviation; must be non-negative.</param>
    /// <returns>A draw from N(loc, scale²).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is negative.</exception>
    public double Normal(double loc = 0.0, double scale = 1.0)
    {
        if (scale < 0.0)
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale < 0");
        }

        return loc + scale * StandardNormal();
    }

    /// <summary>
    /// Returns a uniform variate exactly like <c>RandomState.uniform(low, high)</c>:
    /// <c>low + (high − low) · random_sample()</c>.
    /// </summary>
    /// <param name="low">The lower bound (inclusive).</param>
    /// <param name="high">The upper bound (exclusive, up to rounding).</param>
    /// <returns>A draw from U[low, high).</returns>
    /// <exception cref="OverflowException"><c>high − low</c> is not finite.</exception>
    public double Uniform(double low = 0.0, double high = 1.0)
    {
        double range = high - low;
        if (!double.IsFinite(range))
        {
            throw new OverflowException("Range exceeds valid bounds");
        }

        return low + range * NextDouble();
    }

    /// <summary>Returns <paramref name="count"/> values of <c>uniform(low, high, size=count)</c>.</summary>
    /// <param name="count">How many values to draw.</param>
    /// <param name="low">The lower bound (inclusive).</param>
    /// <param name="high">The upper bound (exclusive).</param>
    /// <returns>A new array of uniform draws.</returns>
    public double[] Uniform(int count, double low = 0.0, double high = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        double range = high - low;
        if (!double.IsFinite(range))
        {
            throw new OverflowException("Range exceeds valid bounds");
        }

        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = low + range * NextDouble();
        }

        return result;
    }

    /// <summary>
    /// Returns an integer in [<paramref name="low"/>, <paramref name="high"/>) exactly like the
    /// legacy <c>RandomState.randint(low, high)</c> with the default 64-bit dtype (masked
    /// rejection sampling).
    /// </summary>
    /// <param name="low">The lowest value (inclusive).</param>
    /// <param name="high">One above the largest value (exclusive).</param>
    /// <returns>A uniformly distributed integer.</returns>
    /// <exception cref="ArgumentException"><paramref name="low"/> &gt;= <paramref name="high"/>.</exception>
    public long RandInt(long low, long high)
    {
        if (low >= high)
        {
            throw new ArgumentException("low >= high", nameof(low));
        }

        ulong range = unchecked((ulong)(high - 1) - (ulong)low);
        return unchecked(low + (long)BoundedMasked(range));
    }

    /// <summary>Returns an integer in [0, <paramref name="high"/>) like <c>randint(high)</c>.</summary>
    /// <param name="high">One above the largest value (exclusive); must be positive.</param>
    /// <returns>A uniformly distributed integer.</returns>
    public long RandInt(long high) => RandInt(0, high);

    /// <summary>
    /// Returns <paramref name="count"/> integers like <c>randint(low, high, size=count)</c>
    /// (identical to <paramref name="count"/> scalar calls).
    /// </summary>
    /// <param name="count">How many values to draw.</param>
    /// <param name="low">The lowest value (inclusive).</param>
    /// <param name="high">One above the largest value (exclusive).</param>
    /// <returns>A new array of uniformly distributed integers.</returns>
    public long[] RandInt(int count, long low, long high)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (low >= high)
        {
            throw new ArgumentException("low >= high", nameof(low));
        }

        ulong range = unchecked((ulong)(high - 1) - (ulong)low);
        var result = new long[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = unchecked(low + (long)BoundedMasked(range));
        }

        return result;
    }

    /// <summary>NumPy's <c>random_bounded_uint64</c> with <c>use_masked = true</c>.</summary>
    private ulong BoundedMasked(ulong range)
    {
        if (range == 0)
        {
            return 0;
        }

        if (range <= 0xFFFFFFFFUL)
        {
            if (range == 0xFFFFFFFFUL)
            {
                return NextUInt32();
            }

            uint mask32 = (uint)Mask(range);
            uint value32;
            while ((value32 = NextUInt32() & mask32) > range)
            {
            }

            return value32;
        }

        if (range == ulong.MaxValue)
        {
            return NextUInt64();
        }

        ulong mask = Mask(range);
        ulong value;
        while ((value = NextUInt64() & mask) > range)
        {
        }

        return value;
    }

    /// <summary>NumPy's <c>random_interval(max)</c>: uniform in [0, max] by masked rejection.</summary>
    private ulong Interval(ulong max)
    {
        if (max == 0)
        {
            return 0;
        }

        ulong mask = Mask(max);
        ulong value;
        if (max <= 0xFFFFFFFFUL)
        {
            while ((value = NextUInt32() & mask) > max)
            {
            }
        }
        else
        {
            while ((value = NextUInt64() & mask) > max)
            {
            }
        }

        return value;
    }

    private static ulong Mask(ulong max)
    {
        ulong mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        return mask;
    }

    /// <summary>
    /// Shuffles <paramref name="values"/> in place exactly like the legacy
    /// <c>RandomState.shuffle</c> on a 1-D array: for <c>i</c> from <c>n − 1</c> down to 1,
    /// swap element <c>i</c> with element <c>random_interval(i)</c>.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values to shuffle.</param>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i >= 1; i--)
        {
            int j = (int)Interval((ulong)i);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// Returns a random permutation of 0 … <paramref name="n"/> − 1 exactly like
    /// <c>RandomState.permutation(n)</c> (<c>arange(n)</c> then <see cref="Shuffle{T}(Span{T})"/>).
    /// </summary>
    /// <param name="n">The number of elements; must be non-negative.</param>
    /// <returns>A new array holding the permutation.</returns>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var result = new int[n];
        for (int i = 0; i < n; i++)
        {
            result[i] = i;
        }

        Shuffle<int>(result);
        return result;
    }

    /// <summary>
    /// Returns a shuffled copy of <paramref name="values"/> like <c>RandomState.permutation(array)</c>
    /// on a 1-D array.
    /// </summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values to permute; not modified.</param>
    /// <returns>A new shuffled array.</returns>
    public T[] Permutation<T>(ReadOnlySpan<T> values)
    {
        T[] copy = values.ToArray();
        Shuffle<T>(copy);
        return copy;
    }

    /// <summary>
    /// Draws <paramref name="size"/> indices from [0, <paramref name="populationSize"/>) like the
    /// legacy <c>RandomState.choice(populationSize, size, replace)</c> without probabilities:
    /// with replacement it is <c>randint(0, populationSize, size)</c>; without replacement it is
    /// <c>permutation(populationSize)[:size]</c> (which consumes randomness even when
    /// <paramref name="size"/> is 0).
    /// </summary>
    /// <param name="populationSize">The number of candidates.</param>
    /// <param name="size">How many to draw.</param>
    /// <param name="replace">Whether to sample with replacement.</param>
    /// <returns>The chosen indices.</returns>
    /// <exception cref="ArgumentException">The arguments are inconsistent, as NumPy reports.</exception>
    public int[] Choice(int populationSize, int size, bool replace = true)
    {
        if (populationSize < 0)
        {
            throw new ArgumentException("a must be a positive integer unless no samples are taken", nameof(populationSize));
        }

        if (size < 0)
        {
            throw new ArgumentException("negative dimensions are not allowed", nameof(size));
        }

        if (populationSize == 0 && size != 0)
        {
            throw new ArgumentException("a cannot be empty unless no samples are taken", nameof(populationSize));
        }

        if (replace)
        {
            if (size == 0)
            {
                return [];
            }

            var picked = new int[size];
            for (int i = 0; i < size; i++)
            {
                picked[i] = (int)RandInt(0, populationSize);
            }

            return picked;
        }

        if (size > populationSize)
        {
            throw new ArgumentException("Cannot take a larger sample than population when 'replace=False'", nameof(size));
        }

        int[] permutation = Permutation(populationSize);
        return permutation.AsSpan(0, size).ToArray();
    }
}
