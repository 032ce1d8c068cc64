namespace SharpGrad.Tests.AutogradEngine;

public class GradCheckTableTests
{
    public static TheoryData<int, string> CaseIndices()
    {
        var data = new TheoryData<int, string>();
        var cases = GradCheckSuite.Cases();
        for (int i = 0; i < cases.Count; i++) data.Add(i, cases[i].ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void AnalyticGradientMatchesFiniteDifferences(int index, string name)
    {
        var c = GradCheckSuite.Cases()[index];
        Assert.Equal(name, c.ToString());
        var result = GradCheckSuite.Run(c);
        Assert.True(result.Passed, $"{name}: {result.Message}");
    }

    [Fact]
    public void EveryDifferentiableOpOfTheFoundationIsInTheTable()
    {
        var ops = GradCheckSuite.Cases().Select(c => c.Op).ToHashSet();
        string[] required =
        [
            "Add", "Sub", "Mul", "Div", "Neg", "Pow", "Exp", "Log", "Sqrt", "Abs", "Clamp", "Maximum", "Minimum", "Where",
            "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "Softmax", "LogSoftmax", "Sum", "Mean", "Max", "Min", "Var",
            "MatMul", "Linear", "Concat", "Stack", "Split", "Chunk", "IndexSelect", "Gather", "Embedding", "MaskedFill", "Dropout",
            "Reshape", "Transpose", "Permute", "Squeeze", "Unsqueeze", "Narrow", "Slice", "Expand", "Contiguous",
            "MseLoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
            "Conv2d", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "Dropout2d", "BatchNorm", "LayerNorm",
            "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell",
            "ScaledDotProductAttention", "MultiHeadAttention",
        ];
        var missing = required.Where(r => !ops.Contains(r)).ToList();
        Assert.True(missing.Count == 0, "missing from the table: " + string.Join(", ", missing));
    }

    [Fact]
    public void GradCheckDetectsAWrongGradient()
    {
        // x·sign-flipped backward: build y = x * c where c is a detached copy of x → analytic grad is c, true grad is 2x.
        var result = GradCheck.Check(x => x[0] * x[0].Detach(), [Tensor.FromArray(new double[] { 1, 2, 3 }, 3)]);
        Assert.False(result.Passed);
        Assert.True(result.MaxAbsError > 0.5);
    }
}
