using System.Text;

namespace SharpGrad.Text;

/// <summary>
/// Accent stripping as BERT's uncased tokenizer does it (Unicode NFD, then drop the combining marks): "Café" → "Cafe".
/// Uses the runtime's normalisation when it has one (ICU), and otherwise — under <c>InvariantGlobalization</c>, which
/// cannot decompose — a table of the Latin, Greek and Cyrillic precomposed letters (<see cref="Pairs"/>) made from
/// Unicode's data by <c>tools/make_accent_table.py</c>. Combining marks already in the text are dropped either way.
/// </summary>
internal static partial class AccentFolding
{
    private static readonly bool RuntimeDecomposes = "\u00E9".Normalize(NormalizationForm.FormD).Length == 2;

    private static readonly Dictionary<char, char> Table = BuildTable();

    private static Dictionary<char, char> BuildTable()
    {
        var table = new Dictionary<char, char>(Pairs.Length / 2);
        for (int i = 0; i + 1 < Pairs.Length; i += 2) table[Pairs[i]] = Pairs[i + 1];
        return table;
    }

    /// <summary>The text with accents removed.</summary>
    public static string Strip(string text)
    {
        if (RuntimeDecomposes) text = text.Normalize(NormalizationForm.FormD);
        StringBuilder? sb = null; // made at the first change; until then the text is kept as it is
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                sb ??= new StringBuilder(text, 0, i, text.Length);
                continue;
            }
            if (!RuntimeDecomposes && Table.TryGetValue(c, out char baseChar))
            {
                sb ??= new StringBuilder(text, 0, i, text.Length);
                c = baseChar;
            }
            sb?.Append(c);
        }
        return sb?.ToString() ?? text;
    }
}
