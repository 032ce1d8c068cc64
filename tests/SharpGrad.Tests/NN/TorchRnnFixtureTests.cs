using System.Text.Json;
using SharpGrad.NN;
using SharpGrad.Tests.Data;

namespace SharpGrad.Tests.NN;

/// <summary>
/// RNN, LSTM and GRU against PyTorch on golden values from <c>tools/make_rnn_fixtures.py</c> (<c>Fixtures/torch_rnn.json</c>):
/// with given weights and initial states, the output, the final states and the gradients of
/// Σ output·w + Σ h_n (+ Σ c_n) with respect to the input, the initial states and every weight. Float32.
/// </summary>
public class TorchRnnFixtureTests
{
    private const double Tol = 1e-4;
    private static readonly Lazy<JsonElement> Fixture = new(() => FixtureSupport.Load("torch_rnn.json"));

    private static Tensor Load(JsonElement e) => FixtureSupport.Float32Tensor(e);

    private static void Match(JsonElement expected, Tensor actual, string what) => FixtureSupport.MatchTensor(expected, actual, Tol, what);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Value.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Fixture.Value.GetProperty("cases").EnumerateArray().First(e => e.GetProperty("name").GetString() == name);
        string kind = c.GetProperty("kind").GetString()!;
        int i = c.GetProperty("input_size").GetInt32(), h = c.GetProperty("hidden_size").GetInt32(), layers = c.GetProperty("num_layers").GetInt32();
        bool bidir = c.GetProperty("bidirectional").GetBoolean(), bf = c.GetProperty("batch_first").GetBoolean();
        RNNBase m = kind switch
        {
            "lstm" => new LSTM(i, h, layers, batchFirst: bf, bidirectional: bidir),
            "gru" => new GRU(i, h, layers, batchFirst: bf, bidirectional: bidir),
            _ => new RNN(i, h, layers, c.GetProperty("nonlinearity").GetString()!, batchFirst: bf, bidirectional: bidir),
        };
        var expectedNames = c.GetProperty("params").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Equal(expectedNames, m.NamedParameters().Select(p => p.Name).ToArray());
        using (Autograd.NoGrad())
            foreach (var (pn, p) in m.NamedParameters()) p.CopyFrom(Load(c.GetProperty("params").GetProperty(pn)));
        var x = Load(c.GetProperty("x")).RequiresGrad_();
        var h0 = Load(c.GetProperty("h0")).RequiresGrad_();
        Tensor? c0 = kind == "lstm" ? Load(c.GetProperty("c0")).RequiresGrad_() : null;
        Tensor output, hn;
        Tensor? cn = null;
        if (m is LSTM lstm) (output, hn, cn) = lstm.Forward(x, h0, c0);
        else if (m is GRU gru) (output, hn) = gru.Forward(x, h0);
        else (output, hn) = ((RNN)m).Forward(x, h0);
        Match(c.GetProperty("output"), output, name + " output");
        Match(c.GetProperty("h_n"), hn, name + " h_n");
        if (cn is not null) Match(c.GetProperty("c_n"), cn, name + " c_n");
        Tensor loss = (output * Load(c.GetProperty("w"))).Sum() + hn.Sum();
        if (cn is not null) loss = loss + cn.Sum();
        loss.Backward();
        Match(c.GetProperty("grad_x"), x.Grad!, name + " grad_x");
        Match(c.GetProperty("grad_h0"), h0.Grad!, name + " grad_h0");
        if (c0 is not null) Match(c.GetProperty("grad_c0"), c0.Grad!, name + " grad_c0");
        foreach (var (pn, p) in m.NamedParameters()) Match(c.GetProperty("grads").GetProperty(pn), p.Grad!, name + " grad " + pn);
    }
}
