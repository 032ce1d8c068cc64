using SharpGrad.Bench.Workloads;

// Workload runner; prints JSON lines. (Placeholder dispatch: the full runner comes later.)
switch (args.Length > 0 ? args[0] : "")
{
    case "W6":
        W6Sgemm.Run(Console.Out);
        break;
    case "W6-shapes":
        W6Sgemm.RunShapes(Console.Out);
        break;
    default:
        Console.WriteLine(SharpGrad.SharpGradInfo.Version);
        break;
}
