using SharpGrad.Kernels;

namespace SharpGrad.Tests.Kernels;

/// <summary>The threaded add and column sum against plain loops, and identical for one and all threads.</summary>
[Collection(nameof(KernelGlobalsCollection))]
public class ParallelElementwiseTests
{
    [Theory]
    [InlineData(ParallelElementwise.AddMinLength + 37)]
    [InlineData(1_000_003)]
    public void Large_adds_match_the_elementwise_sum_for_any_thread_count(int length)
    {
        var g = new Generator(1);
        var a = Tensor.Randn([length], g);
        var b = Tensor.Randn([length], g);
        float[] av = a.ToArray(), bv = b.ToArray();
        var expected = new float[length];
        for (int i = 0; i < length; i++) expected[i] = av[i] + bv[i];
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
        {
            Assert.Equal(expected, KernelThreadCount.With(threads, () => (a + b).ToArray()));
            Assert.Equal(expected, KernelThreadCount.With(threads, () => a.Clone().AddInPlace(b).ToArray()));
        }
    }

    [Fact]
    public void Column_sums_of_a_tall_block_match_the_row_order_sum_for_any_thread_count()
    {
        const int rows = 2048, cols = 200; // 200 columns: chunks of 16 leave a ragged last part
        var g = new Generator(2);
        var x = Tensor.Randn([rows, cols], g);
        float[] expected = ColumnSums.InRowOrder(x.ToArray(), rows, cols);
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
            Assert.Equal(expected, KernelThreadCount.With(threads, () => x.Sum(0).ToArray()));
    }

    [Theory]
    [InlineData(300, 40, 70)]   // packed GEMM, edge tiles
    [InlineData(800, 20, 10)]   // direct (narrow) path
    [InlineData(9, 7, 5)]       // tiny
    [InlineData(2048, 256, 768)] // several row blocks on every thread
    [InlineData(5, 0, 3)]       // k = 0: the bias alone
    public void Linear_with_bias_equals_the_product_plus_the_bias(int rows, int inFeatures, int outFeatures)
    {
        var g = new Generator(3);
        var x = Tensor.Randn([rows, inFeatures], g);
        var w = Tensor.Randn([outFeatures, inFeatures], g);
        var b = Tensor.Randn([outFeatures], g);
        float[] expected = (x.MatMul(w.Transpose(0, 1)) + b).ToArray();
        float[] actual = Tensor.Linear(x, w, b).ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }
}

/// <summary>The register-held column sums of narrow blocks (bias gradients of small layers) against the plain row-order loop.</summary>
public class NarrowColumnSumTests
{
    [Theory]
    [InlineData(3, 2)]
    [InlineData(9, 2)]   // vector reads of the last rows would run past the block: those rows are added one by one
    [InlineData(50, 3)]
    [InlineData(800, 10)]
    [InlineData(800, 5)]
    [InlineData(17, 8)]
    [InlineData(33, 9)]
    [InlineData(64, 16)]
    [InlineData(5, 17)]
    [InlineData(100, 31)]
    [InlineData(7, 32)]
    public void Narrow_column_sums_equal_the_row_order_loop_bit_for_bit(int rows, int cols)
    {
        var x = Tensor.Randn([rows, cols], new Generator((ulong)(rows * 100 + cols)));
        float[] expected = ColumnSums.InRowOrder(x.ToArray(), rows, cols);
        Assert.Equal(expected, x.Sum(0).ToArray());
        // the same through a leading batch dimension (outer > 1)
        var x3 = Tensor.Stack([x, x.MulScalar(2)]);
        float[] both = x3.Sum(1).ToArray();
        Assert.Equal(expected, both[..cols]);
    }
}

/// <summary>Threaded unary ops and activation backwards on long runs equal the single-threaded kernels bit for bit.</summary>
[Collection(nameof(KernelGlobalsCollection))]
public class ParallelActivationTests
{
    [Fact]
    public void Long_activations_and_their_gradients_do_not_depend_on_threads()
    {
        int n = SharpGrad.Kernels.ParallelElementwise.MinLength * 2 + 77;
        (float[] Values, float[] Grads) Run(int threads, Func<Tensor, Tensor> f) => KernelThreadCount.With(threads, () =>
        {
            var g = new Generator(9);
            var x = Tensor.Randn([n], g).RequiresGrad_();
            var up = Tensor.Randn([n], g);
            Tensor y = f(x);
            (y * up).Sum().Backward();
            return (y.ToArray(), x.Grad!.ToArray());
        });
        foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[] { t => t.Relu(), t => t.Sigmoid(), t => t.Tanh(), t => t.Exp() })
        {
            var one = Run(1, f);
            var all = Run(Environment.ProcessorCount, f);
            Assert.Equal(one.Values, all.Values);
            Assert.Equal(one.Grads, all.Grads);
        }
        // and the values are the op's: relu of the first elements by hand
        var (values, _) = Run(Environment.ProcessorCount, t => t.Relu());
        var xs = Tensor.Randn([n], new Generator(9)).ToArray();
        for (int i = 0; i < n; i += 9973) Assert.Equal(Math.Max(xs[i], 0f), values[i]);
    }
}

internal static class ColumnSums
{
    /// <summary>Σ_r x[r, j] added in row order, one float add at a time: the oracle of the column-sum kernels.</summary>
    public static float[] InRowOrder(float[] x, int rows, int cols)
    {
        var sums = new float[cols];
        for (int j = 0; j < cols; j++)
        {
            float s = x[j];
            for (int r = 1; r < rows; r++) s += x[r * cols + j];
            sums[j] = s;
        }
        return sums;
    }
}

/// <summary>Long strided copies (transposes, slices padded into larger gradients) split across threads copy every element.</summary>
[Collection(nameof(KernelGlobalsCollection))]
public class ParallelStridedCopyTests
{
    [Fact]
    public void Large_transposed_and_sliced_copies_match_element_by_element_for_any_thread_count()
    {
        var x = Tensor.Randn([3, 301, 517], new Generator(12)); // 466,851 elements, 3 rows along dim 0 after the permute below
        float[] xv = x.ToArray();
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
        {
            KernelThreadCount.With(threads, () =>
            {
                float[] t = x.Transpose(0, 2).Contiguous().ToArray(); // (517, 301, 3)
                for (int i = 0; i < 517; i += 37)
                    for (int j = 0; j < 301; j += 29)
                        for (int k = 0; k < 3; k++)
                            Assert.Equal(xv[k * 301 * 517 + j * 517 + i], t[(i * 301 + j) * 3 + k]);
                Assert.Equal(xv[^1], t[(516 * 301 + 300) * 3 + 2]);
                var big = Tensor.Zeros(3, 400, 517);
                big.Narrow(1, 50, 301).CopyFrom(x);
                float[] bv = big.ToArray();
                Assert.Equal(0f, bv[0]);
                Assert.Equal(xv[0], bv[50 * 517]);
                Assert.Equal(xv[^1], bv[(2 * 400 + 350) * 517 + 516]);
            });
        }
    }
}
