using SharpGrad.Data;
using SharpGrad.Data.Text;
using Xunit.Abstractions;

namespace SharpGrad.Tests.TextData;

/// <summary>A fact that is skipped, with the install command as the reason, when the KJV text cannot be produced.</summary>
public sealed class KingJamesBibleFactAttribute : FactAttribute
{
    public KingJamesBibleFactAttribute()
    {
        if (!KingJamesBible.IsAvailable)
        {
            Skip = $"The King James Bible is not installed (run: {KingJamesBible.InstallCommand}).";
        }
    }
}

public sealed class TextKingJamesBibleTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-kjv-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LoadsAGivenFile()
    {
        string path = Path.Combine(_dir, "corpus.txt");
        File.WriteAllText(path, "In the beginning\n");
        Assert.Equal("In the beginning\n", KingJamesBible.Load(path));
    }

    [Fact]
    public void MissingFileSaysHowToInstall()
    {
        var e = Assert.Throws<DatasetNotFoundException>(() => KingJamesBible.Load(Path.Combine(_dir, "nope.txt")));
        Assert.Contains(KingJamesBible.InstallCommand, e.Message);
    }

    [KingJamesBibleFact]
    [Trait("Category", "Data")]
    public void ProducesTheWholeText()
    {
        string text = KingJamesBible.Load();
        var tok = CharTokenizer.FromText(text);
        int lines = text.Count(c => c == '\n');
        output.WriteLine($"KJV: {text.Length:N0} chars, {lines:N0} lines, {tok.VocabSize} distinct chars");
        Assert.Equal(31_102, lines);
        Assert.InRange(text.Length, 4_000_000, 4_300_000);
        Assert.InRange(tok.VocabSize, 55, 70);
        Assert.StartsWith("In the beginning God created the heaven and the earth.\n", text);
        Assert.EndsWith("The grace of our Lord Jesus Christ be with you all. Amen.\n", text);
        Assert.Equal(text, tok.Decode(tok.Encode(text)));
    }

    [KingJamesBibleFact]
    [Trait("Category", "Data")]
    public void LoadCachesTheText()
    {
        string? old = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", _dir);
            // Only the bible program can fill an empty cache; a $SHARPGRAD_DATA/kjv.txt would be read first.
            if (!File.Exists(KingJamesBible.BibleProgram) || KingJamesBible.Find() is not null) return;
            string text = KingJamesBible.Load();
            Assert.Equal(Path.Combine(_dir, "sharpgrad", "kjv.txt"), KingJamesBible.CachePath);
            Assert.Equal(text, File.ReadAllText(KingJamesBible.CachePath));
            Assert.Equal(text, KingJamesBible.Load());
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", old);
        }
    }
}
