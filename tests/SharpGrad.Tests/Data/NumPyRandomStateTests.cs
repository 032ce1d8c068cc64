using System.Text.Json;
using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public class NumPyRandomStateTests
{
    private static readonly JsonElement Fixture = FixtureSupport.Load("numpy_random_state.json");

    public static TheoryData<long> Seeds()
    {
        var data = new TheoryData<long>();
        foreach (JsonElement s in Fixture.GetProperty("seeds").EnumerateArray())
        {
            data.Add(s.GetProperty("seed").GetInt64());
        }

        return data;
    }

    private static JsonElement Entry(long seed) =>
        Fixture.GetProperty("seeds").EnumerateArray().Single(e => e.GetProperty("seed").GetInt64() == seed);

    /// <summary>Replays exactly the call sequence of the fixture script on one generator.</summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void StreamMatchesNumPy(long seed)
    {
        JsonElement e = Entry(seed);
        var rs = new NumPyRandomState(seed);

        long[] raw = e.GetProperty("uint32").Longs();
        foreach (long expected in raw)
        {
            Assert.Equal((uint)expected, rs.NextUInt32());
        }

        // Uniform doubles are exact (no transcendental functions involved).
        Assert.Equal(e.GetProperty("random_sample").Doubles(), rs.RandomSample(10));
        FixtureSupport.Close(e.GetProperty("standard_normal").Doubles(), rs.StandardNormal(11), what: "standard_normal");
        Assert.Equal(e.GetProperty("random_sample_after_normal").Doubles(), rs.RandomSample(2));
        FixtureSupport.Close(e.GetProperty("standard_normal_cached").Doubles(), rs.StandardNormal(3), what: "standard_normal_cached");

        double[] normal = Enumerable.Range(0, 5).Select(_ => rs.Normal(2.0, 3.0)).ToArray();
        FixtureSupport.Close(e.GetProperty("normal_2_3").Doubles(), normal, what: "normal");
        Assert.Equal(e.GetProperty("uniform_m2_5").Doubles(), rs.Uniform(5, -2.0, 5.0));

        Assert.Equal(e.GetProperty("randint_0_10").Longs(), rs.RandInt(12, 0, 10));
        Assert.Equal(e.GetProperty("randint_m5_1000").Longs(), Enumerable.Range(0, 8).Select(_ => rs.RandInt(-5, 1000)).ToArray());
        Assert.Equal(e.GetProperty("randint_0_2p40").Longs(), rs.RandInt(4, 0, 1L << 40));
        Assert.Equal(e.GetProperty("randint_scalar_7").GetInt64(), rs.RandInt(7));

        Assert.Equal(e.GetProperty("permutation_10").Ints(), rs.Permutation(10));
        int[] p = rs.Permutation(1000);
        Assert.Equal(e.GetProperty("permutation_1000_head").Ints(), p[..20]);
        long weighted = 0;
        for (int i = 0; i < p.Length; i++)
        {
            weighted += (long)p[i] * i;
        }

        Assert.Equal(e.GetProperty("permutation_1000_weighted_sum").GetInt64(), weighted);

        int[] a = [0, 10, 20, 30, 40, 50, 60];
        rs.Shuffle<int>(a);
        Assert.Equal(e.GetProperty("shuffle_arange7x10").Ints(), a);
        Assert.Equal(e.GetProperty("choice_10_4_noreplace").Ints(), rs.Choice(10, 4, replace: false));
        Assert.Equal(e.GetProperty("choice_10_5_replace").Ints(), rs.Choice(10, 5, replace: true));
        Assert.Equal(e.GetProperty("random_sample_final").Doubles(), rs.RandomSample(3));
    }

    [Fact]
    public void ArraySeedMatchesNumPy()
    {
        JsonElement e = Fixture.GetProperty("array_seed_1_2_3");
        uint[] key = e.GetProperty("key").Longs().Select(v => (uint)v).ToArray();
        var rs = new NumPyRandomState(key);
        Assert.Equal(e.GetProperty("random_sample").Doubles(), rs.RandomSample(5));
        Assert.Equal(e.GetProperty("uint32").Longs().Select(v => (uint)v).ToArray(), Enumerable.Range(0, 3).Select(_ => rs.NextUInt32()).ToArray());
    }

    [Fact]
    public void KnownMt19937Output()
    {
        // Reference value of the MT19937 paper's generator for init_genrand(5489): first output 3499211612.
        var rs = new NumPyRandomState(5489);
        Assert.Equal(3499211612u, rs.NextUInt32());
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(4294967296L)]
    public void SeedOutOfRangeThrows(long seed) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NumPyRandomState(seed));

    [Fact]
    public void EmptyArraySeedThrows() =>
        Assert.Throws<ArgumentException>(() => new NumPyRandomState(ReadOnlySpan<uint>.Empty));

    [Fact]
    public void SameSeedSameStream()
    {
        var a = new NumPyRandomState(123);
        var b = new NumPyRandomState(123);
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(a.NextDouble(), b.NextDouble());
        }
    }

    [Fact]
    public void EntropySeededGeneratorsDiffer()
    {
        var a = new NumPyRandomState();
        var b = new NumPyRandomState();
        Assert.NotEqual(a.RandomSample(4), b.RandomSample(4));
    }

    [Fact]
    public void RangesAreRespected()
    {
        var rs = new NumPyRandomState(7);
        for (int i = 0; i < 5000; i++)
        {
            double u = rs.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - double.Epsilon);
            Assert.InRange(rs.RandInt(-3, 4), -3, 3);
            double v = rs.Uniform(2.0, 3.0);
            Assert.True(v >= 2.0 && v <= 3.0);
        }
    }

    [Fact]
    public void PermutationIsAPermutation()
    {
        var rs = new NumPyRandomState(1);
        int[] p = rs.Permutation(257);
        Assert.Equal(Enumerable.Range(0, 257), p.OrderBy(v => v));
        Assert.Empty(rs.Permutation(0));
        Assert.Equal([0], rs.Permutation(1));
    }

    [Fact]
    public void StandardNormalMoments()
    {
        var rs = new NumPyRandomState(99);
        double[] z = rs.StandardNormal(200_000);
        double mean = z.Average();
        double variance = z.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        var rs = new NumPyRandomState(0);
        Assert.Throws<ArgumentException>(() => rs.RandInt(5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => rs.Normal(0, -1));
        Assert.Throws<OverflowException>(() => rs.Uniform(double.MinValue, double.MaxValue));
        Assert.Throws<ArgumentException>(() => rs.Choice(3, 4, replace: false));
        Assert.Throws<ArgumentOutOfRangeException>(() => rs.Permutation(-1));
    }
}
