using SharpGrad.NN;

namespace SharpGrad.History;

/// <summary>
/// <c>sharpgrad history backprop [--trace]</c>: one example through the 2-2-1 sigmoid XOR network, forward then backward.
/// The compact view shows the textbook deltas and gradients next to autograd's; the trace adds every autograd node and
/// backward step with its local rule, each gradient checked against finite differences (<see cref="BackpropTracer"/>).
/// </summary>
public static class BackpropDemo
{
    /// <summary>The example traced: x = (1, 0), an XOR pattern whose target is 1.</summary>
    public static readonly float[] Input = [1f, 0f];

    /// <summary>The target for <see cref="Input"/>.</summary>
    public const float Target = 1f;

    /// <summary>
    /// Builds the 2-2-1 sigmoid network (Linear, Sigmoid, Linear, Sigmoid) with weights drawn from <paramref name="seed"/>.
    /// It runs layer by layer (<see cref="Sequential.FuseLayers"/> off), so every number the demo prints comes from the
    /// same ops the trace shows.
    /// </summary>
    public static Sequential BuildNetwork(ulong seed = 0)
    {
        var generator = new Generator(seed);
        return new Sequential(new Linear(2, 2, generator: generator), new Sigmoid(), new Linear(2, 1, generator: generator), new Sigmoid()) { FuseLayers = false };
    }

    /// <summary>
    /// Prints the forward and backward pass for one example to <paramref name="output"/>; with <paramref name="trace"/> the full
    /// node-by-node trace as well. Returns 0 when every finite-difference check and the textbook/autograd comparison pass, else 1.
    /// </summary>
    public static int Run(TextWriter output, bool trace, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(output);
        Sequential model = BuildNetwork(seed);
        Tensor x = Tensor.FromArray(Input, 1, 2);
        Tensor t = Tensor.FromArray([Target], 1, 1);

        output.WriteLine("Backpropagation on one example, step by step");
        output.WriteLine($"  network: 2-2-1 sigmoid units (the XOR network of Rumelhart, Hinton and Williams 1986), weights drawn with seed {seed}");
        output.WriteLine($"  example: x = ({Input[0]}, {Input[1]}), target t = {Target}; error E = (y − t)² (MSELoss: the mean over N = 1 output)");
        output.WriteLine("  parameters: 0.weight = W⁽¹⁾, 0.bias = b⁽¹⁾ (hidden layer), 2.weight = W⁽²⁾, 2.bias = b⁽²⁾ (output unit)");
        output.WriteLine();

        BackwardTrace traced = BackpropTracer.Trace(model, x, t, new MSELoss());
        TextbookDeltas textbook = BackpropTextbook.Compute(model, x, t);
        if (trace)
        {
            output.WriteLine(traced.ToString());
            output.WriteLine();
        }
        output.WriteLine(textbook.ToString());
        output.WriteLine();

        int checks = traced.Checks.Count(), failed = traced.Checks.Count(c => !c.Passed);
        bool ok = failed == 0 && textbook.Matches;
        if (!trace)
        {
            var leaves = traced.Leaves.Where(l => l.Check is not null).ToList();
            output.WriteLine($"Finite differences on the {leaves.Count} parameter tensors: " + string.Join(", ", leaves.Select(l => $"{l.Name} {l.Check!.Mark}")));
            output.WriteLine("(run with --trace for every autograd node and backward step, each gradient checked)");
        }
        output.WriteLine(ok
            ? $"OK: {checks} finite-difference checks passed and the delta rule matches autograd."
            : $"FAILED: {failed} of {checks} finite-difference checks failed{(textbook.Matches ? "" : "; the delta rule does not match autograd")}.");
        return ok ? 0 : 1;
    }
}
