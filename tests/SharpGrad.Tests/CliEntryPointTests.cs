using System.Diagnostics;

namespace SharpGrad.Tests;

/// <summary>
/// The README's first command, as a user runs it: the CLI's entry point with no arguments trains the default recipe; and the
/// global <c>--threads</c> option. Runs the built CLI in a child process (its own console and working folder).
/// </summary>
public class CliEntryPointTests
{
    private static (int ExitCode, string Output, string Error) RunCli(params string[] args)
    {
        string cliDll = typeof(SharpGrad.Cli.Commands.TrainCommand).Assembly.Location;
        string workDir = Directory.CreateTempSubdirectory("sharpgrad-cli-").FullName;
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workDir, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cliDll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "1"; // plain progress lines
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the CLI did not finish within 2 minutes");
        try
        {
            return (process.ExitCode, output.Result, error.Result);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public void NoArgumentsTrainsTheDefaultRecipe()
    {
        var (code, output, error) = RunCli();
        Assert.True(code == 0, error);
        Assert.Contains("\"recipe\":\"seed-mlp\"", output);
        Assert.Contains("\"test_accuracy\":0.875", output);
    }

    [Fact]
    public void ThreadsOptionIsCheckedAndKeepsTheResult()
    {
        var (code, output, _) = RunCli("train", "--threads", "1");
        Assert.Equal(0, code);
        Assert.Contains("\"test_accuracy\":0.875", output);
        var (bad, _, error) = RunCli("--threads", "0");
        Assert.Equal(1, bad);
        Assert.Contains("--threads must be between 1 and", error);
    }
}
