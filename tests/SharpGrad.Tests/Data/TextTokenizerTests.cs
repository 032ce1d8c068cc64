using SharpGrad.Data.Text;
using SharpGrad.Text;

namespace SharpGrad.Tests.TextData;

public sealed class TextTokenizerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-tok-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CharTokenizerIsSortedDistinctCharacters()
    {
        var tok = CharTokenizer.FromText("hello world\n");
        Assert.Equal("\n dehlorw", new string(tok.Vocabulary.ToArray()));
        Assert.Equal(9, tok.VocabSize);
        Assert.Equal([4, 3, 5, 5, 6], tok.Encode("hello"));
        Assert.Equal(string.Empty, tok.Decode([]));
        Assert.Empty(tok.Encode(string.Empty));
    }

    [Fact]
    public void CharTokenizerRoundTrips()
    {
        const string text = "In the beginning God created the heaven and the earth.\nAnd the earth was without form, and void; é ☃";
        var tok = CharTokenizer.FromText(text);
        Assert.Equal(text, tok.Decode(tok.Encode(text)));
    }

    [Fact]
    public void UnknownCharacterIsAClearError()
    {
        var tok = CharTokenizer.FromText("abc");
        var e = Assert.Throws<ArgumentException>(() => tok.Encode("abz"));
        Assert.Contains("'z'", e.Message);
        Assert.Contains("position 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tok.Decode([3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => tok.Decode([-1]));
    }

    [Fact]
    public void UnknownFallbackMapsToItsId()
    {
        var tok = CharTokenizer.FromText("abc", unknown: '?');
        Assert.Equal(4, tok.VocabSize);
        Assert.Equal("ab??", tok.Decode(tok.Encode("abzé")));
        Assert.True(tok.Contains('?'));
        Assert.False(tok.Contains('z'));
    }

    [Theory]
    [InlineData(null)]
    [InlineData('~')]
    public void CharTokenizerSavesAndLoads(char? unknown)
    {
        var tok = CharTokenizer.FromText("The \"quoted\"\tand\\back\nslash é", unknown);
        string path = Path.Combine(_dir, "sub", "tokenizer.json");
        tok.Save(path);
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));
        CharTokenizer back = CharTokenizer.Load(path);
        Assert.Equal(tok.Vocabulary, back.Vocabulary);
        Assert.Equal(unknown, back.Unknown);
        ITokenizer generic = TokenizerJson.Load(path);
        Assert.IsType<CharTokenizer>(generic);
        Assert.Equal(tok.Encode("slash"), generic.Encode("slash"));
    }

    [Fact]
    public void MalformedTokenizerJsonIsAFormatException()
    {
        Assert.Throws<FormatException>(() => TokenizerJson.Parse("{"));
        Assert.Throws<FormatException>(() => TokenizerJson.Parse("{\"vocabulary\":\"ab\"}"));
        Assert.Throws<FormatException>(() => TokenizerJson.Parse("{\"type\":\"char\"}"));
        Assert.Throws<FormatException>(() => TokenizerJson.Parse("{\"type\":\"char\",\"vocabulary\":\"aa\"}"));
        var e = Assert.Throws<FormatException>(() => TokenizerJson.Parse("{\"type\":\"nope\"}"));
        Assert.Contains("nope", e.Message);
    }

    [Fact]
    public void Gpt2KnownIds()
    {
        var tok = Gpt2Tokenizer.Instance;
        Assert.Equal(50257, tok.VocabSize);
        Assert.Equal([15496, 995], tok.Encode("Hello world"));
        Assert.Equal("Hello world", tok.Decode([15496, 995]));
        Assert.Equal([Gpt2Tokenizer.EndOfTextId], tok.Encode(Gpt2Tokenizer.EndOfText));
    }

    [Theory]
    [InlineData("In the beginning God created the heaven and the earth.")]
    [InlineData("  leading spaces, tabs\t and\nnewlines\r\n")]
    [InlineData("Unicode: é, ☃, 日本語, emoji 🙂")]
    [InlineData("")]
    public void Gpt2RoundTripsExactly(string text)
    {
        var tok = Gpt2Tokenizer.Instance;
        int[] ids = tok.Encode(text);
        Assert.All(ids, id => Assert.InRange(id, 0, 50256));
        Assert.Equal(text, tok.Decode(ids));
    }

    [Fact]
    public void Gpt2SavesAsJsonAndParsesBack()
    {
        ITokenizer back = TokenizerJson.Parse(Gpt2Tokenizer.Instance.ToJson());
        Assert.Same(Gpt2Tokenizer.Instance, back);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2Tokenizer.Instance.Decode([50257]));
    }
}
