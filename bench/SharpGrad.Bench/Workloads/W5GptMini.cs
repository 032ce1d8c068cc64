using System.Diagnostics;
using SharpGrad.Kernels;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Bench.Workloads;

/// <summary>
/// W5 gpt-mini (<see cref="GptOptions.W5"/>, 3,225,600 parameters): training tokens/s on seeded random tokens (batch 16 ×
/// context 128, AdamW lr 3e-4, cross-entropy; median of 20 steps after 3 warm-up steps), and generation tokens/s for 200
/// tokens at batch 1 with the KV cache (and without it, as an extra key).
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
        for (int i = 0; i < warmup + steps; i++)
        {
            Tensor x = Tensor.RandInt(0, options.VocabSize, [batch, ctx], data);
            Tensor y = Tensor.RandInt(0, options.VocabSize, [batch, ctx], data);
            var clock = Stopwatch.StartNew();
            optimizer.ZeroGrad();
            Tensor logits = model.Forward(x);
            Tensor l = Losses.CrossEntropy(logits.View(batch * ctx, options.VocabSize), y.View(batch * ctx));
            l.Backward();
            optimizer.Step();
            loss = l.Item();
            if (i >= warmup) times.Add(clock.Elapsed.TotalSeconds);
        }
        double trainTps = batch * ctx / BenchOutput.Median(times);

        long[] prompt = [0];
        model.Generate(prompt, 20, useKvCache: true); // warm-up
        model.Generate(prompt, 20, useKvCache: false);
        var gen = Stopwatch.StartNew();
        model.Generate(prompt, genTokens, useKvCache: true);
        double cached = genTokens / gen.Elapsed.TotalSeconds;
        gen.Restart();
        model.Generate(prompt, genTokens, useKvCache: false);
        double uncached = genTokens / gen.Elapsed.TotalSeconds;
        // within the context (prompt 1 + 127 tokens): every step is incremental; past it the cache falls back to recomputing
        int inContext = ctx - 1;
        gen.Restart();
        model.Generate(prompt, inContext, useKvCache: true);
        double cachedIn = inContext / gen.Elapsed.TotalSeconds;
        gen.Restart();
        model.Generate(prompt, inContext, useKvCache: false);
        double uncachedIn = inContext / gen.Elapsed.TotalSeconds;

        BenchOutput.Line(output, "W5", KernelThreads.Count, "train_tokens_per_sec", Math.Round(trainTps, 1),
            ("params", model.ParameterCount()), ("batch", batch), ("context", ctx), ("steps", steps), ("last_loss", Math.Round(loss, 4)),
            ("step_seconds", times.Select(t => Math.Round(t, 4)).ToArray()));
        BenchOutput.Line(output, "W5", KernelThreads.Count, "gen_tokens_per_sec", Math.Round(cached, 1),
            ("gen_tokens_per_sec_no_cache", Math.Round(uncached, 1)), ("kv_speedup", Math.Round(cached / uncached, 2)), ("tokens", genTokens), ("batch", 1),
            ("gen_tokens_per_sec_127_in_context", Math.Round(cachedIn, 1)), ("gen_tokens_per_sec_127_in_context_no_cache", Math.Round(uncachedIn, 1)),
            ("kv_speedup_in_context", Math.Round(cachedIn / uncachedIn, 2)));
    }
}
