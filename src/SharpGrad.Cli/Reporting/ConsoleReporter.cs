using System.Globalization;
using System.Text;
using SharpGrad.Training;
using Spectre.Console;

namespace SharpGrad.Cli.Reporting;

/// <summary>
/// Renders training progress: a live Spectre.Console progress bar per epoch (batch, loss, metrics, samples/s, ETA) on an
/// interactive terminal, and plain lines (one per epoch, or every few epochs for long runs) when output is redirected or CI is set.
/// </summary>
public sealed class ConsoleReporter : ITrainingReporter
{
    private readonly TextWriter _plain;
    private readonly bool _live;
    private ProgressContext? _context;
    private ProgressTask? _task;
    /// <summary>Creates the reporter. In plain mode it prints about 20 epoch lines per run (every epoch for short runs).</summary>
    public ConsoleReporter(TextWriter plainOutput, bool? live = null)
    {
        _plain = plainOutput;
        _live = live ?? (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")));
    }

    /// <summary>Runs <paramref name="training"/> inside the live display (or directly in plain mode).</summary>
    public T Run<T>(Func<T> training)
    {
        if (!_live) return training();
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                _context = ctx;
                result = training();
                _task?.StopTask();
            });
        return result;
    }

    /// <inheritdoc/>
    public void OnEpochBegin(int epoch, int epochs, int batches)
    {
        if (_context is null) return;
        _task?.StopTask();
        _task = _context.AddTask($"epoch {epoch}/{epochs}", maxValue: Math.Max(1, batches));
    }

    /// <inheritdoc/>
    public void OnBatchEnd(int epoch, int batch, int batches, IReadOnlyDictionary<string, double> logs, double samplesPerSecond)
    {
        if (_task is null) return;
        _task.Value = batch;
        _task.Description = Markup.Escape($"epoch {epoch} {batch}/{batches} {Compact(logs)} {samplesPerSecond:N0}/s");
    }

    /// <inheritdoc/>
    public void OnEpochEnd(int epoch, int epochs, IReadOnlyDictionary<string, double> logs, double seconds)
    {
        if (_task is not null)
        {
            _task.Description = Markup.Escape($"epoch {epoch}/{epochs} {Compact(logs)} {seconds:F1}s");
            _task.Value = _task.MaxValue;
            return;
        }
        int every = Math.Max(1, epochs / 20);
        if (epoch % every == 0 || epoch == 1 || epoch == epochs)
            _plain.WriteLine($"epoch {epoch}/{epochs}  {Format(logs)}" + (seconds > 0 ? $"  ({seconds.ToString("F2", CultureInfo.InvariantCulture)} s)" : ""));
    }

    /// <summary>A short form for the live bar, which must fit a terminal line: "loss 0.4123 acc 0.8511 val_acc 0.8402".</summary>
    public static string Compact(IReadOnlyDictionary<string, double> logs)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in logs)
        {
            if (k is "epoch_seconds" or "lr" || (k.StartsWith("val_", StringComparison.Ordinal) && k.EndsWith("loss", StringComparison.Ordinal))) continue;
            sb.Append(k.Replace("accuracy", "acc", StringComparison.Ordinal)).Append(' ').Append(v.ToString("F4", CultureInfo.InvariantCulture)).Append(' ');
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>"loss 0.4123  accuracy 0.8511 …" for the logs that are metrics (not lr or timing).</summary>
    public static string Format(IReadOnlyDictionary<string, double> logs)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in logs)
        {
            if (k is "epoch_seconds") continue;
            if (sb.Length > 0) sb.Append("  ");
            sb.Append(k).Append(' ').Append(k == "lr" ? v.ToString("G3", CultureInfo.InvariantCulture) : v.ToString("F4", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
