using System.Diagnostics;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

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
        // static token tensors refilled each step; the step is captured and replayed as in the char-lstm recipe (GraphedStep:
        // one eager step, the capture, the check against an eager step, then replays)
        Tensor x = Tensor.Zeros([batch, seq], DType.Int64), y = Tensor.Zeros([batch * seq], DType.Int64);
        var step = new GraphedStep(model, opt, () =>
        {
            opt.ZeroGrad(setToNone: false);
            Tensor logits = model.Forward(x).Reshape(-1, vocab);
            Tensor l = loss.Forward(logits, y);
            l.Backward();
            opt.Step();
            return [l];
        }) { WarmUpSteps = BenchSettings.GraphWarmUpSteps };
        long startBytes = 0;
        for (int s = 0; s < warmup + steps; s++)
        {
            using var scope = TensorScope.Begin(); // eager steps reuse the previous step's tensor memory
            RandomTokens.Fill(x, vocab, gen);
            RandomTokens.Fill(y, vocab, gen);
            if (s == warmup) startBytes = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            step.Run();
            sw.Stop();
            if (s >= warmup) times.Add(batch * seq / sw.Elapsed.TotalSeconds);
        }
        double bytesPerStep = (double)(GC.GetTotalAllocatedBytes(precise: true) - startBytes) / steps;
        if (!step.IsReplaying && !BenchSettings.Eager) Console.Error.WriteLine($"W4: the training step was not replayed: {step.FallbackReason}");
        BenchOutput.Line(output, "W4", KernelThreads.Count, "train_tokens_per_sec", Math.Round(BenchOutput.Median(times), 0),
            ("steps", steps), ("warmup", warmup), ("batch", batch), ("seq", seq), ("hidden", hidden),
            ("bytes_allocated_per_step", Math.Round(bytesPerStep)), ("replayed", step.IsReplaying));
    }
}
