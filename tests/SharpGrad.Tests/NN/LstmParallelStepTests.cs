using SharpGrad.NN;
using SharpGrad.Tests.Kernels;

namespace SharpGrad.Tests.NN;

/// <summary>
/// The float32 LSTM runs each time step as one job over batch rows with a prepacked recurrent weight; the float64 path keeps
/// the plain loop. Both must agree, and float32 must give the same bits for one and all threads.
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class LstmParallelStepTests
{
    private static (float[] Output, float[][] Grads) Run(DType dtype, int threads, bool reverse) => KernelThreadCount.With(threads, () =>
        {
            var g = new Generator(21);
            var xp = Tensor.Randn([7, 33, 4 * 20], g).To(dtype).RequiresGrad_(); // 7 steps, batch 33 (uneven row split), hidden 20
            var w = Tensor.Randn([4 * 20, 20], g).MulScalar(0.3).To(dtype).RequiresGrad_();
            var b = Tensor.Randn([4 * 20], g).MulScalar(0.1).To(dtype).RequiresGrad_();
            var h0 = Tensor.Randn([33, 20], g).To(dtype).RequiresGrad_();
            var c0 = Tensor.Randn([33, 20], g).To(dtype).RequiresGrad_();
            var up = Tensor.Randn([8, 33, 20], g).To(dtype);
            Tensor y = Tensor.LstmSequence(xp.Clone(), w, b, h0, c0, reverse);
            (y * up).Sum().Backward();
            return (y.To(DType.Float32).ToArray(), (float[][])[.. new[] { xp, w, b, h0, c0 }.Select(t => t.Grad!.To(DType.Float32).ToArray())]);
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Float32_steps_match_float64_and_do_not_depend_on_threads(bool reverse)
    {
        var one = Run(DType.Float32, 1, reverse);
        var all = Run(DType.Float32, Environment.ProcessorCount, reverse);
        var reference = Run(DType.Float64, 1, reverse);
        Assert.Equal(one.Output, all.Output);
        for (int i = 0; i < one.Grads.Length; i++) Assert.Equal(one.Grads[i], all.Grads[i]);
        for (int i = 0; i < one.Output.Length; i++) Assert.True(Math.Abs(reference.Output[i] - one.Output[i]) <= 1e-5, $"output {i}");
        for (int gi = 0; gi < one.Grads.Length; gi++)
            for (int i = 0; i < one.Grads[gi].Length; i++)
                Assert.True(Math.Abs(reference.Grads[gi][i] - one.Grads[gi][i]) <= 2e-4 * (1 + Math.Abs(reference.Grads[gi][i])),
                    $"gradient {gi}[{i}]: float64 {reference.Grads[gi][i]}, float32 {one.Grads[gi][i]}");
    }
}
