namespace SharpGrad.NN;

/// <summary>
/// How <see cref="Gpt.Generate"/> picks each next token from the logits of the last position. With
/// <see cref="Temperature"/> 0 the choice is greedy (arg max, the first on ties); otherwise the logits are divided by the
/// temperature, restricted to the <see cref="TopK"/> largest (when set), then to the smallest set of most likely tokens
/// whose probability reaches <see cref="TopP"/> (nucleus sampling, when set), and a token is drawn from the renormalised
/// distribution with a <see cref="Generator"/> seeded with <see cref="Seed"/>. <see cref="Overflow"/> says what happens once the
/// sequence outgrows the model's context.
/// </summary>
/// <param name="Temperature">Softmax temperature; 0 = greedy.</param>
/// <param name="TopK">Keep only the k most likely tokens (null = all).</param>
/// <param name="TopP">Nucleus threshold in (0, 1] (null = off).</param>
/// <param name="Seed">Seed of the sampling generator.</param>
/// <param name="Overflow">Past the context: drop the oldest half of the window (<see cref="ContextOverflow.Shift"/>, the
/// default, which keeps the KV cache fast) or slide by one token each step (<see cref="ContextOverflow.Slide"/>, nanoGPT's crop).</param>
public sealed record GenerationOptions(double Temperature = 1.0, int? TopK = null, double? TopP = null, ulong Seed = 0,
    ContextOverflow Overflow = ContextOverflow.Shift)
{
    /// <summary>Greedy decoding (arg max at each step).</summary>
    public static GenerationOptions Greedy { get; } = new(Temperature: 0);

    /// <summary>True when decoding is greedy.</summary>
    public bool IsGreedy => Temperature == 0;

    /// <summary>Picks the next token from one row of logits (V) with <paramref name="generator"/>.</summary>
    public long Sample(ReadOnlySpan<float> logits, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        int n = logits.Length;
        if (n == 0) throw new ArgumentException("GenerationOptions.Sample: empty logits.");
        if (Temperature < 0) throw new ArgumentOutOfRangeException(nameof(Temperature), "Temperature must be ≥ 0.");
        if (IsGreedy)
        {
            int best = 0;
            for (int i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
            return best;
        }
        var z = new double[n];
        for (int i = 0; i < n; i++) z[i] = logits[i] / Temperature;
        if (TopK is int k && k > 0 && k < n)
        {
            var sorted = (double[])z.Clone();
            Array.Sort(sorted);
            double threshold = sorted[n - k];
            for (int i = 0; i < n; i++) if (z[i] < threshold) z[i] = double.NegativeInfinity;
        }
        double max = z.Max(), total = 0;
        var p = new double[n];
        for (int i = 0; i < n; i++) total += p[i] = Math.Exp(z[i] - max);
        for (int i = 0; i < n; i++) p[i] /= total;
        if (TopP is double topP && topP < 1)
        {
            if (topP <= 0) throw new ArgumentOutOfRangeException(nameof(TopP), "TopP must be in (0, 1].");
            var order = Enumerable.Range(0, n).OrderByDescending(i => p[i]).ThenBy(i => i).ToArray();
            double cum = 0;
            var keep = new bool[n];
            foreach (int i in order)
            {
                keep[i] = true;
                cum += p[i];
                if (cum >= topP) break;
            }
            total = 0;
            for (int i = 0; i < n; i++) { if (!keep[i]) p[i] = 0; total += p[i]; }
            for (int i = 0; i < n; i++) p[i] /= total;
        }
        double u = generator.NextDouble(), c = 0;
        int last = 0;
        for (int i = 0; i < n; i++)
        {
            if (p[i] <= 0) continue;
            last = i;
            c += p[i];
            if (u < c) return i;
        }
        return last;
    }
}
