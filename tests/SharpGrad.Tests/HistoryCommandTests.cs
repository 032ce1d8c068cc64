using SharpGrad.Cli.Commands;

namespace SharpGrad.Tests;

public class HistoryCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-hist-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ListsEveryExperimentWithItsYear()
    {
        var output = new StringWriter();
        Assert.Equal(0, HistoryCommand.Run(null, 1, null, null, false, output));
        foreach (var name in new[] { "perceptron", "adaline", "xor-perceptron", "xor-backprop", "encoder", "equal-weights", "backprop" })
            Assert.Contains(name, output.ToString());
        Assert.Contains("1958", output.ToString());
    }

    [Fact]
    public void RunsAnExperimentAndWritesItsPlots()
    {
        var output = new StringWriter();
        string plot = Path.Combine(_dir, "xor.png");
        Assert.Equal(0, HistoryCommand.Run("xor-perceptron", 1, null, plot, false, output));
        Assert.Contains("cycle", output.ToString());
        Assert.True(File.Exists(plot));
        Assert.True(File.Exists(Path.Combine(_dir, "xor-decision.png")));
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(plot).Take(4).ToArray());
    }

    [Fact]
    public void TheBackpropWalkThroughPassesItsOwnChecks()
    {
        var output = new StringWriter();
        Assert.Equal(0, HistoryCommand.Run("backprop", 0, null, null, trace: true, output));
        Assert.Contains("LinearBackward", output.ToString());
        Assert.Contains("✓", output.ToString());
        Assert.Contains("OK: ", output.ToString());
        Assert.DoesNotContain("✗ err", output.ToString());
    }

    [Fact]
    public void UnknownExperimentNamesTheAvailableOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => HistoryCommand.Run("nope", 1, null, null, false, new StringWriter()));
        Assert.Contains("perceptron", e.Message);
    }
}
