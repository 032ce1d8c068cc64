using System.Buffers.Binary;
using System.Text.Json;
using SharpGrad.IO;

namespace SharpGrad.Tests.IO;

/// <summary>
/// The safetensors format against files PyTorch wrote (<c>tools/make_safetensors_fixture.py</c>: every dtype, a scalar, an
/// empty tensor, metadata), every dtype round-tripped, and random corruptions of real files.
/// </summary>
public class SafeTensorsSpecTests : TempDirectoryTest
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static readonly Dictionary<string, SafeTensorsDType> StoredAs = new()
    {
        ["f64"] = SafeTensorsDType.F64, ["f32"] = SafeTensorsDType.F32, ["f16"] = SafeTensorsDType.F16, ["bf16"] = SafeTensorsDType.BF16,
        ["i64"] = SafeTensorsDType.I64, ["i32"] = SafeTensorsDType.I32, ["i16"] = SafeTensorsDType.I16, ["i8"] = SafeTensorsDType.I8,
        ["u8"] = SafeTensorsDType.U8, ["bool"] = SafeTensorsDType.Bool, ["scalar"] = SafeTensorsDType.F32, ["empty"] = SafeTensorsDType.F32,
        ["layer.0.weight"] = SafeTensorsDType.F32,
    };

    [Fact]
    public void AFileWrittenByPyTorchLoadsWithIdenticalValues()
    {
        using var expected = JsonDocument.Parse(File.ReadAllText(Fixture("torch_tensors.json")));
        var (tensors, metadata) = SafeTensors.Load(Fixture("torch_tensors.safetensors"));
        Assert.Equal("pt", metadata["format"]);
        var (infos, _) = SafeTensors.ReadHeader(Fixture("torch_tensors.safetensors"));
        Assert.Equal(13, tensors.Count);
        foreach (var entry in expected.RootElement.EnumerateObject())
        {
            Tensor t = tensors[entry.Name];
            Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()), t.ShapeArray);
            Assert.Equal(entry.Value.GetProperty("dtype").GetString(), SafeTensors.Name(infos.Single(i => i.Name == entry.Name).DType));
            // F16 and BF16 widen to float32 exactly; integers and BOOL to Int64; so every value is the same number
            Assert.Equal(entry.Value.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()), t.ToArray<double>());
            Assert.Equal(entry.Value.GetProperty("dtype").GetString() switch { "F64" => DType.Float64, "F32" or "F16" or "BF16" => DType.Float32, _ => DType.Int64 }, t.DType);
        }
    }

    [Fact]
    public void EveryDTypeRoundTripsAndPyTorchsRoundingIsKept()
    {
        // Save what PyTorch saved, each tensor in its stored dtype: the bytes of every tensor must come out the same.
        var (tensors, metadata) = SafeTensors.Load(Fixture("torch_tensors.safetensors"));
        string path = Path.Combine(Dir, "sharpgrad_tensors.safetensors");
        SafeTensors.Save(path, tensors, metadata, StoredAs);
        var (again, _) = SafeTensors.Load(path);
        foreach (var (name, t) in tensors) Assert.Equal(t.ToArray<double>(), again[name].ToArray<double>());
        var (infos, _) = SafeTensors.ReadHeader(path);
        Assert.All(infos, i => Assert.Equal(StoredAs[i.Name], i.DType));
        // and the data section holds PyTorch's bytes, tensor for tensor
        byte[] ours = File.ReadAllBytes(path), theirs = File.ReadAllBytes(Fixture("torch_tensors.safetensors"));
        var (theirInfos, _) = SafeTensors.ReadHeader(Fixture("torch_tensors.safetensors"));
        long ourStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(ours), theirStart = 8 + (long)BinaryPrimitives.ReadUInt64LittleEndian(theirs);
        foreach (var info in infos)
        {
            var their = theirInfos.Single(i => i.Name == info.Name);
            Assert.Equal(theirs.AsSpan((int)(theirStart + their.Begin), (int)(their.End - their.Begin)).ToArray(),
                ours.AsSpan((int)(ourStart + info.Begin), (int)(info.End - info.Begin)).ToArray());
        }
    }

    [Fact]
    public void Float32StoredAsHalfOrBFloat16RoundsToNearestEven()
    {
        float[] values = [1f, 1.00048828125f, 1.0009765625f, 65520f, -3.3e-8f, float.NaN, float.PositiveInfinity, 1.00390625f, 1.01171875f];
        string path = Path.Combine(Dir, "h.safetensors");
        SafeTensors.Save(path, [new("h", Tensor.FromArray(values)), new("b", Tensor.FromArray(values))], dtypes: new Dictionary<string, SafeTensorsDType>
        {
            ["h"] = SafeTensorsDType.F16,
            ["b"] = SafeTensorsDType.BF16,
        });
        var (t, _) = SafeTensors.Load(path);
        Assert.Equal(values.Select(v => (float)(Half)v), t["h"].ToArray<float>()); // .NET's Half conversion rounds to nearest even
        // bfloat16 keeps 8 significant bits: 1 + 2^-8 is a tie between 1 and 1 + 2^-7 (→ 1, even); 1 + 3·2^-8 → 1 + 2^-6
        float[] b = t["b"].ToArray<float>();
        Assert.Equal(1f, b[0]);
        Assert.Equal(1f, b[7]);
        Assert.Equal(1.015625f, b[8]);
        Assert.True(float.IsNaN(b[5]));
        Assert.Equal(float.PositiveInfinity, b[6]);
    }

    [Fact]
    public void IntegersOutsideTheStoredRangeAndFloatsAsIntegersAreRefused()
    {
        string path = Path.Combine(Dir, "i.safetensors");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SafeTensors.Save(path, [new("x", Tensor.FromArray(new long[] { 1, 300 }))],
            dtypes: new Dictionary<string, SafeTensorsDType> { ["x"] = SafeTensorsDType.U8 }));
        Assert.Contains("outside the range of U8", e.Message);
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [new("x", Tensor.Ones(2))], dtypes: new Dictionary<string, SafeTensorsDType> { ["x"] = SafeTensorsDType.I32 }));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, [new("x", Tensor.Ones(2))], dtypes: new Dictionary<string, SafeTensorsDType> { ["y"] = SafeTensorsDType.F16 }));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void RandomCorruptionsGiveTypedErrorsNeverACrash()
    {
        // real files: PyTorch's fixture and a SharpGrad model's state dict
        string model = Path.Combine(Dir, "model.safetensors");
        var net = new SharpGrad.NN.Sequential(new SharpGrad.NN.Linear(5, 7), new SharpGrad.NN.ReLU(), new SharpGrad.NN.Linear(7, 2));
        SafeTensors.Save(model, net.StateDict(), new Dictionary<string, string> { ["format"] = "pt" });
        var rng = new Random(1234);
        int parsed = 0, rejected = 0;
        foreach (byte[] original in new[] { File.ReadAllBytes(Fixture("torch_tensors.safetensors")), File.ReadAllBytes(model) })
        {
            for (int trial = 0; trial < 1500; trial++)
            {
                byte[] bytes = Mutate(original, rng);
                try
                {
                    var (tensors, _) = SafeTensors.Parse(bytes);
                    Assert.All(tensors.Values, t => Assert.True(t.Numel * 1L <= bytes.Length, "a tensor larger than the file"));
                    parsed++;
                }
                catch (SafeTensorsFormatException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                    rejected++;
                }
            }
        }
        Assert.True(rejected > 1000, $"only {rejected} corruptions were detected");
        Assert.True(parsed > 0, "some corruptions (inside the data) leave a valid file");
    }

    [Fact]
    public void TheSnippetOfDocsModulesRuns()
    {
        var trained = new SharpGrad.NN.Sequential(new SharpGrad.NN.Linear(4, 8), new SharpGrad.NN.BatchNorm1d(8), new SharpGrad.NN.ReLU(), new SharpGrad.NN.Linear(8, 2));
        var copy = new SharpGrad.NN.Sequential(new SharpGrad.NN.Linear(4, 8), new SharpGrad.NN.BatchNorm1d(8), new SharpGrad.NN.ReLU(), new SharpGrad.NN.Linear(8, 2));
        string model = Path.Combine(Dir, "model.safetensors"), half = Path.Combine(Dir, "model-half.safetensors");
        SafeTensors.Save(model, trained.StateDict(), new Dictionary<string, string> { ["format"] = "pt" });
        var (tensors, metadata) = SafeTensors.Load(model);
        copy.LoadStateDict(tensors);
        SafeTensors.Save(half, trained.StateDict(), dtypes: new Dictionary<string, SafeTensorsDType> { ["0.weight"] = SafeTensorsDType.BF16 });
        var (infos, _) = SafeTensors.ReadHeader(half);

        Assert.Equal("pt", metadata["format"]);
        Assert.Equal(trained.StateDict()["3.weight"].ToArray<float>(), copy.StateDict()["3.weight"].ToArray<float>());
        Assert.Equal(SafeTensorsDType.BF16, infos.Single(i => i.Name == "0.weight").DType);
        Assert.Equal(SafeTensorsDType.F32, infos.Single(i => i.Name == "0.bias").DType);
        Assert.Equal(SafeTensorsDType.I64, infos.Single(i => i.Name == "1.num_batches_tracked").DType);
    }

    /// <summary>One random corruption: bit flips, a truncation, a huge length or offset, or a changed header byte.</summary>
    private static byte[] Mutate(byte[] original, Random rng)
    {
        byte[] b = (byte[])original.Clone();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(original);
        switch (rng.Next(6))
        {
            case 0: // bit flips anywhere
                for (int k = rng.Next(1, 5); k > 0; k--) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return b;
            case 1: // truncation
                return b.AsSpan(0, rng.Next(b.Length)).ToArray();
            case 2: // a huge or wrong header length
                BinaryPrimitives.WriteUInt64LittleEndian(b, rng.Next(3) switch { 0 => ulong.MaxValue - (ulong)rng.Next(1000), 1 => (ulong)rng.Next(b.Length * 2), _ => 1UL << rng.Next(64) });
                return b;
            case 3: // a digit of the header replaced (shapes, offsets)
            {
                var digits = Enumerable.Range(8, headerEnd - 8).Where(i => b[i] is >= (byte)'0' and <= (byte)'9').ToList();
                if (digits.Count > 0) b[digits[rng.Next(digits.Count)]] = (byte)('0' + rng.Next(10));
                return b;
            }
            case 4: // a run of digits inserted into the header: huge numbers
            {
                var digits = Enumerable.Range(8, headerEnd - 8).Where(i => b[i] is >= (byte)'0' and <= (byte)'9').ToList();
                if (digits.Count == 0) return b;
                int at = digits[rng.Next(digits.Count)];
                byte[] insert = Enumerable.Range(0, rng.Next(1, 25)).Select(_ => (byte)('0' + rng.Next(10))).ToArray();
                byte[] grown = [.. b.AsSpan(0, at), .. insert, .. b.AsSpan(at)];
                BinaryPrimitives.WriteUInt64LittleEndian(grown, (ulong)(headerEnd - 8 + insert.Length));
                return grown;
            }
            default: // any header byte replaced by a JSON-significant character
                b[rng.Next(8, headerEnd)] = "{}[],:\"-0 e."u8[rng.Next(12)];
                return b;
        }
    }
}
