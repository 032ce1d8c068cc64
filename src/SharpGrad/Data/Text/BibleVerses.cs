using System.Globalization;

namespace SharpGrad.Data.Text;

/// <summary>The divisions of the Bible's 66 books (the Protestant canon's usual grouping) — the labels of the verse-classification task.</summary>
public enum BibleDivision
{
    /// <summary>Genesis–Deuteronomy.</summary>
    Law,
    /// <summary>Joshua–Esther.</summary>
    History,
    /// <summary>Job–Song of Solomon.</summary>
    Wisdom,
    /// <summary>Isaiah, Jeremiah, Lamentations, Ezekiel, Daniel.</summary>
    MajorProphets,
    /// <summary>Hosea–Malachi.</summary>
    MinorProphets,
    /// <summary>Matthew, Mark, Luke, John, Acts.</summary>
    GospelsAndActs,
    /// <summary>Romans–Jude.</summary>
    Epistles,
    /// <summary>Revelation.</summary>
    Revelation,
}

/// <summary>One verse with its reference: the book (0 = Genesis … 65 = Revelation), chapter and verse numbers, and the text.</summary>
public sealed record BibleVerse(int Book, string BookAbbreviation, int Chapter, int Verse, string Text)
{
    /// <summary>The division of the verse's book.</summary>
    public BibleDivision Division => BibleVerses.DivisionOf(Book);
}

/// <summary>
/// The King James Bible verse by verse with references (from the Debian <c>bible</c> program, package <c>bible-kjv</c>), the
/// division of each book, and a train/test split by chapter (no chapter on both sides, so a classifier cannot lean on the
/// neighbouring verses of a chapter it has seen).
/// </summary>
public static class BibleVerses
{
    /// <summary>Number of books.</summary>
    public const int Books = 66;

    // The first book of each division, in canonical order.
    private static readonly int[] DivisionStarts = [0, 5, 17, 22, 27, 39, 44, 65];

    /// <summary>All 31,102 verses, Genesis 1:1 to Revelation 22:21.</summary>
    /// <exception cref="DatasetNotFoundException">The <c>bible</c> program is not installed (<c>apt-get install -y bible-kjv</c>).</exception>
    public static IReadOnlyList<BibleVerse> Load() => Parse(KingJamesBible.BibleProgramLines());

    /// <summary>
    /// Parses lines "Abbr{chapter}:{verse} text" in canonical order (a new book starts when the abbreviation changes).
    /// </summary>
    /// <exception cref="FormatException">A line without a reference, naming the line.</exception>
    public static IReadOnlyList<BibleVerse> Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var verses = new List<BibleVerse>();
        string? book = null;
        int bookIndex = -1, number = 0;
        foreach (string line in lines)
        {
            number++;
            if (line.Length == 0) continue;
            int space = line.IndexOf(' ');
            string reference = space > 0 ? line[..space] : line;
            int colon = reference.IndexOf(':');
            int digits = colon;
            while (digits > 0 && char.IsAsciiDigit(reference[digits - 1])) digits--;
            if (colon < 0 || digits == 0 || digits == colon ||
                !int.TryParse(reference.AsSpan(digits, colon - digits), NumberStyles.None, CultureInfo.InvariantCulture, out int chapter) ||
                !int.TryParse(reference.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int verse))
                throw new FormatException($"BibleVerses: line {number} does not start with a reference like \"Ge1:1\": \"{(line.Length > 40 ? line[..40] + "…" : line)}\".");
            // "1Jn" has a leading digit: the book's abbreviation is everything before the chapter's digits
            string abbreviation = reference[..digits];
            if (abbreviation != book)
            {
                book = abbreviation;
                bookIndex++;
                if (bookIndex >= Books) throw new FormatException($"BibleVerses: line {number} starts a {bookIndex + 1}th book (\"{abbreviation}\"); there are {Books}.");
            }
            verses.Add(new BibleVerse(bookIndex, abbreviation, chapter, verse, space > 0 ? line[(space + 1)..] : ""));
        }
        return verses;
    }

    /// <summary>The division of book <paramref name="book"/> (0 = Genesis … 65 = Revelation).</summary>
    public static BibleDivision DivisionOf(int book)
    {
        if ((uint)book >= Books) throw new ArgumentOutOfRangeException(nameof(book), book, $"BibleVerses: books are numbered 0 … {Books - 1}.");
        int d = DivisionStarts.Length - 1;
        while (DivisionStarts[d] > book) d--;
        return (BibleDivision)d;
    }

    /// <summary>
    /// Indices of a train/test split by chapter: whole chapters, drawn at random (seeded), go to the test side until it holds
    /// at least <paramref name="testFraction"/> of the verses.
    /// </summary>
    public static (int[] Train, int[] Test) SplitByChapter(IReadOnlyList<BibleVerse> verses, double testFraction, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(verses);
        if (testFraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "SplitByChapter: the test fraction must be in (0, 1).");
        var chapters = verses.Select((v, i) => (Key: (v.Book, v.Chapter), Index: i)).GroupBy(x => x.Key).Select(g => g.Select(x => x.Index).ToArray()).ToArray();
        var order = new Generator(seed).Permutation(chapters.Length);
        var test = new List<int>();
        int target = (int)Math.Ceiling(testFraction * verses.Count);
        var testChapters = new HashSet<int>();
        foreach (int c in order)
        {
            if (test.Count >= target) break;
            test.AddRange(chapters[c]);
            testChapters.Add(c);
        }
        var train = Enumerable.Range(0, chapters.Length).Where(c => !testChapters.Contains(c)).SelectMany(c => chapters[c]).Order().ToArray();
        return (train, [.. test.Order()]);
    }
}
