using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests.NN;

/// <summary>The char-lstm snippet of docs/sequence.md, verbatim, runs (and its comments hold).</summary>
public class SequenceDocsSnippetTests
{
    [Fact]
    public void RecurrentLanguageModelSnippetRuns()
    {
        var options = RecurrentLanguageModelOptions.W4 with { VocabSize = 11 };      // embedding 64 → LSTM 256 → head
        var model = new RecurrentLanguageModel(options, new Generator(0));
        var optimizer = new Adam(model.Parameters(), lr: 2e-3);
        Tensor ids = Tensor.RandInt(0, 11, [4, 33], new Generator(1));
        Tensor x = ids.Narrow(1, 0, 32).Contiguous(), y = ids.Narrow(1, 1, 32).Contiguous();
        for (int step = 0; step < 5; step++)
        {
            optimizer.ZeroGrad();
            Tensor loss = Losses.CrossEntropy(model.Forward(x).Reshape(-1, 11), y.Reshape(-1));
            loss.Backward();
            optimizer.Step();
        }
        var (first, state) = model.Forward(x.Narrow(1, 0, 16).Contiguous(), null);          // state.H, state.C: (1, 4, 256)
        var (rest, next) = model.Forward(x.Narrow(1, 16, 16).Contiguous(), state.Detach()); // = positions 16…31 of model.Forward(x)
        long[] greedy = model.Generate([1, 2, 3], 20);                                       // prompt once, then one token at a time
        long[] sampled = model.Generate([1, 2, 3], 20, new GenerationOptions(Temperature: 0.8, Seed: 42));

        Assert.Equal([1, 4, 256], state.H.ShapeArray);
        Assert.Equal([1, 4, 256], state.C!.ShapeArray);
        Assert.Equal([4, 16, 11], first.ShapeArray);
        Assert.True(model.Forward(x).Narrow(1, 16, 16).Sub(rest).Abs().Max().Item() < 1e-5);
        Assert.NotNull(next.C);
        Assert.Equal(23, greedy.Length);
        Assert.Equal(23, sampled.Length);
    }
}
