using System.Globalization;
using System.Text;

namespace SharpGrad.Training;

/// <summary>What <see cref="Trainer.Fit"/> returns, like Keras' <c>History</c>: per-epoch values of the loss and every metric (training and <c>val_</c>).</summary>
public sealed class History
{
    private readonly List<int> _epochs = [];
    private readonly Dictionary<string, List<double>> _values = [];
    private readonly List<string> _keys = [];

    /// <summary>The epochs recorded (1-based).</summary>
    public IReadOnlyList<int> Epochs => _epochs;

    /// <summary>The names of the recorded quantities in first-seen order (e.g. loss, accuracy, val_loss, val_accuracy, lr).</summary>
    public IReadOnlyList<string> Keys => _keys;

    /// <summary>The values of <paramref name="key"/>, one per epoch (NaN where an epoch did not report it).</summary>
    /// <exception cref="KeyNotFoundException">When the key was never recorded; the message lists the recorded keys.</exception>
    public IReadOnlyList<double> this[string key] => _values.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"History has no \"{key}\"; recorded: {string.Join(", ", _keys)}.");

    /// <summary>True when <paramref name="key"/> was recorded.</summary>
    public bool Contains(string key) => _values.ContainsKey(key);

    /// <summary>Appends one epoch's logs.</summary>
    public void Add(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _epochs.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!_values.TryGetValue(key, out var list))
            {
                list = [.. Enumerable.Repeat(double.NaN, _epochs.Count - 1)];
                _values[key] = list;
                _keys.Add(key);
            }
            list.Add(value);
        }
        foreach (var (key, list) in _values)
            if (list.Count < _epochs.Count) list.Add(double.NaN);
    }

    /// <summary>The history as CSV: a header <c>epoch,key1,key2,…</c> and one row per epoch (invariant culture).</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("epoch");
        foreach (var k in _keys) sb.Append(',').Append(k);
        sb.Append('\n');
        for (int i = 0; i < _epochs.Count; i++)
        {
            sb.Append(_epochs[i].ToString(CultureInfo.InvariantCulture));
            foreach (var k in _keys) sb.Append(',').Append(_values[k][i].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
