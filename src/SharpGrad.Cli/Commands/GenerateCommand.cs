using System.CommandLine;
using System.Diagnostics;
using SharpGrad.Data.Text;
using SharpGrad.NN;

namespace SharpGrad.Cli.Commands;

/// <summary>
/// <c>sharpgrad generate --model DIR --prompt "..." --tokens N</c>: text from a language-model checkpoint saved by
/// <c>train gpt-mini</c> or <c>train char-lstm</c> (see <see cref="LanguageModelLoader"/>).
/// </summary>
public static class GenerateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Checkpoint folder (model.safetensors, tokenizer.json, config.json).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue.", DefaultValueFactory = _ => "And " };
        var tokens = new Option<int>("--tokens") { Description = "Number of tokens to generate.", DefaultValueFactory = _ => 200 };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (0 = greedy).", DefaultValueFactory = _ => 0.8 };
        var topK = new Option<int?>("--top-k") { Description = "Sample only among the k most likely tokens." };
        var topP = new Option<double?>("--top-p") { Description = "Sample only among the smallest set of tokens with this total probability." };
        var seed = new Option<ulong>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var noCache = new Option<bool>("--no-cache") { Description = "Recompute the whole sequence every step instead of using the KV cache (GPT) or carrying the hidden state (LSTM); the tokens are the same." };
        var overflow = new Option<ContextOverflow>("--overflow")
        {
            Description = "GPT only — past the model's context: shift (drop the oldest half of the window when full; keeps the KV cache fast) or slide (the last context-length tokens at every step, like nanoGPT).",
            DefaultValueFactory = _ => ContextOverflow.Shift,
        };
        var command = new Command("generate", "Generate text with a trained language-model checkpoint (gpt-mini or char-lstm).") { model, prompt, tokens, temperature, topK, topP, seed, noCache, overflow };
        command.SetAction(parse => CliErrors.Guard(Console.Error, () => Run(parse.GetValue(model)!, parse.GetValue(prompt)!, parse.GetValue(tokens),
            new GenerationOptions(parse.GetValue(temperature), parse.GetValue(topK), parse.GetValue(topP), parse.GetValue(seed), parse.GetValue(overflow)), !parse.GetValue(noCache), Console.Out, Console.Error)));
        return command;
    }

    /// <summary>Loads the checkpoint and prints the continuation; timing goes to <paramref name="info"/>.</summary>
    public static int Run(string directory, string prompt, int tokens, GenerationOptions options, bool useKvCache, TextWriter output, TextWriter info)
    {
        var loaded = LanguageModelLoader.Load(directory); // GPT or recurrent, by the checkpoint's "architecture"
        var ids = loaded.Tokenizer.Encode(prompt).Select(t => (long)t).ToList();
        var clock = Stopwatch.StartNew();
        long[] result = loaded.Model.Generate(ids, tokens, options, useKvCache);
        double seconds = clock.Elapsed.TotalSeconds;
        output.WriteLine(loaded.Tokenizer.Decode(result.Select(t => (int)t).ToArray()));
        string cache = loaded.Architecture == LanguageModelLoader.GptArchitecture ? "KV cache" : "carried state";
        info.WriteLine(FormattableString.Invariant($"{tokens} tokens in {seconds:F2} s ({tokens / seconds:F0} tokens/s, {cache} {(useKvCache ? "on" : "off")})"));
        return 0;
    }
}
