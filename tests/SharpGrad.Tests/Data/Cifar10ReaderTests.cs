using SharpGrad.Data;

namespace SharpGrad.Tests.Data;

public sealed class Cifar10ReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpgrad-cifar-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Record r: label (r + first) % 10; R plane all r, G plane 0 … 255 repeating, B plane 255.</summary>
    internal static byte[] Records(int count, int first = 0)
    {
        var bytes = new byte[count * Cifar10Reader.RecordBytes];
        for (int r = 0; r < count; r++)
        {
            int o = r * Cifar10Reader.RecordBytes;
            bytes[o] = (byte)((r + first) % 10);
            for (int i = 0; i < 1024; i++)
            {
                bytes[o + 1 + i] = (byte)r;
                bytes[o + 1 + 1024 + i] = (byte)(i % 256);
                bytes[o + 1 + 2048 + i] = 255;
            }
        }

        return bytes;
    }

    internal static void WriteFakeSet(string dir, int perBatch = 2, bool meta = true)
    {
        Directory.CreateDirectory(dir);
        for (int b = 0; b < 5; b++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"data_batch_{b + 1}.bin"), Records(perBatch, first: b));
        }

        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), Records(3, first: 7));
        if (meta)
        {
            File.WriteAllText(Path.Combine(dir, "batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        }
    }

    [Fact]
    public void ReadsRecordsIntoPlanesScaledToOne()
    {
        string path = Path.Combine(_dir, "b.bin");
        File.WriteAllBytes(path, Records(3));
        TensorDataset data = Cifar10Reader.Read(path);
        Assert.Equal([3, 3, 32, 32], data.Inputs.ShapeArray);
        Assert.Equal(DType.Int64, data.Targets.DType);
        Assert.Equal([0L, 1, 2], data.Targets.ToArray<long>());
        Assert.Equal(2f / 255, (float)data.Inputs[2, 0, 5, 7]);          // R plane of record 2
        Assert.Equal(((32 * 1) + 3) % 256 / 255f, (float)data.Inputs[0, 1, 1, 3]);   // G plane, row 1, column 3
        Assert.Equal(1f, (float)data.Inputs[1, 2, 31, 31]);                // B plane
    }

    [Fact]
    public void LoadsTheFiveTrainingBatchesTheTestBatchAndTheClassNames()
    {
        WriteFakeSet(Path.Combine(_dir, "cifar-10-batches-bin"));
        Cifar10Data data = Cifar10Reader.Load(_dir);   // the parent folder is accepted too
        Assert.Equal(10, data.Train.Count);
        Assert.Equal(3, data.Test.Count);
        Assert.Equal([0L, 1, 1, 2, 2, 3, 3, 4, 4, 5], data.Train.Targets.ToArray<long>());
        Assert.Equal([7L, 8, 9], data.Test.Targets.ToArray<long>());
        Assert.Equal("truck", data.ClassNames[9]);
        Assert.Equal(10, data.ClassNames.Count);
        var (train, test) = data;
        Assert.Equal([10, 3, 32, 32], train.Inputs.ShapeArray);
        Assert.Equal(3, test.Count);
    }

    [Fact]
    public void ALengthThatIsNotWholeRecordsGivesTheOffset()
    {
        string path = Path.Combine(_dir, "data_batch_1.bin");
        File.WriteAllBytes(path, [.. Records(2), 1, 2, 3]);
        var e = Assert.Throws<Cifar10FormatException>(() => Cifar10Reader.Read(path));
        Assert.Equal(2 * 3073, e.Offset);
        Assert.Contains(path, e.Message);
        Assert.Contains("byte offset 6146", e.Message);
        Assert.Contains("3073", e.Message);
        Assert.IsAssignableFrom<DataFormatException>(e);
    }

    [Fact]
    public void ALabelOfTenOrMoreIsRejected()
    {
        string path = Path.Combine(_dir, "data_batch_1.bin");
        byte[] bytes = Records(3);
        bytes[2 * 3073] = 10;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<Cifar10FormatException>(() => Cifar10Reader.Read(path));
        Assert.Equal(2 * 3073, e.Offset);
        Assert.Contains("record 2 has label 10", e.Message);

        File.WriteAllBytes(path, []);
        Assert.Contains("empty", Assert.Throws<Cifar10FormatException>(() => Cifar10Reader.Read(path)).Message);
    }

    [Fact]
    public void MissingFilesAreListed()
    {
        WriteFakeSet(_dir, meta: false);
        File.Delete(Path.Combine(_dir, "data_batch_3.bin"));
        var e = Assert.Throws<DatasetNotFoundException>(() => Cifar10Reader.Load(_dir));
        Assert.Contains("data_batch_3.bin", e.Message);
        File.WriteAllBytes(Path.Combine(_dir, "data_batch_3.bin"), Records(1));
        Assert.Equal(Cifar10Reader.DefaultClassNames, Cifar10Reader.Load(_dir).ClassNames);   // no meta file
    }
}
