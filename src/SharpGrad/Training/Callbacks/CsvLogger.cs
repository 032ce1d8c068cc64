using System.Globalization;
using System.Text;

namespace SharpGrad.Training;

/// <summary>Writes each epoch's logs as a CSV row (header from the first epoch), flushed every epoch, like Keras' <c>CSVLogger</c>.</summary>
public sealed class CsvLogger(string path, bool append = false) : Callback
{
    private List<string>? _keys;

    /// <summary>The CSV file.</summary>
    public string Path { get; } = path ?? throw new ArgumentNullException(nameof(path));

    /// <inheritdoc/>
    public override void OnTrainBegin(TrainingContext context)
    {
        _keys = null;
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        if (!append) File.WriteAllText(Path, "");
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(TrainingContext context, IReadOnlyDictionary<string, double> logs)
    {
        var sb = new StringBuilder();
        if (_keys is null)
        {
            _keys = [.. logs.Keys];
            if (!append || !File.Exists(Path) || new FileInfo(Path).Length == 0) sb.Append("epoch,").Append(string.Join(',', _keys)).Append('\n');
        }
        sb.Append(context.Epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var k in _keys) sb.Append(',').Append(logs.TryGetValue(k, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
        sb.Append('\n');
        File.AppendAllText(Path, sb.ToString());
    }
}
