// The C# snippets of docs/history.md, concatenated, so the documentation keeps compiling and running (regenerate by copying the blocks;
// HistoryExperiments is spelled Registry here because this test namespace shadows the class name).
using SharpGrad.History;
using Registry = SharpGrad.History.HistoryExperiments;
namespace SharpGrad.Tests.HistoryExperiments;
public class DocsSnippetTests
{
[Fact]
public void Snippets()
{

foreach (IHistoryExperiment e in Registry.All)
    Console.WriteLine($"{e.Name,-15} {e.Year}  {e.Story}");

ExperimentResult result = Registry.Find("perceptron")!.Run(seed: 1);
Console.WriteLine(result.Summary);                       // text built from the computed values
foreach (var (label, values) in result.Curves)           // per-epoch or per-sweep curves, for plots
    Console.WriteLine($"{label}: {values.Length} points");
foreach (Decision2D panel in result.Decisions)           // 2-D cases: points + the trained unit as a function
    Console.WriteLine($"{panel.Title}: f(0.5, 0.5) = {panel.Predict(0.5, 0.5):F3}, boundary at {panel.Threshold}");

PerceptronResult and = Perceptron.Train(LinearDataset.And());
Console.WriteLine($"{and.Updates} updates ≤ {and.NovikoffBound:F1}: {and.WithinBound}");

CycleResult cycle = Perceptron.TrainUntilCycle(LinearDataset.Xor());
Console.WriteLine($"cycle of {cycle.CycleLength} epoch(s) from epoch {cycle.CycleStartEpoch}");

}
}
