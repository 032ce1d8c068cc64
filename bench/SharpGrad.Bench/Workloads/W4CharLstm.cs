using System.Diagnostics;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W4 char-LSTM training throughput: <see cref="RecurrentLanguageModelOptions.W4"/> (Embedding(65, 64) → LSTM(64, 256) →
/// Linear(256, 65), the model of the <c>char-lstm</c> recipe), cross-entropy over all positions,
/// Adam; sequence 64, batch 32, random (seeded) tokens. Reports the median training tokens/s of 30 steps after 5 warm-up steps.
/// </summary>
internal static class W4CharLstm
{
    public static void Run(TextWriter output)
    {
        const int seq = 64, batch = 32, warmup = 5, steps = 30;
        var options = RecurrentLanguageModelOptions.W4;
        int vocab = options.VocabSize, hidden = options.HiddenSize;
        var gen = new Generator(0);
        var model = new RecurrentLanguageModel(options, gen); // embedding, lstm, head: the same draws as building the three layers in turn
        var opt = new Adam(model.Parameters(), lr: 2e-3);
        var loss = new CrossEntropyLoss();
        var times = new List<double>();
        for (int s = 0; s < warmup + steps; s++)
        {
            using var scope = TensorScope.Begin(); // as the training recipes do: each step reuses the previous step's tensor memory
            Tensor x = Tensor.RandInt(0, vocab, [batch, seq], gen), y = Tensor.RandInt(0, vocab, [batch * seq], gen);
            var sw = Stopwatch.StartNew();
            opt.ZeroGrad(setToNone: false);
            Tensor logits = model.Forward(x).Reshape(-1, vocab);
            loss.Forward(logits, y).Backward();
            opt.Step();
            sw.Stop();
            if (s >= warmup) times.Add(batch * seq / sw.Elapsed.TotalSeconds);
        }
        BenchOutput.Line(output, "W4", KernelThreads.Count, "train_tokens_per_sec", Math.Round(BenchOutput.Median(times), 0),
            ("steps", steps), ("warmup", warmup), ("batch", batch), ("seq", seq), ("hidden", hidden));
    }
}
