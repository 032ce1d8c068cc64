using System.CommandLine;

namespace SharpGrad.Cli.Commands;

/// <summary><c>sharpgrad gradcheck</c>: runs the gradient self-audit over every differentiable op and prints the table.</summary>
public static class GradCheckCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("gradcheck", "Check every op's analytic gradient against finite differences in float64; exits 1 if any fails.");
        command.SetAction(_ => Run(Console.Out));
        return command;
    }

    /// <summary>Runs the audit and writes the table; returns 0 when every case passes.</summary>
    public static int Run(TextWriter output)
    {
        var cases = GradCheckSuite.Cases();
        int failed = 0;
        output.WriteLine($"{"op",-18} {"case",-48} {"result",-6} {"max |err|",10}");
        output.WriteLine(new string('-', 86));
        foreach (var c in cases)
        {
            GradCheckResult r;
            try { r = GradCheckSuite.Run(c); }
            catch (Exception e) { r = new GradCheckResult(false, double.NaN, double.NaN, e.GetType().Name + ": " + e.Message); }
            if (!r.Passed) failed++;
            output.WriteLine(FormattableString.Invariant($"{c.Op,-18} {Truncate(c.Case, 48),-48} {(r.Passed ? "pass" : "FAIL"),-6} {r.MaxAbsError,10:E2}"));
            if (!r.Passed) output.WriteLine("    " + r.Message);
        }
        output.WriteLine(new string('-', 86));
        int ops = cases.Select(c => c.Op).Distinct().Count();
        output.WriteLine($"{cases.Count - failed}/{cases.Count} cases passed over {ops} ops" + (failed > 0 ? $"; {failed} FAILED" : ""));
        return failed == 0 ? 0 : 1;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
}
