using SharpGrad.Kernels;
using SharpGrad.Tests.Kernels;

namespace SharpGrad.Tests.Regression;

/// <summary>
/// ParallelElementwise (add, unary) and ParallelColumnSum once sized their chunks as RoundUp(length / parts, alignment):
/// when length / parts was already a multiple of the alignment and length not a multiple of parts, parts × chunk fell
/// short of length and the tail was never processed. The chunks now round length / parts up first.
/// </summary>
[Collection(nameof(KernelGlobalsCollection))]
public class ParallelChunkCoverageTests
{
    private static void WithTwoThreads(Action body)
    {
        if (Environment.ProcessorCount < 2) return; // needs two kernel threads
        KernelThreadCount.With(2, body);
    }

    [Fact]
    public void Parallel_add_covers_the_last_element_when_length_is_odd()
    {
        WithTwoThreads(() =>
        {
            int n = ParallelElementwise.AddMinLength + 1; // 131073: length/2 = 65536, a multiple of 64
            var a = Tensor.Ones(n);
            a.AddInPlace(Tensor.Ones(n));
            float[] v = a.ToArray();
            Assert.Equal(2f, v[0]);
            Assert.Equal(2f, v[n - 1]);
        });
    }

    [Fact]
    public void ParallelElementwise_unary_writes_the_last_element_when_length_is_odd()
    {
        WithTwoThreads(() =>
        {
            int n = ParallelElementwise.MinLength + 1; // 262145
            var x = Tensor.Ones(n);
            using (TensorScope.Begin()) _ = Tensor.Full([n], 7.0); // leaves a buffer of 7s in the pool
            using (TensorScope.Begin())
            {
                float[] y = x.Neg().ToArray(); // AllocateUninitialized takes the pooled 7s
                Assert.Equal(-1f, y[0]);
                Assert.Equal(-1f, y[n - 1]);
            }
        });
    }

    [Fact]
    public void ParallelColumnSum_sums_the_last_column_when_inner_is_odd()
    {
        WithTwoThreads(() =>
        {
            int rows = 511, inner = 257; // inner/2 = 128, a multiple of 16; rows*inner >= ParallelElementwise.AddMinLength
            float[] s = Tensor.Ones(rows, inner).Sum(0).ToArray();
            Assert.Equal((float)rows, s[0]);
            Assert.Equal((float)rows, s[inner - 1]);
        });
    }
}
