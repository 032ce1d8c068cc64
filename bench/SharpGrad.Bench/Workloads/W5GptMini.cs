using System.Diagnostics;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W5 gpt-mini (<see cref="GptOptions.W5"/>, 3,225,600 parameters): training tokens/s on seeded random tokens (batch 16 ×
/// context 128, AdamW lr 3e-4, cross-entropy; median of 20 steps after 3 warm-up steps), and generation tokens/s for 200
/// tokens at batch 1 (median of 3 runs after an untimed one) with the KV cache (and without it, as an extra key), for both context-overflow policies.
/// </summary>
internal static class W5GptMini
{
    public static void Run(TextWriter output, int steps = 20, int warmup = 3, int genTokens = 200)
    {
        var options = GptOptions.W5;
        const int batch = 16;
        int ctx = options.ContextLength;
        var model = new Gpt(options, new Generator(0));
        var optimizer = new AdamW(model.Parameters(), lr: 3e-4);
        var data = new Generator(1);
        var times = new List<double>();
        double loss = 0;
        long startBytes = 0;
        int startGen2 = 0;
        // static inputs, refilled with new random tokens each step; the step is captured and replayed (GraphedStep: one eager
        // warm-up step, the capture, the check against an eager step, then replays)
        Tensor x = Tensor.Zeros([batch, ctx], DType.Int64), y = Tensor.Zeros([batch, ctx], DType.Int64);
        var step = new GraphedStep(model, optimizer, () =>
        {
            optimizer.ZeroGrad(setToNone: false);
            Tensor logits = model.Forward(x);
            Tensor l = Losses.CrossEntropy(logits.View(batch * ctx, options.VocabSize), y.View(batch * ctx));
            l.Backward();
            optimizer.Step();
            return [l];
        }) { WarmUpSteps = BenchSettings.GraphWarmUpSteps };
        for (int i = 0; i < warmup + steps; i++)
        {
            using var scope = TensorScope.Begin(); // eager steps reuse the previous step's tensor memory
            RandomTokens.Fill(x, options.VocabSize, data);
            RandomTokens.Fill(y, options.VocabSize, data);
            if (i == warmup)
            {
                startBytes = GC.GetTotalAllocatedBytes(precise: true);
                startGen2 = GC.CollectionCount(2);
            }
            var clock = Stopwatch.StartNew();
            loss = step.Run()[0].Item();
            if (i >= warmup) times.Add(clock.Elapsed.TotalSeconds);
        }
        if (!step.IsReplaying && !BenchSettings.Eager) Console.Error.WriteLine($"W5: the training step was not replayed: {step.FallbackReason}");
        double trainTps = batch * ctx / BenchOutput.Median(times);
        // managed bytes allocated per step on all threads over the timed steps (the random batches included)
        double bytesPerStep = (double)(GC.GetTotalAllocatedBytes(precise: true) - startBytes) / steps;
        int gen2 = GC.CollectionCount(2) - startGen2;

        long[] prompt = [0];
        var shift = GenerationOptions.Greedy; // ContextOverflow.Shift, the default
        var slide = GenerationOptions.Greedy with { Overflow = ContextOverflow.Slide };
        // each figure: one untimed run of the same configuration (JIT tiering), then the median of 3 timed runs
        double TokensPerSecond(int tokens, GenerationOptions o, bool cache)
        {
            model.Generate(prompt, tokens, o, cache);
            var runs = new List<double>();
            for (int r = 0; r < 3; r++)
            {
                var gen = Stopwatch.StartNew();
                model.Generate(prompt, tokens, o, cache);
                runs.Add(tokens / gen.Elapsed.TotalSeconds);
            }
            return BenchOutput.Median(runs);
        }
        double cached = TokensPerSecond(genTokens, shift, true);
        double uncached = TokensPerSecond(genTokens, shift, false);
        // nanoGPT's crop (PyTorch's reference figure): past the context the window moves every step and the cache saves nothing
        double slideCached = TokensPerSecond(genTokens, slide, true);
        double slideUncached = TokensPerSecond(genTokens, slide, false);
        // within the context (prompt 1 + 127 tokens) the two policies are the same
        int inContext = ctx - 1;
        double cachedIn = TokensPerSecond(inContext, shift, true);
        double uncachedIn = TokensPerSecond(inContext, shift, false);

        BenchOutput.Line(output, "W5", KernelThreads.Count, "train_tokens_per_sec", Math.Round(trainTps, 1),
            ("params", model.ParameterCount()), ("batch", batch), ("context", ctx), ("steps", steps), ("last_loss", Math.Round(loss, 4)),
            ("step_seconds", times.Select(t => Math.Round(t, 4)).ToArray()),
            ("bytes_allocated_per_step", Math.Round(bytesPerStep)), ("gen2_collections", gen2), ("replayed", step.IsReplaying));
        BenchOutput.Line(output, "W5", KernelThreads.Count, "gen_tokens_per_sec", Math.Round(cached, 1),
            ("overflow", "shift"), ("gen_tokens_per_sec_no_cache", Math.Round(uncached, 1)), ("kv_speedup", Math.Round(cached / uncached, 2)), ("tokens", genTokens), ("batch", 1),
            ("slide_gen_tokens_per_sec", Math.Round(slideCached, 1)), ("slide_gen_tokens_per_sec_no_cache", Math.Round(slideUncached, 1)),
            ("gen_tokens_per_sec_127_in_context", Math.Round(cachedIn, 1)), ("gen_tokens_per_sec_127_in_context_no_cache", Math.Round(uncachedIn, 1)),
            ("kv_speedup_in_context", Math.Round(cachedIn / uncachedIn, 2)));
    }
}
