using SharpGrad.Data.Text;

namespace SharpGrad.Tests.Data;

/// <summary>The verse-by-verse King James Bible: parsing references, book divisions, and the split by chapter.</summary>
public class BibleVersesTests
{
    private static readonly string[] Sample =
    [
        "Ge1:1 In the beginning God created the heaven and the earth.",
        "Ge1:2 And the earth was without form, and void.",
        "Ge2:1 Thus the heavens and the earth were finished.",
        "Ex1:1 Now these are the names of the children of Israel.",
        "1Jn1:1 That which was from the beginning.",
    ];

    [Fact]
    public void ReferencesAreParsedAndBooksNumberedInOrder()
    {
        var verses = BibleVerses.Parse(Sample);
        Assert.Equal(5, verses.Count);
        Assert.Equal(new BibleVerse(0, "Ge", 1, 2, "And the earth was without form, and void."), verses[1]);
        Assert.Equal((1, "Ex", 1, 1), (verses[3].Book, verses[3].BookAbbreviation, verses[3].Chapter, verses[3].Verse));
        Assert.Equal((2, "1Jn"), (verses[4].Book, verses[4].BookAbbreviation));   // a leading digit belongs to the book
        Assert.Contains("line 2", Assert.Throws<FormatException>(() => BibleVerses.Parse(["Ge1:1 ok", "no reference here"])).Message);
    }

    [Theory]
    [InlineData(0, BibleDivision.Law)]
    [InlineData(4, BibleDivision.Law)]
    [InlineData(5, BibleDivision.History)]
    [InlineData(16, BibleDivision.History)]
    [InlineData(17, BibleDivision.Wisdom)]
    [InlineData(22, BibleDivision.MajorProphets)]
    [InlineData(27, BibleDivision.MinorProphets)]
    [InlineData(38, BibleDivision.MinorProphets)]
    [InlineData(39, BibleDivision.GospelsAndActs)]
    [InlineData(43, BibleDivision.GospelsAndActs)]
    [InlineData(44, BibleDivision.Epistles)]
    [InlineData(64, BibleDivision.Epistles)]
    [InlineData(65, BibleDivision.Revelation)]
    public void BooksBelongToTheirDivisions(int book, BibleDivision division) => Assert.Equal(division, BibleVerses.DivisionOf(book));

    [Fact]
    public void TheChapterSplitKeepsEveryChapterOnOneSide()
    {
        var lines = Enumerable.Range(1, 40).SelectMany(c => Enumerable.Range(1, 5).Select(v => $"Ge{c}:{v} verse {v} of chapter {c}")).ToList();
        var verses = BibleVerses.Parse(lines);
        var (train, test) = BibleVerses.SplitByChapter(verses, 0.2, seed: 3);
        Assert.Equal(verses.Count, train.Length + test.Length);
        Assert.Equal(40, test.Length);                                          // 8 whole chapters of 5
        var testChapters = test.Select(i => verses[i].Chapter).ToHashSet();
        Assert.DoesNotContain(train, i => testChapters.Contains(verses[i].Chapter));
        Assert.Equal(test, BibleVerses.SplitByChapter(verses, 0.2, seed: 3).Test);  // seeded
    }

    [Fact]
    [Trait("Category", "Data")]
    public void TheWholeBibleHas66BooksAnd31102Verses()
    {
        if (!File.Exists(KingJamesBible.BibleProgram)) return; // needs apt-get install -y bible-kjv
        var verses = BibleVerses.Load();
        Assert.Equal(31_102, verses.Count);
        Assert.Equal(65, verses[^1].Book);
        Assert.Equal(("Rev", 22, 21), (verses[^1].BookAbbreviation, verses[^1].Chapter, verses[^1].Verse));
        Assert.Equal(8, verses.Select(v => v.Division).Distinct().Count());
        Assert.Equal("Jesus wept.", verses.Single(v => v.BookAbbreviation == "John" && v.Chapter == 11 && v.Verse == 35).Text);
    }
}
