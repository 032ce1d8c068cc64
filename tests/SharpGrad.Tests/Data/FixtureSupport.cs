using System.Text.Json;
using SharpGrad.NN;

namespace SharpGrad.Tests.Data;

/// <summary>Loads the golden JSON fixtures written by tools/make_classification_fixture.py.</summary>
internal static class FixtureSupport
{
    public static JsonElement Load(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    public static double[] Doubles(this JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public static long[] Longs(this JsonElement e) => e.EnumerateArray().Select(v => v.GetInt64()).ToArray();

    public static int[] Ints(this JsonElement e) => e.EnumerateArray().Select(v => v.GetInt32()).ToArray();

    /// <summary>Asserts |actual − expected| ≤ tol · max(1, |expected|) element-wise.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tol = 1e-12, string what = "")
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tol * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(
                Math.Abs(actual[i] - expected[i]) <= bound,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    /// <summary>A stored {shape, values} tensor as Float32.</summary>
    public static Tensor Float32Tensor(JsonElement e) =>
        Tensor.FromArray(e.GetProperty("values").Doubles().Select(v => (float)v).ToArray(), e.GetProperty("shape").Ints());

    /// <summary>Asserts that <paramref name="actual"/> has the stored shape and values (tolerance relative above 1).</summary>
    public static void MatchTensor(JsonElement expected, Tensor actual, double tol, string what)
    {
        Assert.Equal(expected.GetProperty("shape").Ints(), actual.ShapeArray);
        Close(expected.GetProperty("values").Doubles(), actual.To(DType.Float64).ToArray<double>(), tol, what);
    }

    /// <summary>
    /// A BatchNorm case written by the fixture scripts: load weight and bias, run the stored training steps (output, input
    /// and parameter gradients of sum(y·w), running statistics, batch count after each), then one evaluation forward.
    /// </summary>
    public static void CheckBatchNormCase(JsonElement c, BatchNormBase bn, double tol)
    {
        string name = c.GetProperty("name").GetString()!;
        using (Autograd.NoGrad())
        {
            bn.Weight!.CopyFrom(Float32Tensor(c.GetProperty("weight")));
            bn.Bias!.CopyFrom(Float32Tensor(c.GetProperty("bias")));
        }
        foreach (var step in c.GetProperty("train_steps").EnumerateArray())
        {
            bn.ZeroGrad();
            var x = Float32Tensor(step.GetProperty("x")).RequiresGrad_();
            var y = bn.Forward(x);
            MatchTensor(step.GetProperty("y"), y, tol, name + " y");
            (y * Float32Tensor(step.GetProperty("w"))).Sum().Backward();
            MatchTensor(step.GetProperty("grad_x"), x.Grad!, tol, name + " grad_x");
            MatchTensor(step.GetProperty("grad_weight"), bn.Weight!.Grad!, tol, name + " grad_weight");
            MatchTensor(step.GetProperty("grad_bias"), bn.Bias!.Grad!, tol, name + " grad_bias");
            MatchTensor(step.GetProperty("running_mean"), bn.RunningMean!, tol, name + " running_mean");
            MatchTensor(step.GetProperty("running_var"), bn.RunningVar!, tol, name + " running_var");
            Assert.Equal(step.GetProperty("num_batches_tracked").GetInt64(), (long)bn.NumBatchesTracked!.Item());
        }
        bn.Eval();
        MatchTensor(c.GetProperty("eval_y"), bn.Forward(Float32Tensor(c.GetProperty("eval_x"))), tol, name + " eval y");
    }
}
