using System.Globalization;
using System.Text;

namespace SharpGrad.Data;

/// <summary>
/// Reads a CSV file of numeric features and an optional label column into a <see cref="CsvTable"/>.
/// </summary>
/// <remarks>
/// <para>Fields follow RFC 4180: separated by <see cref="CsvOptions.Delimiter"/>, optionally quoted with
/// <see cref="CsvOptions.Quote"/> (a quoted field may hold delimiters, line breaks and doubled quotes); lines end with
/// LF, CRLF or CR; blank lines are skipped; a UTF-8 byte-order mark is ignored. Numbers are parsed with the invariant
/// culture (a '.' decimal point, optional exponent; NaN and Infinity are accepted) after trimming spaces.</para>
/// <para>Every problem is a <see cref="CsvFormatException"/> naming the 1-based line and column (with its header name):
/// a non-numeric or empty feature cell, a row with a different number of fields than the header, an unterminated
/// quote, an unknown label or feature column (the message lists the available columns), an empty file.</para>
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads the CSV file at <paramref name="path"/>.</summary>
    /// <param name="path">The file to read.</param>
    /// <param name="options">Options; null for the defaults (header row, ',' delimiter, no label column).</param>
    /// <returns>The features, labels and names.</returns>
    /// <exception cref="CsvFormatException">The file is not a valid numeric table (see remarks).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static CsvTable Read(string path, CsvOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path, System.Text.Encoding.UTF8), options, path);
    }

    /// <summary>Reads CSV text from <paramref name="reader"/>.</summary>
    /// <param name="reader">The text source (read to the end).</param>
    /// <param name="options">Options; null for the defaults.</param>
    /// <param name="sourceName">How the source is named in error messages.</param>
    /// <returns>The features, labels and names.</returns>
    /// <exception cref="CsvFormatException">The text is not a valid numeric table.</exception>
    public static CsvTable Read(TextReader reader, CsvOptions? options = null, string sourceName = "CSV input")
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Parse(reader.ReadToEnd(), options, sourceName);
    }

    private static CsvTable Parse(string text, CsvOptions? options, string source)
    {
        options ??= new CsvOptions();
        if (options.Delimiter == options.Quote || options.Delimiter is '\r' or '\n' || options.Quote is '\r' or '\n')
        {
            throw new ArgumentException("CsvOptions: the delimiter and the quote must differ from each other and from line breaks.", nameof(options));
        }

        var tokenizer = new Tokenizer(text, options.Delimiter, options.Quote, source);
        var fields = new List<string>();
        var fieldLines = new List<int>();

        // Header (or the first data row, which fixes the column count).
        if (!tokenizer.NextRecord(fields, fieldLines))
        {
            throw new CsvFormatException(source, null, null, null,
                options.HasHeader ? "the file is empty; expected a header row with column names." : "the file is empty; expected at least one row.");
        }

        string[] names;
        if (options.HasHeader)
        {
            names = fields.Select(f => f.Trim()).ToArray();
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int j = 0; j < names.Length; j++)
            {
                if (!seen.TryAdd(names[j], j))
                {
                    throw new CsvFormatException(source, fieldLines[j], j + 1, names[j],
                        $"the column name '{names[j]}' appears twice in the header (also column {seen[names[j]] + 1}); column names must be unique.");
                }
            }
        }
        else
        {
            names = Enumerable.Range(1, fields.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        }

        int labelIndex = ResolveLabel(options, names, source);
        int[] featureIndex = ResolveFeatures(options, names, labelIndex, source);

        tokenizer.Names = names;
        var features = new List<float>();
        var labels = new List<string>();
        var labelLines = new List<int>();
        int rows = 0;
        bool pendingIsHeader = options.HasHeader;
        do
        {
            if (pendingIsHeader)
            {
                pendingIsHeader = false; // the header has been consumed; the next records are data
                continue;
            }

            if (fields.Count != names.Length)
            {
                throw new CsvFormatException(source, fieldLines[0], null, null,
                    $"this row has {fields.Count} field(s) but the {(options.HasHeader ? "header has" : "first row has")} {names.Length} column(s); every row needs the same number of fields (check for a missing or extra '{options.Delimiter}', or an unquoted '{options.Delimiter}' inside a value).");
            }

            foreach (int j in featureIndex)
            {
                features.Add(ParseFeature(fields[j], source, fieldLines[j], j, names[j], options));
            }

            if (labelIndex >= 0)
            {
                labels.Add(fields[labelIndex].Trim());
                labelLines.Add(fieldLines[labelIndex]);
            }

            rows++;
        }
        while (tokenizer.NextRecord(fields, fieldLines));

        if (rows == 0)
        {
            throw new CsvFormatException(source, null, null, null, "the file has a header row but no data rows.");
        }

        Tensor x = TensorWrap.Own(features.ToArray(), [rows, featureIndex.Length]);
        Tensor? y = null;
        string[] classNames = [];
        if (labelIndex >= 0)
        {
            (y, classNames) = EncodeLabels(labels, labelLines, options.LabelKind, source, labelIndex, names[labelIndex]);
        }

        return new CsvTable(names, featureIndex.Select(j => names[j]).ToArray(), labelIndex >= 0 ? names[labelIndex] : null, x, y, classNames);
    }

    private static string ListColumns(string[] names) => string.Join(", ", names.Select(n => $"'{n}'"));

    private static int ResolveLabel(CsvOptions options, string[] names, string source)
    {
        if (options.LabelColumn is string wanted)
        {
            int exact = Array.IndexOf(names, wanted.Trim());
            if (exact >= 0)
            {
                return exact;
            }

            int[] loose = names.Select((n, i) => (n, i)).Where(p => string.Equals(p.n, wanted.Trim(), StringComparison.OrdinalIgnoreCase)).Select(p => p.i).ToArray();
            if (loose.Length == 1)
            {
                return loose[0];
            }

            throw new CsvFormatException(source, options.HasHeader ? 1 : null, null, null,
                $"there is no label column named '{wanted}'. The columns are: {ListColumns(names)}.");
        }

        if (options.LabelColumnIndex is int index)
        {
            int resolved = index < 0 ? index + names.Length : index;
            if (resolved < 0 || resolved >= names.Length)
            {
                throw new CsvFormatException(source, null, null, null,
                    $"the label column index {index} is out of range: the file has {names.Length} column(s) ({ListColumns(names)}), so use 0 to {names.Length - 1} (or −1 for the last).");
            }

            return resolved;
        }

        return -1;
    }

    private static int[] ResolveFeatures(CsvOptions options, string[] names, int labelIndex, string source)
    {
        if (options.FeatureColumns is null)
        {
            return Enumerable.Range(0, names.Length).Where(j => j != labelIndex).ToArray();
        }

        var result = new int[options.FeatureColumns.Count];
        for (int k = 0; k < result.Length; k++)
        {
            string wanted = options.FeatureColumns[k].Trim();
            int j = Array.IndexOf(names, wanted);
            if (j < 0)
            {
                throw new CsvFormatException(source, options.HasHeader ? 1 : null, null, null,
                    $"there is no feature column named '{options.FeatureColumns[k]}'. The columns are: {ListColumns(names)}.");
            }

            if (j == labelIndex)
            {
                throw new CsvFormatException(source, null, j + 1, names[j], "this column is the label column and cannot also be a feature column.");
            }

            result[k] = j;
        }

        return result;
    }

    private static float ParseFeature(string cell, string source, int line, int column, string name, CsvOptions options)
    {
        ReadOnlySpan<char> trimmed = cell.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            if (options.EmptyAsNaN)
            {
                return float.NaN;
            }

            throw new CsvFormatException(source, line, column + 1, name,
                "the value is empty, but feature columns must hold numbers (fill in the value, or set CsvOptions.EmptyAsNaN).");
        }

        if (double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return (float)value;
        }

        throw new CsvFormatException(source, line, column + 1, name,
            $"'{Shorten(cell.Trim())}' is not a number, but feature columns must be numeric (make it the label column, or leave it out with CsvOptions.FeatureColumns).");
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";

    private static (Tensor Labels, string[] ClassNames) EncodeLabels(
        List<string> labels, List<int> lines, CsvLabelKind kind, string source, int column, string name)
    {
        var numbers = new double[labels.Count];
        int firstNonNumeric = -1;
        bool anyFraction = false;
        for (int i = 0; i < labels.Count; i++)
        {
            if (double.TryParse(labels[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]))
            {
                anyFraction |= numbers[i] != Math.Floor(numbers[i]);
            }
            else if (firstNonNumeric < 0)
            {
                firstNonNumeric = i;
            }
        }

        if (kind == CsvLabelKind.Auto)
        {
            kind = firstNonNumeric < 0 && anyFraction ? CsvLabelKind.Numeric : CsvLabelKind.Categorical;
        }

        if (kind == CsvLabelKind.Numeric)
        {
            if (firstNonNumeric >= 0)
            {
                string value = labels[firstNonNumeric];
                throw new CsvFormatException(source, lines[firstNonNumeric], column + 1, name,
                    value.Length == 0 ? "the label is empty, but numeric labels were asked for." : $"the label '{Shorten(value)}' is not a number, but numeric labels were asked for.");
            }

            return (Tensor.FromArray(numbers.Select(v => (float)v).ToArray()), []);
        }

        for (int i = 0; i < labels.Count; i++)
        {
            if (labels[i].Length == 0)
            {
                throw new CsvFormatException(source, lines[i], column + 1, name, "the label is empty; every row needs a class label.");
            }
        }

        // LabelEncoder: np.unique sorts numbers numerically and strings ordinally (by code point).
        string[] classes = labels.Distinct(StringComparer.Ordinal).ToArray();
        if (firstNonNumeric < 0)
        {
            classes = classes
                .OrderBy(c => double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture))
                .ThenBy(c => c, StringComparer.Ordinal)
                .ToArray();
        }
        else
        {
            Array.Sort(classes, StringComparer.Ordinal);
        }

        var index = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int c = 0; c < classes.Length; c++)
        {
            index[classes[c]] = c;
        }

        long[] encoded = labels.Select(l => index[l]).ToArray();
        return (Tensor.FromArray(encoded), classes);
    }

    /// <summary>Splits RFC 4180 text into records, tracking the 1-based line on which each field starts.</summary>
    private sealed class Tokenizer(string text, char delimiter, char quote, string source)
    {
        private readonly StringBuilder _field = new();
        private int _pos = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        private int _line = 1;

        /// <summary>The column names, once known, for error messages.</summary>
        public string[]? Names { get; set; }

        private string? NameOf(int column) => Names is { } n && column >= 1 && column <= n.Length ? n[column - 1] : null;

        /// <summary>Reads the next non-blank record into <paramref name="fields"/>; false at the end of the text.</summary>
        public bool NextRecord(List<string> fields, List<int> fieldLines)
        {
            fields.Clear();
            fieldLines.Clear();

            // Skip blank lines.
            while (_pos < text.Length && text[_pos] is '\r' or '\n')
            {
                SkipLineBreak();
            }

            if (_pos >= text.Length)
            {
                return false;
            }

            while (true)
            {
                int fieldLine = _line;
                fieldLines.Add(fieldLine);
                fields.Add(ReadField(fields.Count + 1));
                if (_pos >= text.Length)
                {
                    return true;
                }

                char c = text[_pos];
                if (c == delimiter)
                {
                    _pos++;
                    if (_pos >= text.Length || text[_pos] is '\r' or '\n')
                    {
                        // A trailing delimiter ends the record with an empty last field.
                        fieldLines.Add(_line);
                        fields.Add(string.Empty);
                        if (_pos < text.Length)
                        {
                            SkipLineBreak();
                        }

                        return true;
                    }

                    continue;
                }

                SkipLineBreak();
                return true;
            }
        }

        private void SkipLineBreak()
        {
            if (text[_pos] == '\r' && _pos + 1 < text.Length && text[_pos + 1] == '\n')
            {
                _pos++;
            }

            _pos++;
            _line++;
        }

        private string ReadField(int column)
        {
            int start = _pos;
            if (_pos < text.Length && text[_pos] == quote)
            {
                int openLine = _line;
                _pos++;
                _field.Clear();
                while (true)
                {
                    if (_pos >= text.Length)
                    {
                        throw new CsvFormatException(source, openLine, column, NameOf(column),
                            $"the quoted value that starts here is never closed (a {quote} is missing); the rest of the file was read as part of it.");
                    }

                    char c = text[_pos];
                    if (c == quote)
                    {
                        if (_pos + 1 < text.Length && text[_pos + 1] == quote)
                        {
                            _field.Append(quote);
                            _pos += 2;
                            continue;
                        }

                        _pos++;
                        break;
                    }

                    if (c == '\n' || (c == '\r' && !(_pos + 1 < text.Length && text[_pos + 1] == '\n')))
                    {
                        _line++;
                    }

                    _field.Append(c);
                    _pos++;
                }

                if (_pos < text.Length && text[_pos] != delimiter && text[_pos] is not ('\r' or '\n'))
                {
                    throw new CsvFormatException(source, _line, column, NameOf(column),
                        $"unexpected character '{text[_pos]}' after a closing quote; a quoted value must be followed by '{delimiter}' or the end of the line (write a literal quote as {quote}{quote}).");
                }

                return _field.ToString();
            }

            while (_pos < text.Length && text[_pos] != delimiter && text[_pos] is not ('\r' or '\n'))
            {
                _pos++;
            }

            return text[start.._pos];
        }
    }
}
