using SharpGrad.Bench;
using SharpGrad.Bench.Workloads;
using SharpGrad.Kernels;

// Usage: dotnet run --project bench/SharpGrad.Bench -c Release -- [W1|W1-memory|W2|W3|W4|W5|W6|W6-shapes|all] [--threads N] [--steps N] [--data DIR] [--eager]
// --eager: train W2–W5 without capturing and replaying the step (for comparison)
string workload = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0].ToUpperInvariant() : "ALL";
int? threads = Flag("--threads");
int steps = Flag("--steps") ?? 100_000;
if (threads is int t) KernelThreads.Count = t;
BenchSettings.Eager = args.Contains("--eager");

switch (workload)
{
    case "W1": W1SeedMlp.Run(Console.Out); break;
    case "W1-MEMORY": W1SeedMlp.Memory(Console.Out, steps); break;
    case "W2": W2FashionMnistMlp.Run(Console.Out, DataDir()); break;
    case "W3": W3FashionMnistCnn.Run(Console.Out, DataDir()); break;
    case "W4": W4CharLstm.Run(Console.Out); break;
    case "W5": W5GptMini.Run(Console.Out); break;
    case "W6": W6Sgemm.Run(Console.Out); break;
    case "W6-SHAPES": W6Sgemm.RunShapes(Console.Out); break;
    case "ALL":
        W1SeedMlp.Run(Console.Out);
        W2FashionMnistMlp.Run(Console.Out, DataDir());
        W3FashionMnistCnn.Run(Console.Out, DataDir());
        W5GptMini.Run(Console.Out);
        W6Sgemm.Run(Console.Out);
        break;
    default:
        Console.Error.WriteLine($"Unknown workload \"{args[0]}\". Use W1, W1-memory, W2, W3, W4, W5, W6, W6-shapes or all.");
        return 2;
}
return 0;

string? DataDir()
{
    int i = Array.IndexOf(args, "--data");
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int? Flag(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : null;
}
