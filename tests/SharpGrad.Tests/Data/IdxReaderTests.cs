using System.IO.Compression;
using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static byte[] Pixels(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 37 % 256)).ToArray();

    /// <summary>Header bytes of an unsigned-byte IDX file.</summary>
    private static byte[] Header(params int[] dims)
    {
        var h = new List<byte> { 0, 0, 0x08, (byte)dims.Length };
        foreach (int d in dims)
        {
            h.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        }

        return [.. h];
    }

    private string WriteBytes(string name, byte[] bytes, bool gzip = false)
    {
        string path = PathOf(name);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }

        using var file = File.Create(path);
        using var z = new GZipStream(file, CompressionLevel.Fastest);
        z.Write(bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RoundTripsImagesAndLabels(bool gzip)
    {
        byte[] pixels = Pixels(5 * 3 * 4);
        byte[] labels = [3, 0, 9, 1, 255];
        IdxWriter.Write(PathOf("images"), [5, 3, 4], pixels, gzip);
        IdxWriter.Write(PathOf("labels"), [5], labels, gzip);

        byte[] head = File.ReadAllBytes(PathOf("images"))[..2];
        Assert.Equal(gzip, head[0] == 0x1f && head[1] == 0x8b);

        IdxArray a = IdxReader.Read(PathOf("images"));
        Assert.Equal([5, 3, 4], a.Dimensions);
        Assert.Equal(pixels, a.Data);
        Assert.Equal(IdxReader.ImagesMagic, a.Magic);

        Tensor images = IdxReader.ReadImages(PathOf("images"));
        Assert.Equal([5, 12], images.ShapeArray);
        float[] values = images.ToArray();
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255f, values[i]);
        }

        Assert.Equal([5, 1, 3, 4], IdxReader.ReadImages(PathOf("images"), flatten: false).ShapeArray);
        Tensor y = IdxReader.ReadLabels(PathOf("labels"));
        Assert.Equal(DType.Int64, y.DType);
        Assert.Equal([3L, 0, 9, 1, 255], y.ToArray<long>());

        TensorDataset d = IdxReader.ReadDataset(PathOf("images"), PathOf("labels"));
        Assert.Equal(5, d.Count);
        Assert.Equal(9, d.Get(2).Target.Item());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WrongMagicIsReported(bool gzip)
    {
        string path = WriteBytes("bad", [0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4], gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("wrong magic number 0x504B0304", e.Message);
        Assert.Contains("0x00000803", e.Message);
        Assert.Equal(0, e.Offset);
        Assert.IsAssignableFrom<IOException>(e);
    }

    [Fact]
    public void LabelsFileGivenAsImagesIsReported()
    {
        IdxWriter.Write(PathOf("labels"), [3], [1, 2, 3]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(PathOf("labels")));
        Assert.Contains("0x00000801 means 1 dimension(s), but 3 are needed", e.Message);
    }

    [Fact]
    public void UnsupportedDataTypeIsReported()
    {
        string path = WriteBytes("float", [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.Read(path));
        Assert.Contains("Float32 (0x0D)", e.Message);
        Assert.Contains("only unsigned-byte", e.Message);
        Assert.Contains("0x07, which is not an IDX data type", Assert.Throws<IdxFormatException>(() => IdxReader.Read(WriteBytes("t7", [0, 0, 7, 1])) ).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedHeaderIsReported(bool gzip)
    {
        byte[] header = Header(10, 28, 28);
        string path = WriteBytes("short", header[..9], gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("header is truncated", e.Message);
        Assert.Equal(16, e.Expected);
        Assert.Equal(9, e.Actual);
        Assert.Equal(9, e.Offset);

        Assert.Contains("the file is empty", Assert.Throws<IdxFormatException>(() => IdxReader.Read(WriteBytes("empty", [], gzip))).Message);
        Assert.Contains("magic number needs 4 bytes", Assert.Throws<IdxFormatException>(() => IdxReader.Read(WriteBytes("two", [0, 0], gzip))).Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedDataIsReportedWithOffsetAndSizes(bool gzip)
    {
        byte[] bytes = [.. Header(4, 2, 2), .. Pixels(13)]; // 16 pixels declared, 13 present
        string path = WriteBytes("trunc", bytes, gzip);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadImages(path));
        Assert.Contains("data is truncated", e.Message);
        Assert.Contains("3 missing", e.Message);
        Assert.Equal(16 + 13, e.Offset);
        Assert.Equal(16 + 16, e.Expected);
        Assert.Equal(16 + 13, e.Actual);
        Assert.Contains($"byte offset {16 + 13}", e.Message);
    }

    [Fact]
    public void ExtraBytesAreReported()
    {
        string path = WriteBytes("long", [.. Header(2), 1, 2, 3]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));
        Assert.Contains("1 byte(s) after", e.Message);
        Assert.Equal(10, e.Expected); // 8-byte header + 2 labels
        Assert.Equal(11, e.Actual);
    }

    [Fact]
    public void CorruptGzipIsReported()
    {
        IdxWriter.Write(PathOf("z"), [100], Pixels(100), gzip: true);
        byte[] bytes = File.ReadAllBytes(PathOf("z"));
        for (int i = 12; i < bytes.Length - 8; i++)
        {
            bytes[i] ^= 0x5A;
        }

        string path = WriteBytes("zbad", bytes);
        Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(path));

        // A gzip stream cut short either fails to inflate or yields too few bytes: both are IdxFormatException.
        IdxWriter.Write(PathOf("z2"), [4000], Pixels(4000), gzip: true);
        byte[] whole = File.ReadAllBytes(PathOf("z2"));
        string cut = WriteBytes("zcut", whole[..(whole.Length / 2)]);
        Assert.Throws<IdxFormatException>(() => IdxReader.ReadLabels(cut));
    }

    [Fact]
    public void ImageAndLabelCountsMustAgree()
    {
        IdxWriter.Write(PathOf("images"), [3, 2, 2], Pixels(12));
        IdxWriter.Write(PathOf("labels"), [4], [0, 1, 2, 3]);
        var e = Assert.Throws<IdxFormatException>(() => IdxReader.ReadDataset(PathOf("images"), PathOf("labels")));
        Assert.Contains("has 4 labels but the images file", e.Message);
        Assert.Contains("has 3 images", e.Message);
        Assert.Equal(3, e.Expected);
        Assert.Equal(4, e.Actual);
    }

    /// <summary>A stream that cannot seek, like a pipe or a network stream.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsNonSeekableStreams(bool gzip)
    {
        IdxWriter.Write(PathOf("s"), [3, 2], [1, 2, 3, 4, 5, 6], gzip);
        using var stream = new ForwardOnly(new MemoryStream(File.ReadAllBytes(PathOf("s"))));
        IdxArray a = IdxReader.Read(stream, "pipe", expectedRank: 2);
        Assert.Equal([3, 2], a.Dimensions);
        Assert.Equal([1, 2, 3, 4, 5, 6], a.Data);
    }

    [Fact]
    public void WriterValidatesItsArguments()
    {
        Assert.Throws<ArgumentException>(() => IdxWriter.Write(PathOf("x"), [2, 2], new byte[3]));
        Assert.Throws<ArgumentException>(() => IdxWriter.Write(PathOf("x"), [], new byte[1]));
    }
}
