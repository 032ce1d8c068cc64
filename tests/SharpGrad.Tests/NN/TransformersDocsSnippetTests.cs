using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests.NN;

/// <summary>The snippet of docs/transformers.md, verbatim, runs.</summary>
public class TransformersDocsSnippetTests
{
    [Fact]
    public void GptSnippetRuns()
    {
        var options = new GptOptions(VocabSize: 11, ContextLength: 32, Layers: 2, Heads: 2, Width: 16);
        var model = new Gpt(options, new Generator(0));
        var optimizer = new AdamW(model.Parameters(), lr: 3e-3);
        var ids = Tensor.RandInt(0, 11, [4, 32], new Generator(1));
        for (int step = 0; step < 10; step++)
        {
            optimizer.ZeroGrad();
            Tensor logits = model.Forward(ids);                                  // (B, T, V)
            Tensor loss = Losses.CrossEntropy(logits.View(4 * 32, 11), ids.View(4 * 32));
            loss.Backward();
            optimizer.Step();
        }
        long[] greedy = model.Generate([1, 2, 3], 20);                                                   // KV cache on
        long[] sampled = model.Generate([1, 2, 3], 20, new GenerationOptions(Temperature: 0.8, TopK: 5, TopP: 0.9, Seed: 42));
        Assert.Equal(23, greedy.Length);
        Assert.Equal(23, sampled.Length);
    }
}
