using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace SharpGrad.IO;

/// <summary>Thrown when a safetensors file is malformed; the message names the field or byte offset.</summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SafeTensorsFormatException(string message) : base(message) { }
}

/// <summary>
/// Reads and writes the safetensors format: an 8-byte little-endian header length, a JSON header mapping each tensor name
/// to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative to the end of the header) plus an optional
/// <c>__metadata__</c> string map, then the raw little-endian data. Writing is atomic (temporary file, then rename).
/// This version handles F32, F64 and I64 — the dtypes of <see cref="Tensor"/>.
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Writes <paramref name="tensors"/> (in the given order) to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.Select(kv => (kv.Key, Tensor: kv.Value.Detach().Contiguous())).ToList();
        var header = new Dictionary<string, object>();
        if (metadata is not null) header["__metadata__"] = metadata;
        long offset = 0;
        foreach (var (name, t) in entries)
        {
            if (name == "__metadata__") throw new ArgumentException("SafeTensors.Save: \"__metadata__\" is reserved and cannot be a tensor name.");
            long size = (long)t.Numel * t.DType.ElementSize();
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = DTypeName(t.DType),
                ["shape"] = t.ShapeArray,
                ["data_offsets"] = new[] { offset, offset + size },
            };
            offset += size;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padding = (8 - json.Length % 8) % 8; // the spec allows trailing spaces; aligning the data helps readers
        AtomicFile.Write(path, stream =>
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)(json.Length + padding));
            stream.Write(lengthBytes);
            stream.Write(json);
            for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
            foreach (var (_, t) in entries) WriteData(stream, t);
        });
    }

    /// <summary>Reads every tensor of a safetensors file, in file order, with its metadata.</summary>
    /// <exception cref="SafeTensorsFormatException">When the header or data is malformed (the message names the field or offset).</exception>
    public static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8) throw new SafeTensorsFormatException($"{path}: file is {bytes.Length} bytes, shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || 8 + (long)headerLength > bytes.Length)
            throw new SafeTensorsFormatException($"{path}: header length {headerLength} at offset 0 exceeds the file size {bytes.Length} (or the 100 MB limit).");
        long dataStart = 8 + (long)headerLength;
        JsonDocument doc;
        try { doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength)); }
        catch (JsonException e) { throw new SafeTensorsFormatException($"{path}: the JSON header (bytes 8..{dataStart}) is invalid: {e.Message}"); }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException($"{path}: the header must be a JSON object.");
        var tensors = new OrderedDictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        var entries = new List<(string Name, DType DType, int[] Shape, long Begin, long End)>();
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__")
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException($"{path}: \"__metadata__\" must be an object of strings.");
                foreach (var m in prop.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw new SafeTensorsFormatException($"{path}: metadata \"{m.Name}\" is not a string.");
                continue;
            }
            entries.Add(ParseEntry(path, prop));
        }
        long dataLength = bytes.Length - dataStart;
        foreach (var (name, dtype, shape, begin, end) in entries.OrderBy(e => e.Begin))
        {
            long expected = (long)Shape.Numel(shape) * dtype.ElementSize();
            if (begin < 0 || end < begin || end > dataLength)
                throw new SafeTensorsFormatException($"{path}: tensor \"{name}\": data_offsets [{begin}, {end}] fall outside the data section of {dataLength} bytes.");
            if (end - begin != expected)
                throw new SafeTensorsFormatException($"{path}: tensor \"{name}\": data_offsets span {end - begin} bytes but dtype {DTypeName(dtype)} with shape {Shape.Format(shape)} needs {expected}.");
            tensors[name] = ReadData(bytes.AsSpan((int)(dataStart + begin), (int)(end - begin)), dtype, shape);
        }
        // keep file (header) order for names
        var ordered = new OrderedDictionary<string, Tensor>();
        foreach (var e in entries) ordered[e.Name] = tensors[e.Name];
        return (ordered, metadata);
    }

    private static (string, DType, int[], long, long) ParseEntry(string path, JsonProperty prop)
    {
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": entry must be an object.");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": missing field \"dtype\".");
        DType dtype = dt.GetString() switch
        {
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "I64" => DType.Int64,
            var other => throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": dtype \"{other}\" is not supported yet (F32, F64, I64 are)."),
        };
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": missing field \"shape\".");
        var shape = sh.EnumerateArray().Select(d => d.TryGetInt32(out int x) && x >= 0 ? x
            : throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": invalid dimension {d} in \"shape\".")).ToArray();
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": \"data_offsets\" must be [begin, end].");
        long begin = off[0].TryGetInt64(out long b) ? b : throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": invalid data_offsets begin.");
        long end = off[1].TryGetInt64(out long e) ? e : throw new SafeTensorsFormatException($"{path}: tensor \"{prop.Name}\": invalid data_offsets end.");
        return (prop.Name, dtype, shape, begin, end);
    }

    private static string DTypeName(DType dtype) => dtype switch
    {
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        _ => "I64",
    };

    private static void WriteData(Stream stream, Tensor t)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("SafeTensors: big-endian machines are not supported.");
        switch (t.DType)
        {
            case DType.Float32: stream.Write(MemoryMarshal.AsBytes((ReadOnlySpan<float>)t.ToArray<float>())); break;
            case DType.Float64: stream.Write(MemoryMarshal.AsBytes((ReadOnlySpan<double>)t.ToArray<double>())); break;
            default: stream.Write(MemoryMarshal.AsBytes((ReadOnlySpan<long>)t.ToArray<long>())); break;
        }
    }

    private static Tensor ReadData(ReadOnlySpan<byte> data, DType dtype, int[] shape) => dtype switch
    {
        DType.Float32 => Tensor.FromArray(MemoryMarshal.Cast<byte, float>(data).ToArray(), shape.Length == 0 ? [] : shape).ReshapeTo(shape),
        DType.Float64 => Tensor.FromArray(MemoryMarshal.Cast<byte, double>(data).ToArray(), shape.Length == 0 ? [] : shape).ReshapeTo(shape),
        _ => Tensor.FromArray(MemoryMarshal.Cast<byte, long>(data).ToArray(), shape.Length == 0 ? [] : shape).ReshapeTo(shape),
    };

    private static Tensor ReshapeTo(this Tensor t, int[] shape) => Shape.Equal(t.Shape, shape) ? t : t.Reshape(shape);
}
