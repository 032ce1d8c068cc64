using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>
/// Keras-style layer contract, one row per layer: output shape, trainable and non-trainable element counts, and a
/// StateDict round trip (save from one instance, load into a freshly built one with another seed, identical outputs).
/// Behaviour and hand-computed values per layer follow below the table.
/// </summary>
public class LayerContractTests
{
    /// <summary>One layer's contract.</summary>
    public sealed record Contract(string Name, Func<Generator, Module> Build, Func<Generator, Tensor> Input, int[] OutputShape, long Trainable, long NonTrainable)
    {
        public override string ToString() => Name;
    }

    private static readonly Contract[] Table =
    [
        new("Linear", g => new Linear(4, 3, generator: g), g => Tensor.Randn([2, 4], g), [2, 3], 15, 0),
        new("Linear no bias, 3-D input", g => new Linear(4, 3, bias: false, generator: g), g => Tensor.Randn([2, 5, 4], g), [2, 5, 3], 12, 0),
        new("ReLU", _ => new ReLU(), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("LeakyReLU", _ => new LeakyReLU(0.2), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("Sigmoid", _ => new Sigmoid(), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("Tanh", _ => new Tanh(), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("GELU", _ => new GELU("tanh"), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("Softmax", _ => new Softmax(-1), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("Dropout", g => new Dropout(0.3, g), g => Tensor.Randn([2, 4], g), [2, 4], 0, 0),
        new("BatchNorm1d (N,C)", _ => new BatchNorm1d(3), g => Tensor.Randn([5, 3], g), [5, 3], 6, 7),
        new("BatchNorm1d (N,C,L)", _ => new BatchNorm1d(3, momentum: null), g => Tensor.Randn([4, 3, 5], g), [4, 3, 5], 6, 7),
        new("BatchNorm1d no affine, no stats", _ => new BatchNorm1d(3, affine: false, trackRunningStats: false), g => Tensor.Randn([5, 3], g), [5, 3], 0, 0),
        new("LayerNorm", _ => new LayerNorm([3, 4]), g => Tensor.Randn([2, 3, 4], g), [2, 3, 4], 24, 0),
        new("Embedding", g => new Embedding(10, 4, paddingIdx: 0, generator: g), g => Tensor.RandInt(0, 10, [2, 3], g), [2, 3, 4], 40, 0),
        new("Flatten", _ => new Flatten(), g => Tensor.Randn([2, 3, 4], g), [2, 12], 0, 0),
        new("Sequential", g => new Sequential(new Linear(4, 8, generator: g), new BatchNorm1d(8), new GELU(), new Dropout(0.2, g), new Linear(8, 2, generator: g)),
            g => Tensor.Randn([6, 4], g), [6, 2], 40 + 16 + 18, 17),
        new("Conv2d 3x3 padding 1", g => new Conv2d(3, 4, 3, padding: 1, generator: g), g => Tensor.Randn([2, 3, 5, 6], g), [2, 4, 5, 6], 4 * 3 * 9 + 4, 0),
        new("Conv2d (3,2) stride 2, dilation (1,2), groups 2, no bias", g => new Conv2d(4, 6, (3, 2), stride: 2, dilation: (1, 2), groups: 2, bias: false, generator: g),
            g => Tensor.Randn([2, 4, 7, 9], g), [2, 6, 3, 4], 6 * 2 * 3 * 2, 0),
        new("Conv2d same, unbatched", g => new Conv2d(2, 3, (2, 4), padding: "same", generator: g), g => Tensor.Randn([2, 5, 6], g), [3, 5, 6], 3 * 2 * 8 + 3, 0),
        new("MaxPool2d", _ => new MaxPool2d(2), g => Tensor.Randn([2, 3, 5, 6], g), [2, 3, 2, 3], 0, 0),
        new("AvgPool2d", _ => new AvgPool2d(3, 2, 1), g => Tensor.Randn([2, 3, 5, 6], g), [2, 3, 3, 3], 0, 0),
        new("AdaptiveAvgPool2d", _ => new AdaptiveAvgPool2d((2, 3)), g => Tensor.Randn([2, 3, 5, 7], g), [2, 3, 2, 3], 0, 0),
        new("BatchNorm2d", _ => new BatchNorm2d(3), g => Tensor.Randn([4, 3, 2, 2], g), [4, 3, 2, 2], 6, 7),
        new("Dropout2d", g => new Dropout2d(0.3, g), g => Tensor.Randn([2, 3, 4, 4], g), [2, 3, 4, 4], 0, 0),
        new("W3 CNN", g => new Sequential(new Conv2d(1, 32, 3, generator: g), new ReLU(), new MaxPool2d(2), new Conv2d(32, 64, 3, generator: g), new ReLU(),
                new MaxPool2d(2), new Flatten(), new Linear(1600, 128, generator: g), new ReLU(), new Linear(128, 10, generator: g)),
            g => Tensor.Randn([2, 1, 28, 28], g), [2, 10], 320 + 18496 + 204928 + 1290, 0),
        new("RNN tanh 2 layers", g => new RNN(3, 4, numLayers: 2, generator: g), g => Tensor.Randn([5, 2, 3], g), [5, 2, 4], (12 + 16 + 8) + (16 + 16 + 8), 0),
        new("LSTM bidirectional batch_first", g => new LSTM(3, 4, bidirectional: true, batchFirst: true, generator: g), g => Tensor.Randn([2, 5, 3], g), [2, 5, 8], 2 * (48 + 64 + 32), 0),
        new("LSTM 2 layers, dropout, unbatched", g => new LSTM(3, 4, numLayers: 2, dropout: 0.5, generator: g), g => Tensor.Randn([5, 3], g), [5, 4], (48 + 64 + 32) + (64 + 64 + 32), 0),
        new("GRU 2 layers bidirectional", g => new GRU(3, 4, numLayers: 2, bidirectional: true, generator: g), g => Tensor.Randn([5, 2, 3], g), [5, 2, 8], 2 * (36 + 48 + 24) + 2 * (96 + 48 + 24), 0),
        new("GRU no bias", g => new GRU(3, 4, bias: false, generator: g), g => Tensor.Randn([5, 2, 3], g), [5, 2, 4], 36 + 48, 0),
        new("RNNCell relu", g => new RNNCell(3, 4, nonlinearity: "relu", generator: g), g => Tensor.Randn([2, 3], g), [2, 4], 12 + 16 + 8, 0),
        new("LSTMCell", g => new LSTMCell(3, 4, generator: g), g => Tensor.Randn([2, 3], g), [2, 4], 48 + 64 + 32, 0),
        new("GRUCell unbatched", g => new GRUCell(3, 4, generator: g), g => Tensor.Randn([3], g), [4], 36 + 48 + 24, 0),
    ];

    public static TheoryData<Contract> Contracts()
    {
        var data = new TheoryData<Contract>();
        foreach (var c in Table) data.Add(c);
        return data;
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void OutputShape(Contract c)
    {
        var layer = c.Build(new Generator(1));
        Assert.Equal(c.OutputShape, layer.Forward(c.Input(new Generator(2))).ShapeArray);
        layer.Eval();
        Assert.Equal(c.OutputShape, layer.Forward(c.Input(new Generator(3))).ShapeArray);
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void ParameterCounts(Contract c)
    {
        var layer = c.Build(new Generator(1));
        Assert.Equal(c.Trainable, layer.ParameterCount(trainableOnly: true));
        Assert.Equal(c.NonTrainable, layer.Buffers().Sum(b => (long)b.Numel) + layer.ParameterCount() - layer.ParameterCount(trainableOnly: true));
        Assert.All(layer.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.All(layer.Buffers(), b => Assert.False(b.RequiresGrad));
    }

    [Theory]
    [MemberData(nameof(Contracts))]
    public void StateDictRoundTrip(Contract c)
    {
        var source = c.Build(new Generator(1));
        source.Forward(c.Input(new Generator(4)));  // training step: moves running statistics where there are any
        source.Forward(c.Input(new Generator(5)));
        var saved = source.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var fresh = c.Build(new Generator(99));
        fresh.LoadStateDict(saved);
        source.Eval();
        fresh.Eval();
        var x = c.Input(new Generator(6));
        Assert.Equal(source.Forward(x).ToArray(), fresh.Forward(x).ToArray());
        Assert.Equal(source.StateDict().Keys, fresh.StateDict().Keys);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Hand-computed forward values

    private static Tensor T(params float[] v) => Tensor.FromArray(v);

    private static void Close(double[] expected, Tensor actual, double tol = 1e-6)
    {
        var a = actual.To(DType.Float64).ToArray<double>();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(expected[i] - a[i]) <= tol, $"[{i}] expected {expected[i]}, got {a[i]}");
    }

    [Fact]
    public void ActivationsHandValues()
    {
        Close([0, 0, 2], new ReLU().Forward(T(-1, 0, 2)));
        Close([-0.2, 3], new LeakyReLU(0.1).Forward(T(-2, 3)));
        Close([-0.02, 3], new LeakyReLU().Forward(T(-2, 3)));
        Close([0.5, 0.75], new Sigmoid().Forward(T(0, (float)Math.Log(3))));
        Close([0, 0.6], new Tanh().Forward(T(0, (float)Math.Log(2))));
        Close([0, 0.8413447460685429, -0.15865525393145707], new GELU().Forward(T(0, 1, -1)));
        double k = Math.Sqrt(2 / Math.PI);
        Close([0.5 * (1 + Math.Tanh(k * 1.044715))], new GELU("tanh").Forward(T(1)));
        Close([0.25, 0.75, 0.5, 0.5], new Softmax(1).Forward(Tensor.FromArray(new float[] { 0, (float)Math.Log(3), 7, 7 }, 2, 2)));
        Close([0.5, 0.5, 0.5, 0.5], new Softmax(0).Forward(Tensor.FromArray(new float[] { 1, 2, 1, 2 }, 2, 2)));
        Assert.Throws<ArgumentException>(() => new GELU("erf"));
    }

    [Fact]
    public void FlattenKeepsTheBatchDimAndValues()
    {
        var x = Tensor.Arange(24).Reshape(2, 3, 4);
        var y = new Flatten().Forward(x);
        Assert.Equal([2, 12], y.ShapeArray);
        Assert.Equal(x.ToArray(), y.ToArray());
        Assert.Equal([6, 4], new Flatten(0, 1).Forward(x).ShapeArray);
    }

    [Fact]
    public void LinearInitIsTheSameDrawSequenceAsBefore()
    {
        double b = 1 / Math.Sqrt(3);
        var g = new Generator(5);
        var expectedW = Tensor.Uniform([2, 3], -b, b, g);
        var expectedB = Tensor.Uniform([2], -b, b, g);
        var layer = new Linear(3, 2, generator: new Generator(5));
        Assert.Equal(expectedW.ToArray(), layer.Weight.ToArray());
        Assert.Equal(expectedB.ToArray(), layer.Bias!.ToArray());
    }

    [Fact]
    public void LayerNormHandValues()
    {
        // [1, 2, 3]: mean 2, biased var 2/3 ⇒ (x − 2)/√(2/3 + ε)
        var ln = new LayerNorm(3);
        double s = Math.Sqrt(2.0 / 3 + 1e-5);
        Close([-1 / s, 0, 1 / s, -1 / s, 0, 1 / s], ln.Forward(Tensor.FromArray(new float[] { 1, 2, 3, 10, 20, 30 }, 2, 3)), 1e-5); // scale-invariant rows
        using (Autograd.NoGrad())
        {
            ln.Weight!.CopyFrom(T(2, 2, 2));
            ln.Bias!.CopyFrom(T(1, 0, -1));
        }
        Close([1 - 2 / s, 0, -1 + 2 / s], ln.Forward(T(1, 2, 3)), 1e-5);
        Assert.Throws<ShapeMismatchException>(() => ln.Forward(Tensor.Zeros(2, 4)));
    }

    [Fact]
    public void EmbeddingLooksUpRowsAndPaddingRowGetsNoGradient()
    {
        var emb = new Embedding(4, 2, paddingIdx: 1, generator: new Generator(3));
        Assert.Equal([0f, 0f], emb.Weight.Narrow(0, 1, 1).Reshape(2).ToArray()); // padding row starts at zero
        using (Autograd.NoGrad()) emb.Weight.CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 4, 2));
        var ids = Tensor.FromArray(new long[] { 2, 1, 2, 0 }, 2, 2);
        var y = emb.Forward(ids);
        Assert.Equal([2, 2, 2], y.ShapeArray);
        Assert.Equal([5f, 6f, 3f, 4f, 5f, 6f, 1f, 2f], y.ToArray()); // the padding row's current values are returned
        y.Sum().Backward();
        Assert.Equal([1f, 1f, 0f, 0f, 2f, 2f, 0f, 0f], emb.Weight.Grad!.ToArray());
        Assert.Equal(1, new Embedding(4, 2, paddingIdx: -3).PaddingIdx);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(4, 2, paddingIdx: 4));
        Assert.Throws<DTypeMismatchException>(() => emb.Forward(Tensor.Zeros(2)));
    }

    [Fact]
    public void EmbeddingInitIsStandardNormal()
    {
        var w = new Embedding(1000, 16, generator: new Generator(8)).Weight.To(DType.Float64).ToArray<double>();
        double mean = w.Average(), std = Math.Sqrt(w.Select(v => (v - mean) * (v - mean)).Average());
        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(std, 0.98, 1.02);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Train/eval behaviour

    [Fact]
    public void Dropout2dZeroesWholeChannelsInTrainingAndIsIdentityInEval()
    {
        var drop = new Dropout2d(0.5, new Generator(4));
        var x = Tensor.Ones(8, 50, 3, 3);
        var first = drop.Forward(x);
        var y = first.Reshape(400, 9).To(DType.Float64).ToArray<double>();
        int zeroed = 0;
        for (int ch = 0; ch < 400; ch++)
        {
            var row = y.Skip(ch * 9).Take(9).ToArray();
            Assert.True(row.All(v => v == 0) || row.All(v => v == 2), "each channel is dropped or kept as a whole");
            if (row[0] == 0) zeroed++;
        }
        Assert.InRange(zeroed / 400.0, 0.4, 0.6);
        Assert.Equal(first.ToArray(), new Dropout2d(0.5, new Generator(4)).Forward(x).ToArray()); // seeded
        drop.Eval();
        Assert.Same(x, drop.Forward(x));
        Assert.Equal("Dropout2d(p=0.5, inplace=False)", drop.ToString());
    }

    [Fact]
    public void BatchNorm2dUsesBatchStatisticsInTrainingAndRunningStatisticsInEval()
    {
        var bn = new BatchNorm2d(2);
        var x = Tensor.Randn([4, 2, 3, 3], new Generator(1)).MulScalar(3).AddScalar(1);
        var y = bn.Forward(x);
        // training: each channel of the output has mean 0 and (biased) variance 1 over N, H, W
        var ym = y.Mean([0, 2, 3]).To(DType.Float64).ToArray<double>();
        var yv = y.Var([0, 2, 3], correction: 0).To(DType.Float64).ToArray<double>();
        Assert.All(ym, m => Assert.InRange(m, -1e-5, 1e-5));
        Assert.All(yv, v => Assert.InRange(v, 1 - 1e-3, 1 + 1e-3));
        var mean = x.Mean([0, 2, 3]).To(DType.Float64).ToArray<double>();
        var unbiased = x.Var([0, 2, 3]).To(DType.Float64).ToArray<double>();
        Close([0.1 * mean[0], 0.1 * mean[1]], bn.RunningMean!, 1e-5);
        Close([0.9 + 0.1 * unbiased[0], 0.9 + 0.1 * unbiased[1]], bn.RunningVar!, 1e-4);
        Assert.Equal(1.0, bn.NumBatchesTracked!.Item());
        bn.Eval();
        var e = bn.Forward(x);
        var expected = (x - bn.RunningMean!.Reshape(2, 1, 1)) / (bn.RunningVar!.Reshape(2, 1, 1) + 1e-5).Sqrt();
        Close(expected.To(DType.Float64).ToArray<double>(), e, 1e-5);
        Assert.Equal(1.0, bn.NumBatchesTracked!.Item()); // eval does not count batches
        Assert.Equal("BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)", bn.ToString());
        Assert.Throws<ShapeMismatchException>(() => bn.Forward(Tensor.Zeros(2, 2, 3)));
    }

    [Fact]
    public void ConvolutionAndPoolingReprsMatchPyTorch()
    {
        Assert.Equal("Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1))", new Conv2d(1, 32, 3).ToString());
        Assert.Equal("Conv2d(4, 6, kernel_size=(3, 2), stride=(2, 2), padding=(1, 0), dilation=(1, 2), groups=2, bias=False)",
            new Conv2d(4, 6, (3, 2), stride: 2, padding: (1, 0), dilation: (1, 2), groups: 2, bias: false).ToString());
        Assert.Equal("Conv2d(3, 3, kernel_size=(3, 3), stride=(1, 1), padding=same)", new Conv2d(3, 3, 3, padding: "same").ToString());
        Assert.Equal("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)", new MaxPool2d(2).ToString());
        Assert.Equal("AvgPool2d(kernel_size=3, stride=2, padding=1)", new AvgPool2d(3, 2, 1).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=1)", new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal("AdaptiveAvgPool2d(output_size=(2, 3))", new AdaptiveAvgPool2d((2, 3)).ToString());
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, groups: 2));
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 3, 3, stride: 2, padding: "same"));
        Assert.Throws<ShapeMismatchException>(() => new Conv2d(3, 4, 3).Forward(Tensor.Zeros(1, 2, 5, 5)));
        Assert.Throws<ShapeMismatchException>(() => new Conv2d(1, 1, 5).Forward(Tensor.Zeros(1, 1, 3, 3)));
    }

    [Fact]
    public void Conv2dInitIsUniformOverOneOverRootFanIn()
    {
        var conv = new Conv2d(8, 16, (3, 2), groups: 2, generator: new Generator(2));
        double bound = 1 / Math.Sqrt(4 * 3 * 2);
        var w = conv.Weight.To(DType.Float64).ToArray<double>();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.9 * bound && w.Min() < -0.9 * bound);
        var g = new Generator(2);
        Assert.Equal(Tensor.Uniform([16, 4, 3, 2], -bound, bound, g).ToArray(), conv.Weight.ToArray());
        Assert.Equal(Tensor.Uniform([16], -bound, bound, g).ToArray(), conv.Bias!.ToArray());
    }

    [Fact]
    public void DropoutScalesInTrainingAndIsIdentityInEval()
    {
        var drop = new Dropout(0.5, new Generator(12));
        var x = Tensor.Ones(10_000);
        var y = drop.Forward(x).ToArray();
        Assert.All(y, v => Assert.True(v == 0f || v == 2f));          // kept values scaled by 1/(1 − p)
        Assert.InRange(y.Count(v => v == 0f) / 10_000.0, 0.48, 0.52);
        drop.Eval();
        Assert.Same(x, drop.Forward(x));
        drop.Train();
        var again = drop.Forward(x).ToArray();
        Assert.NotEqual(y, again);                                     // a new mask per call
        Assert.Equal(new Dropout(0.5, new Generator(12)).Forward(x).ToArray(), y); // seeded
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1.5));
    }

    [Fact]
    public void DropoutGradientFlowsOnlyThroughKeptElements()
    {
        var x = Tensor.Ones(100).RequiresGrad_();
        var y = new Dropout(0.25, new Generator(3)).Forward(x);
        y.Sum().Backward();
        Assert.Equal(y.ToArray(), x.Grad!.ToArray()); // d(sum)/dx = mask·1/(1 − p) = y for x = 1
    }

    [Fact]
    public void BatchNormTrainingUsesBatchStatisticsAndUpdatesRunningStats()
    {
        // One channel, batch [1, 2, 3, 6]: mean 3, biased var 3.5, unbiased var 14/3.
        var bn = new BatchNorm1d(1);
        var x = Tensor.FromArray(new float[] { 1, 2, 3, 6 }, 4, 1);
        double s = Math.Sqrt(3.5 + 1e-5);
        Close([-2 / s, -1 / s, 0, 3 / s], bn.Forward(x), 1e-5);
        Close([0.3], bn.RunningMean!);                         // 0.9·0 + 0.1·3
        Close([0.9 + 0.1 * 14 / 3], bn.RunningVar!, 1e-6);     // 0.9·1 + 0.1·14/3 (unbiased)
        Assert.Equal(1.0, bn.NumBatchesTracked!.Item());
        bn.Forward(x);
        Close([0.57], bn.RunningMean!, 1e-6);                  // 0.9·0.3 + 0.3
        Close([0.9 * (0.9 + 0.1 * 14 / 3) + 0.1 * 14 / 3], bn.RunningVar!, 1e-6);
        Assert.Equal(2.0, bn.NumBatchesTracked!.Item());

        bn.Eval();
        double rv = 0.9 * (0.9 + 0.1 * 14 / 3) + 0.1 * 14 / 3;
        Close([(1 - 0.57) / Math.Sqrt(rv + 1e-5), (6 - 0.57) / Math.Sqrt(rv + 1e-5)], bn.Forward(Tensor.FromArray(new float[] { 1, 6 }, 2, 1)), 1e-5);
        Close([0.57], bn.RunningMean!, 1e-6);                  // eval does not update
        Assert.Equal(2.0, bn.NumBatchesTracked!.Item());
    }

    [Fact]
    public void BatchNormWithMomentumNoneIsACumulativeAverage()
    {
        var bn = new BatchNorm1d(1, momentum: null);
        bn.Forward(Tensor.FromArray(new float[] { 1, 5 }, 2, 1)); // mean 3
        bn.Forward(Tensor.FromArray(new float[] { 4, 6 }, 2, 1)); // mean 5
        Close([4], bn.RunningMean!, 1e-6);
        Close([(8.0 + 2.0) / 2], bn.RunningVar!, 1e-6);           // unbiased vars 8 and 2
    }

    [Fact]
    public void BatchNormAffineAnd3DInput()
    {
        var bn = new BatchNorm1d(2);
        using (Autograd.NoGrad())
        {
            bn.Weight!.CopyFrom(T(2, 1));
            bn.Bias!.CopyFrom(T(0, 10));
        }
        // (N=1, C=2, L=2): channel 0 = [0, 2] (mean 1, var 1), channel 1 = [5, 5] (var 0)
        var y = bn.Forward(Tensor.FromArray(new float[] { 0, 2, 5, 5 }, 1, 2, 2));
        double s = Math.Sqrt(1 + 1e-5);
        Close([-2 / s, 2 / s, 10, 10], y, 1e-5);
        Close([0.1, 0.5], bn.RunningMean!, 1e-6);
        Close([0.9 + 0.1 * 2, 0.9], bn.RunningVar!, 1e-6);        // unbiased over N·L = 2 values
        Assert.Throws<ArgumentException>(() => bn.Forward(Tensor.Zeros(1, 2)));           // one value per channel in training
        Assert.Throws<ShapeMismatchException>(() => bn.Forward(Tensor.Zeros(4, 3)));
    }

    [Fact]
    public void FrozenBatchNormStillFollowsTheModeNotTrainability()
    {
        var bn = new BatchNorm1d(1);
        bn.Weight!.RequiresGrad = false;
        bn.Bias!.RequiresGrad = false;
        var x = Tensor.FromArray(new float[] { 1, 3 }, 2, 1);
        Close([-1, 1], bn.Forward(x), 1e-4);                // training: batch statistics even though frozen
        bn.Eval();
        Close([(1 - 0.2) / Math.Sqrt(0.9 + 0.2 + 1e-5), (3 - 0.2) / Math.Sqrt(0.9 + 0.2 + 1e-5)], bn.Forward(x), 1e-5); // running stats
    }
}
