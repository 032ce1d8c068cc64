namespace SharpGrad.History;

/// <summary>
/// A training set for the 1986 experiments: every pattern of a small Boolean problem, inputs and targets in {0, 1}
/// (the logistic units' range, as in Rumelhart, Hinton and Williams).
/// </summary>
/// <param name="Name">Short name.</param>
/// <param name="Inputs">Input patterns, one row each.</param>
/// <param name="Targets">Target vectors, one row each.</param>
public sealed record BooleanTask(string Name, double[][] Inputs, double[][] Targets)
{
    /// <summary>Number of patterns.</summary>
    public int Count => Inputs.Length;

    /// <summary>Input width.</summary>
    public int InputSize => Inputs[0].Length;

    /// <summary>Output width.</summary>
    public int OutputSize => Targets[0].Length;

    /// <summary>XOR: (0,0)→0, (0,1)→1, (1,0)→1, (1,1)→0.</summary>
    public static BooleanTask Xor() => Parity(2) with { Name = "XOR" };

    /// <summary>n-bit parity: all 2ⁿ patterns, target 1 when the number of ones is odd.</summary>
    public static BooleanTask Parity(int bits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 1);
        return FromRule($"parity-{bits}", bits, x => x.Sum() % 2 == 1);
    }

    /// <summary>Symmetry: all 2ⁿ patterns, target 1 when the vector reads the same forwards and backwards (symmetric about its centre).</summary>
    public static BooleanTask Symmetry(int bits = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 2);
        return FromRule($"symmetry-{bits}", bits, x => x.SequenceEqual(x.Reverse()));
    }

    /// <summary>The n-unit encoder: n one-hot patterns, each to be reproduced at the output.</summary>
    public static BooleanTask Encoder(int size = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        var rows = new double[size][];
        for (int i = 0; i < size; i++)
        {
            rows[i] = new double[size];
            rows[i][i] = 1;
        }
        return new BooleanTask($"encoder-{size}", rows, [.. rows.Select(r => (double[])r.Clone())]);
    }

    // Patterns in binary counting order, most significant bit first.
    private static BooleanTask FromRule(string name, int bits, Func<double[], bool> rule)
    {
        int n = 1 << bits;
        var inputs = new double[n][];
        var targets = new double[n][];
        for (int p = 0; p < n; p++)
        {
            inputs[p] = [.. Enumerable.Range(0, bits).Select(b => (double)((p >> (bits - 1 - b)) & 1))];
            targets[p] = [rule(inputs[p]) ? 1 : 0];
        }
        return new BooleanTask(name, inputs, targets);
    }
}
