namespace SharpGrad.Cli.Commands;

/// <summary>Turns expected failures (bad input files, missing data, bad options) into one clear line and exit code 1, without a stack trace.</summary>
public static class CliErrors
{
    /// <summary>Runs <paramref name="action"/>; on an exception prints "error: message" to <paramref name="error"/> and returns 1.
    /// Set SHARPGRAD_DEBUG=1 to see the stack trace.</summary>
    public static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"error: {e.Message}");
            if (Environment.GetEnvironmentVariable("SHARPGRAD_DEBUG") == "1") error.WriteLine(e);
            return 1;
        }
    }
}
