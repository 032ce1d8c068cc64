using System.Text.Json;
using SharpGrad.NN;
using SharpGrad.Tests.Data;

namespace SharpGrad.Tests.NN;

/// <summary>
/// Convolution, pooling and BatchNorm2d against PyTorch on golden values from <c>tools/make_conv_fixtures.py</c>
/// (<c>Fixtures/torch_conv.json</c>): outputs and input/weight/bias gradients of F.conv2d configs (stride, padding incl.
/// "same" with an even kernel, dilation, groups, 1×1, H = 1), max/avg/adaptive pooling, BatchNorm2d over two training steps
/// then eval, and the layers' printed forms. Float32; values stored with 7 digits, tolerance 2e-5 relative.
/// </summary>
public class TorchConvFixtureTests
{
    private const double Tol = 2e-5;
    private static readonly Lazy<JsonElement> Fixture = new(() => FixtureSupport.Load("torch_conv.json"));
    private static JsonElement Root => Fixture.Value;

    private static Tensor Load(JsonElement e) => FixtureSupport.Float32Tensor(e);

    private static void Match(JsonElement expected, Tensor actual, string what) => FixtureSupport.MatchTensor(expected, actual, Tol, what);

    private static Size2d Pair(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetInt32() : (e[0].GetInt32(), e[1].GetInt32());

    [Fact]
    public void Conv2dForwardAndGradients()
    {
        foreach (var c in Root.GetProperty("conv2d").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            var x = Load(c.GetProperty("x")).RequiresGrad_();
            var w = Load(c.GetProperty("weight")).RequiresGrad_();
            Tensor? b = c.TryGetProperty("bias", out var be) ? Load(be).RequiresGrad_() : null;
            var p = c.GetProperty("padding");
            Padding2d padding = p.ValueKind == JsonValueKind.String ? p.GetString()! : (p[0].GetInt32(), p[1].GetInt32());
            var y = Functional.Conv2d(x, w, b, Pair(c.GetProperty("stride")), padding, Pair(c.GetProperty("dilation")), c.GetProperty("groups").GetInt32());
            Match(c.GetProperty("y"), y, name + " y");
            (y * Load(c.GetProperty("w"))).Sum().Backward();
            Match(c.GetProperty("grad_x"), x.Grad!, name + " grad_x");
            Match(c.GetProperty("grad_weight"), w.Grad!, name + " grad_weight");
            if (b is not null) Match(c.GetProperty("grad_bias"), b.Grad!, name + " grad_bias");
        }
    }

    [Fact]
    public void PoolingForwardAndGradients()
    {
        foreach (var c in Root.GetProperty("pool").EnumerateArray())
        {
            string name = c.GetProperty("name").GetString()!;
            var a = c.GetProperty("args");
            bool Flag(string key) => a.TryGetProperty(key, out var v) && v.GetBoolean();
            Size2d? Opt(string key) => a.TryGetProperty(key, out var v) ? Pair(v) : null;
            var x = Load(c.GetProperty("x")).RequiresGrad_();
            Tensor y = c.GetProperty("kind").GetString() switch
            {
                "max" => Functional.MaxPool2d(x, Pair(a.GetProperty("kernel_size")), Opt("stride"), Opt("padding"), Opt("dilation"), Flag("ceil_mode")),
                "avg" => Functional.AvgPool2d(x, Pair(a.GetProperty("kernel_size")), Opt("stride"), Opt("padding"), Flag("ceil_mode"),
                    !a.TryGetProperty("count_include_pad", out var cip) || cip.GetBoolean()),
                _ => Functional.AdaptiveAvgPool2d(x, Pair(a.GetProperty("output_size"))),
            };
            Match(c.GetProperty("y"), y, name + " y");
            (y * Load(c.GetProperty("w"))).Sum().Backward();
            Match(c.GetProperty("grad_x"), x.Grad!, name + " grad_x");
        }
    }

    [Fact]
    public void BatchNorm2dTrainThenEval()
    {
        foreach (var c in Root.GetProperty("batchnorm2d").EnumerateArray())
            FixtureSupport.CheckBatchNormCase(c, new BatchNorm2d(c.GetProperty("num_features").GetInt32(), momentum: c.GetProperty("momentum").GetDouble()), Tol);
    }

    [Fact]
    public void PrintedFormsMatchPyTorch()
    {
        var r = Root.GetProperty("repr");
        Assert.Equal(r.GetProperty("conv_default").GetString(), new Conv2d(1, 32, 3).ToString());
        Assert.Equal(r.GetProperty("conv_full").GetString(), new Conv2d(4, 6, (3, 2), stride: 2, padding: (1, 0), dilation: (1, 2), groups: 2, bias: false).ToString());
        Assert.Equal(r.GetProperty("conv_same").GetString(), new Conv2d(3, 3, 3, padding: "same").ToString());
        Assert.Equal(r.GetProperty("maxpool").GetString(), new MaxPool2d(2).ToString());
        Assert.Equal(r.GetProperty("avgpool").GetString(), new AvgPool2d(3, 2, 1).ToString());
        Assert.Equal(r.GetProperty("adaptive").GetString(), new AdaptiveAvgPool2d(1).ToString());
        Assert.Equal(r.GetProperty("batchnorm2d").GetString(), new BatchNorm2d(64).ToString());
        Assert.Equal(r.GetProperty("dropout2d").GetString(), new Dropout2d(0.25).ToString());
    }
}
