using System.CommandLine;
using System.Globalization;
using SharpGrad.Optim;

namespace SharpGrad.Cli.Commands;

/// <summary><c>sharpgrad schedule NAME --steps N [--lr X] [--plot out.png]</c>: prints a learning-rate schedule and optionally plots it.</summary>
public static class ScheduleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "Schedule: " + string.Join(", ", Schedules.Names) };
        var steps = new Option<long>("--steps") { Description = "Total number of steps T of the run.", DefaultValueFactory = _ => 1000 };
        var lr = new Option<double>("--lr") { Description = "Base (or, for onecycle, maximum) learning rate.", DefaultValueFactory = _ => 0.1 };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG line plot of the schedule to this file." };
        var command = new Command("schedule", "Print a learning-rate schedule (step → lr at its start, boundaries and end) and optionally plot it.") { name, steps, lr, plot };
        command.SetAction(parse => Run(parse.GetValue(name)!, parse.GetValue(steps), parse.GetValue(lr), parse.GetValue(plot), Console.Out));
        return command;
    }

    /// <summary>Prints the table (and writes the plot); returns the process exit code.</summary>
    public static int Run(string name, long steps, double lr, string? plotPath, TextWriter output)
    {
        ILearningRateSchedule schedule;
        try
        {
            schedule = Schedules.Create(name, lr, steps);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        output.WriteLine(schedule.ToString());
        output.WriteLine($"{"step",10}  {"lr",14}");
        foreach (long s in TableSteps(schedule, steps))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s,10}  {schedule.LearningRate(s),14:G6}{(s >= steps ? "  (beyond T)" : "")}"));

        if (plotPath is not null)
        {
            try
            {
                WritePlot(schedule, name, steps, lr, plotPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"Could not write the plot to {plotPath}: {e.Message}");
                return 1;
            }
            output.WriteLine($"wrote {plotPath}");
        }
        return 0;
    }

    /// <summary>Step 0 and 1, each boundary and the step before it, the last step T − 1 and T (the first step past the run).</summary>
    private static IEnumerable<long> TableSteps(ILearningRateSchedule schedule, long steps)
    {
        var set = new SortedSet<long> { 0, Math.Min(1, steps - 1), steps - 1, steps };
        foreach (long b in schedule.Boundaries(steps).Take(20))
        {
            if (b - 1 >= 0) set.Add(b - 1);
            set.Add(b);
        }
        return set;
    }

    private static void WritePlot(ILearningRateSchedule schedule, string name, long steps, double lr, string path)
    {
        // At most ~2000 points: every step for short runs, evenly spaced (plus the boundaries) for long ones.
        var xs = new SortedSet<long>();
        long stride = Math.Max(1, steps / 2000);
        for (long s = 0; s <= steps; s += stride) xs.Add(s);
        foreach (long b in schedule.Boundaries(steps)) { xs.Add(b); if (b > 0) xs.Add(b - 1); }
        xs.Add(steps);
        double[] x = xs.Select(s => (double)s).ToArray();
        double[] y = xs.Select(schedule.LearningRate).ToArray();

        var plot = new ScottPlot.Plot();
        var line = plot.Add.Scatter(x, y);
        line.MarkerSize = 0;
        line.LineWidth = 2;
        plot.Title(string.Create(CultureInfo.InvariantCulture, $"{name} schedule (lr {lr:G4}, {steps} steps)"));
        plot.XLabel("step");
        plot.YLabel("learning rate");
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        plot.SavePng(path, 800, 450);
    }
}
