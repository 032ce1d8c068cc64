using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public class DataLoaderTests
{
    /// <summary>10 samples: inputs (10, 2) with row i = (i, 10 i), targets Int64 i.</summary>
    private static TensorDataset Numbered(int n = 10)
    {
        var x = new float[n * 2];
        var y = new long[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = i;
            x[(2 * i) + 1] = 10 * i;
            y[i] = i;
        }

        return new TensorDataset(Tensor.FromArray(x, n, 2), Tensor.FromArray(y));
    }

    /// <summary>A data set without a batch path, to exercise stacking.</summary>
    private sealed class PerSample(int n) : IDataset
    {
        public int Count => n;

        public (Tensor Input, Tensor Target) Get(int index) =>
            (Tensor.FromArray(new float[] { index, 10 * index }), Tensor.Scalar(index, DType.Int64));
    }

    private static long[] Order(IEnumerable<Batch> epoch) => epoch.SelectMany(b => b.Targets.ToArray<long>()).ToArray();

    [Fact]
    public void TensorDatasetGetsRowsAndBatches()
    {
        TensorDataset d = Numbered();
        Assert.Equal(10, d.Count);
        (Tensor x, Tensor y) = d.Get(3);
        Assert.Equal([2], x.ShapeArray);
        Assert.Equal([3f, 30f], x.ToArray());
        Assert.Equal(0, y.Rank);
        Assert.Equal(3, y.Item());

        (Tensor xs, Tensor ys) = d.GetBatch([7, 1, 7]);
        Assert.Equal([3, 2], xs.ShapeArray);
        Assert.Equal([7f, 70f, 1f, 10f, 7f, 70f], xs.ToArray());
        Assert.Equal([7L, 1L, 7L], ys.ToArray<long>());
        Assert.Equal(DType.Int64, ys.DType);
    }

    [Fact]
    public void TensorDatasetRejectsMismatchedFirstDimensions()
    {
        var e = Assert.Throws<ShapeMismatchException>(() => new TensorDataset(Tensor.Zeros(5, 3), Tensor.Zeros(4)));
        Assert.Contains("5 samples", e.Message);
        Assert.Contains("4", e.Message);
        Assert.Throws<ShapeMismatchException>(() => new TensorDataset(Tensor.Scalar(1), Tensor.Zeros(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered().GetBatch([10]));
    }

    [Fact]
    public void TensorDatasetWorksOnNonContiguousInputsAndDetaches()
    {
        Tensor x = Tensor.FromArray(new float[] { 0, 1, 2, 3, 4, 5 }, 2, 3).Transpose(0, 1).RequiresGrad_(); // (3, 2)
        var d = new TensorDataset(x, Tensor.FromArray(new long[] { 0, 1, 2 }));
        (Tensor xs, _) = d.GetBatch([2, 0]);
        Assert.Equal([2f, 5f, 0f, 3f], xs.ToArray());
        Assert.False(xs.RequiresGrad);
    }

    [Fact]
    public void SubsetMapsIndicesAndKeepsTheBatchPath()
    {
        var s = new Subset(Numbered(), [9, 4, 2]);
        Assert.Equal(3, s.Count);
        Assert.Equal(4, s.Get(1).Target.Item());
        (Tensor xs, Tensor ys) = s.GetBatch([2, 0]);
        Assert.Equal([2L, 9L], ys.ToArray<long>());
        Assert.Equal([2f, 20f, 9f, 90f], xs.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new Subset(Numbered(), [10]));
    }

    [Theory]
    [InlineData(10, 3, false, 4, new[] { 3, 3, 3, 1 })]
    [InlineData(10, 3, true, 3, new[] { 3, 3, 3 })]
    [InlineData(9, 3, false, 3, new[] { 3, 3, 3 })]
    [InlineData(2, 5, false, 1, new[] { 2 })]
    [InlineData(2, 5, true, 0, new int[0])]
    public void BatchCountsFollowPyTorch(int n, int batch, bool dropLast, int expectedBatches, int[] sizes)
    {
        var loader = new DataLoader(Numbered(n), batch, dropLast: dropLast);
        Assert.Equal(expectedBatches, loader.BatchesPerEpoch);
        Assert.Equal(sizes, loader.Select(b => b.Size).ToArray());
    }

    [Fact]
    public void WithoutShuffleBatchesAreInOrder()
    {
        var loader = new DataLoader(Numbered(), 4);
        Batch[] batches = loader.ToArray();
        Assert.Equal([4, 2], batches[0].Inputs.ShapeArray);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), Order(batches));
        Assert.Equal(Order(loader), Order(loader));
    }

    [Fact]
    public void ShuffleIsSeededAndReshufflesEveryEpoch()
    {
        var a = new DataLoader(Numbered(50), 8, shuffle: true, seed: 7);
        var b = new DataLoader(Numbered(50), 8, shuffle: true, seed: 7);
        var c = new DataLoader(Numbered(50), 8, shuffle: true, seed: 8);
        long[] a0 = Order(a), a1 = Order(a), b0 = Order(b), b1 = Order(b), c0 = Order(c);
        Assert.Equal(a0, b0);
        Assert.Equal(a1, b1);
        Assert.NotEqual(a0, a1);
        Assert.NotEqual(a0, c0);
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a0.Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a1.Order());

        // Replaying an epoch: setting Epoch reproduces its order.
        a.Epoch = 1;
        Assert.Equal(a1, Order(a));
        Assert.Equal(2, a.Epoch);
    }

    [Fact]
    public void InputsStayPairedWithTargetsWhenShuffled()
    {
        foreach (Batch batch in new DataLoader(Numbered(20), 6, shuffle: true, seed: 1))
        {
            float[] x = batch.Inputs.ToArray();
            long[] y = batch.Targets.ToArray<long>();
            for (int i = 0; i < y.Length; i++)
            {
                Assert.Equal(y[i], (long)x[2 * i]);
                Assert.Equal(10 * y[i], (long)x[(2 * i) + 1]);
            }
        }
    }

    [Fact]
    public void DatasetsWithoutABatchPathAreStacked()
    {
        var loader = new DataLoader(new PerSample(5), 2, shuffle: true, seed: 3);
        Batch[] batches = loader.ToArray();
        Assert.Equal(3, batches.Length);
        Assert.Equal([2, 2], batches[0].Inputs.ShapeArray);
        Assert.Equal([2], batches[0].Targets.ShapeArray);
        Assert.Equal([1], batches[2].Targets.ShapeArray);
        long[] order = batches.SelectMany(b => b.Targets.ToArray<long>()).ToArray();
        Assert.Equal([0L, 1, 2, 3, 4], order.Order());

        // Same seed and data set size: the same order as the batch path.
        Assert.Equal(order, Order(new DataLoader(Numbered(5), 2, shuffle: true, seed: 3)));
    }

    [Fact]
    public void TransformIsAppliedToEveryBatch()
    {
        var loader = new DataLoader(Numbered(), 5, transform: b => b with { Inputs = b.Inputs * 2 });
        Assert.Equal([0f, 0f, 2f, 20f], loader.First().Inputs.ToArray()[..4]);
    }

    [Fact]
    public void RejectsBadBatchSize()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(), 0));
    }
}
