using System.Buffers.Binary;
using System.Text;
using SharpGrad.IO;

namespace SharpGrad.Tests.IO;

public class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripKeepsNamesOrderShapesDTypesAndMetadata()
    {
        string path = Path.Combine(_dir, "m.safetensors");
        var tensors = new Dictionary<string, Tensor>
        {
            ["layers.0.weight"] = Tensor.Arange(6).Reshape(2, 3).T, // non-contiguous view
            ["layers.0.bias"] = Tensor.FromArray(new double[] { 0.5, -1 }),
            ["steps"] = Tensor.FromArray(new long[] { 7 }),
            ["scalar"] = Tensor.Scalar(3.25),
            ["empty"] = Tensor.Zeros(0, 4),
        };
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var (loaded, meta) = SafeTensors.Load(path);
        Assert.Equal(tensors.Keys, loaded.Keys);
        Assert.Equal("pt", meta["format"]);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.DType, loaded[name].DType);
            Assert.Equal(t.ShapeArray, loaded[name].ShapeArray);
            Assert.Equal(t.ToArray<double>(), loaded[name].ToArray<double>());
        }
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));
    }

    private string WriteRaw(string header, byte[]? data = null, long? declaredLength = null)
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".safetensors");
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + (data?.Length ?? 0)];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(declaredLength ?? json.Length));
        json.CopyTo(bytes, 8);
        data?.CopyTo(bytes, 8 + json.Length);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void MalformedFilesGiveTypedErrorsNamingTheProblem()
    {
        string shortFile = Path.Combine(_dir, "short");
        File.WriteAllBytes(shortFile, [1, 2, 3]);
        Assert.Contains("8-byte", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(shortFile)).Message);
        Assert.Contains("exceeds the 2 bytes after it", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(WriteRaw("{}", declaredLength: 999))).Message);
        Assert.Contains("100 MB", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(WriteRaw("{}", declaredLength: long.MaxValue))).Message);
        Assert.Contains("must start with '{'", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(WriteRaw(" {}"))).Message);
        Assert.Contains("JSON header", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(WriteRaw("{not json"))).Message);
        Assert.Contains("outside the data section", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]))).Message);
        Assert.Contains("needs 8", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[8]))).Message);
        Assert.Contains("\"C64\" is not supported", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"w\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,8]}}", new byte[8]))).Message);
        Assert.Contains("a hole in", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[2,3]}}", new byte[3]))).Message);
        Assert.Contains("overlapping", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", new byte[2]))).Message);
        Assert.Contains("not indexed", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[5]))).Message);
        Assert.Contains("twice", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", new byte[2]))).Message);
        Assert.Contains("more than", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"a\":{\"dtype\":\"F64\",\"shape\":[2000000000,2000000000],\"data_offsets\":[0,8]}}", new byte[8]))).Message);
        Assert.Contains("byte offset", Assert.Throws<SafeTensorsFormatException>(() => SafeTensors.Load(WriteRaw("{\"a\":[1,}"))).Message);
        Assert.Contains("shape", Assert.Throws<SafeTensorsFormatException>(() =>
            SafeTensors.Load(WriteRaw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]))).Message);
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileIntact()
    {
        string path = Path.Combine(_dir, "keep.txt");
        AtomicFile.WriteAllText(path, "good");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.WriteByte(1);
            throw new InvalidOperationException("crash mid-write");
        }));
        Assert.Equal("good", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
