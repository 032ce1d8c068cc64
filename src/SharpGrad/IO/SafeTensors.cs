using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace SharpGrad.IO;

/// <summary>Thrown when a safetensors file is malformed; the message names the field or byte offset.</summary>
public sealed class SafeTensorsFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public SafeTensorsFormatException(string message) : base(message) { }
}

/// <summary>The element types of the safetensors format (the <c>dtype</c> strings of its header).</summary>
public enum SafeTensorsDType
{
    /// <summary>"F64": IEEE double.</summary>
    F64,
    /// <summary>"F32": IEEE single.</summary>
    F32,
    /// <summary>"F16": IEEE half.</summary>
    F16,
    /// <summary>"BF16": bfloat16 (the upper half of a float32).</summary>
    BF16,
    /// <summary>"I64".</summary>
    I64,
    /// <summary>"I32".</summary>
    I32,
    /// <summary>"I16".</summary>
    I16,
    /// <summary>"I8".</summary>
    I8,
    /// <summary>"U8".</summary>
    U8,
    /// <summary>"BOOL": one byte, 0 or 1.</summary>
    Bool,
}

/// <summary>One tensor's entry in a safetensors header: name, stored dtype, shape and byte range within the data section.</summary>
public sealed record SafeTensorInfo(string Name, SafeTensorsDType DType, int[] Shape, long Begin, long End);

/// <summary>
/// Reads and writes the safetensors format (Hugging Face's specification): an 8-byte little-endian header length N, a JSON
/// header of N bytes mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets relative
/// to the end of the header) plus an optional <c>__metadata__</c> map of strings, then the raw little-endian data.
/// <para>Every field is checked: the header length against the file, the JSON, each dtype, shape and offset pair, and that
/// the tensors' byte ranges tile the data section exactly (no holes, no overlaps), as the specification requires. A
/// malformed file raises <see cref="SafeTensorsFormatException"/> naming the field or byte offset; nothing is allocated
/// beyond what the file's own size bounds.</para>
/// <para>Loading gives SharpGrad dtypes: F16 and BF16 become Float32, the integer types and BOOL become Int64. Saving
/// writes Float32, Float64 and Int64 as F32, F64 and I64, or as any other dtype named per tensor (F16, BF16 rounded to
/// nearest even as PyTorch does; integers checked against the target range). Writing is atomic (temporary file, then rename).</para>
/// </summary>
public static class SafeTensors
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024; // the specification's limit
    private const string MetadataKey = "__metadata__";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes <paramref name="tensors"/> (in the given order) to <paramref name="path"/> atomically. <paramref name="dtypes"/>
    /// names the stored dtype of any tensor that should not use its own (e.g. <c>F16</c> or <c>BF16</c> for a Float32 weight).
    /// </summary>
    /// <exception cref="ArgumentException">A reserved or repeated name, or a dtype that cannot hold the tensor (a float stored as an integer type).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An integer value outside the range of the dtype asked for.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, SafeTensorsDType>? dtypes = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var entries = new List<(string Name, Tensor Tensor, SafeTensorsDType DType)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name == MetadataKey) throw new ArgumentException($"SafeTensors.Save: \"{MetadataKey}\" is reserved and cannot be a tensor name.");
            if (!names.Add(name)) throw new ArgumentException($"SafeTensors.Save: the tensor name \"{name}\" appears twice.");
            SafeTensorsDType stored = dtypes is not null && dtypes.TryGetValue(name, out var d) ? d : Natural(tensor.DType);
            CheckStorable(name, tensor.DType, stored);
            entries.Add((name, tensor.Detach().Contiguous(), stored));
        }
        if (dtypes is not null)
            foreach (var name in dtypes.Keys)
                if (!names.Contains(name)) throw new ArgumentException($"SafeTensors.Save: a dtype is given for \"{name}\", which is not among the tensors.");

        var header = new Dictionary<string, object>();
        if (metadata is not null) header[MetadataKey] = metadata;
        long offset = 0;
        foreach (var (name, t, dtype) in entries)
        {
            long size = (long)t.Numel * ElementSize(dtype);
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = Name(dtype),
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
            foreach (var (name, t, dtype) in entries) stream.Write(Encode(name, t, dtype));
        });
    }

    /// <summary>Reads every tensor of a safetensors file, in header order, with its metadata.</summary>
    /// <exception cref="SafeTensorsFormatException">When the header or data is malformed (the message names the field or offset).</exception>
    public static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path) =>
        Parse(File.ReadAllBytes(path), path);

    /// <summary>The header of a safetensors file (each tensor's stored dtype, shape and byte range, and the metadata), checked, without reading the data.</summary>
    /// <exception cref="SafeTensorsFormatException">When the header is malformed.</exception>
    public static (IReadOnlyList<SafeTensorInfo> Tensors, Dictionary<string, string> Metadata) ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
            throw new SafeTensorsFormatException($"{path}: file is {stream.Length} bytes, shorter than the 8-byte header length.");
        long headerLength = CheckHeaderLength(path, BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes), stream.Length);
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        return ParseHeader(path, header, stream.Length - 8 - headerLength);
    }

    /// <summary>Parses a whole safetensors file held in memory; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="SafeTensorsFormatException">When the header or data is malformed.</exception>
    public static (OrderedDictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Parse(ReadOnlySpan<byte> bytes, string source = "safetensors data")
    {
        if (bytes.Length < 8) throw new SafeTensorsFormatException($"{source}: file is {bytes.Length} bytes, shorter than the 8-byte header length.");
        long headerLength = CheckHeaderLength(source, BinaryPrimitives.ReadUInt64LittleEndian(bytes), bytes.Length);
        long dataStart = 8 + headerLength;
        var (infos, metadata) = ParseHeader(source, bytes.Slice(8, (int)headerLength), bytes.Length - dataStart);
        var tensors = new OrderedDictionary<string, Tensor>();
        foreach (var info in infos)
            tensors[info.Name] = Decode(bytes.Slice((int)(dataStart + info.Begin), (int)(info.End - info.Begin)), info.DType, info.Shape);
        return (tensors, metadata);
    }

    private static long CheckHeaderLength(string source, ulong headerLength, long fileLength)
    {
        if (headerLength > MaxHeaderBytes || (long)headerLength > fileLength - 8)
            throw new SafeTensorsFormatException($"{source}: the header length {headerLength} (bytes 0..7) exceeds the {fileLength - 8} bytes after it" +
                (headerLength > MaxHeaderBytes ? " and the 100 MB limit." : "."));
        if (headerLength < 2) throw new SafeTensorsFormatException($"{source}: the header length {headerLength} (bytes 0..7) is too short for a JSON object.");
        return (long)headerLength;
    }

    private static (IReadOnlyList<SafeTensorInfo>, Dictionary<string, string>) ParseHeader(string source, ReadOnlySpan<byte> header, long dataLength)
    {
        if (header[0] != (byte)'{') throw new SafeTensorsFormatException($"{source}: the header must start with '{{' at byte offset 8, found 0x{header[0]:X2}.");
        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            int at = 0;
            try { StrictUtf8.GetCharCount(header); }
            catch (DecoderFallbackException e) { at = e.Index; }
            throw new SafeTensorsFormatException($"{source}: the header is not valid UTF-8 (byte offset {8 + at}).");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new SafeTensorsFormatException($"{source}: the JSON header is invalid at byte offset {8 + (e.BytePositionInLine ?? 0)}" +
                $"{(e.LineNumber is > 0 ? $" (line {e.LineNumber + 1})" : "")}: {e.Message}");
        }
        using var _ = doc;
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException($"{source}: the header must be a JSON object.");
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var infos = new List<SafeTensorInfo>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (!names.Add(prop.Name)) throw new SafeTensorsFormatException($"{source}: the header names \"{prop.Name}\" twice.");
            if (prop.Name == MetadataKey)
            {
                if (prop.Value.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException($"{source}: \"{MetadataKey}\" must be an object of strings.");
                foreach (var m in prop.Value.EnumerateObject())
                    metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                        : throw new SafeTensorsFormatException($"{source}: metadata \"{m.Name}\" is not a string.");
                continue;
            }
            infos.Add(ParseEntry(source, prop, dataLength));
        }
        // The data section must be covered exactly: sorted by offset, each tensor starts where the previous one ended.
        long expectedBegin = 0;
        foreach (var info in infos.OrderBy(i => i.Begin).ThenBy(i => i.End))
        {
            if (info.Begin != expectedBegin)
                throw new SafeTensorsFormatException($"{source}: tensor \"{info.Name}\": data_offsets begin at {info.Begin}, but the data before it ends at " +
                    $"{expectedBegin} ({(info.Begin < expectedBegin ? "overlapping" : "a hole in")} the data section).");
            expectedBegin = info.End;
        }
        if (expectedBegin != dataLength)
            throw new SafeTensorsFormatException($"{source}: the tensors cover {expectedBegin} bytes of the {dataLength}-byte data section; the rest is not indexed by any tensor.");
        return (infos, metadata);
    }

    private static SafeTensorInfo ParseEntry(string source, JsonProperty prop, long dataLength)
    {
        string where = $"{source}: tensor \"{prop.Name}\"";
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw new SafeTensorsFormatException($"{where}: the entry must be an object.");
        if (!v.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw new SafeTensorsFormatException($"{where}: missing field \"dtype\".");
        SafeTensorsDType dtype = ParseDType(dt.GetString()!) ?? throw new SafeTensorsFormatException(
            $"{where}: dtype \"{dt.GetString()}\" is not supported (F64, F32, F16, BF16, I64, I32, I16, I8, U8 and BOOL are).");
        if (!v.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw new SafeTensorsFormatException($"{where}: missing field \"shape\".");
        var shape = new int[sh.GetArrayLength()];
        long numel = 1;
        int k = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (!d.TryGetInt32(out int x) || x < 0) throw new SafeTensorsFormatException($"{where}: invalid dimension {d} in \"shape\" (dimensions are non-negative integers).");
            shape[k++] = x;
            numel = Math.Min(numel * x, (long)int.MaxValue + 1);
        }
        if (numel > int.MaxValue) throw new SafeTensorsFormatException($"{where}: shape {Shape.Format(shape)} has more than {int.MaxValue} elements.");
        if (!v.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new SafeTensorsFormatException($"{where}: \"data_offsets\" must be [begin, end].");
        if (!off[0].TryGetInt64(out long begin) || !off[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw new SafeTensorsFormatException($"{where}: \"data_offsets\" {off} must be two integers 0 ≤ begin ≤ end.");
        if (end > dataLength)
            throw new SafeTensorsFormatException($"{where}: data_offsets [{begin}, {end}] fall outside the data section of {dataLength} bytes.");
        long expected = numel * ElementSize(dtype);
        if (end - begin != expected)
            throw new SafeTensorsFormatException($"{where}: data_offsets [{begin}, {end}] span {end - begin} bytes but dtype {Name(dtype)} with shape {Shape.Format(shape)} needs {expected}.");
        return new SafeTensorInfo(prop.Name, dtype, shape, begin, end);
    }

    /// <summary>The header string of a dtype ("F32", "BF16", "BOOL", …).</summary>
    public static string Name(SafeTensorsDType dtype) => dtype == SafeTensorsDType.Bool ? "BOOL" : dtype.ToString();

    private static SafeTensorsDType? ParseDType(string name) => name switch
    {
        "F64" => SafeTensorsDType.F64,
        "F32" => SafeTensorsDType.F32,
        "F16" => SafeTensorsDType.F16,
        "BF16" => SafeTensorsDType.BF16,
        "I64" => SafeTensorsDType.I64,
        "I32" => SafeTensorsDType.I32,
        "I16" => SafeTensorsDType.I16,
        "I8" => SafeTensorsDType.I8,
        "U8" => SafeTensorsDType.U8,
        "BOOL" => SafeTensorsDType.Bool,
        _ => null,
    };

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(SafeTensorsDType dtype) => dtype switch
    {
        SafeTensorsDType.F64 or SafeTensorsDType.I64 => 8,
        SafeTensorsDType.F32 or SafeTensorsDType.I32 => 4,
        SafeTensorsDType.F16 or SafeTensorsDType.BF16 or SafeTensorsDType.I16 => 2,
        _ => 1,
    };

    private static bool IsFloating(SafeTensorsDType dtype) => dtype is SafeTensorsDType.F64 or SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16;

    private static SafeTensorsDType Natural(DType dtype) => dtype switch
    {
        DType.Float32 => SafeTensorsDType.F32,
        DType.Float64 => SafeTensorsDType.F64,
        _ => SafeTensorsDType.I64,
    };

    private static void CheckStorable(string name, DType dtype, SafeTensorsDType stored)
    {
        if (dtype.IsFloatingPoint() && !IsFloating(stored))
            throw new ArgumentException($"SafeTensors.Save: tensor \"{name}\" is {dtype}; store it as F64, F32, F16 or BF16, not {Name(stored)} (convert it with To(DType.Int64) first to store integers).");
    }

    private static byte[] Encode(string name, Tensor t, SafeTensorsDType dtype)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("SafeTensors: big-endian machines are not supported.");
        int n = t.Numel;
        var bytes = new byte[(long)n * ElementSize(dtype)];
        var span = bytes.AsSpan();
        if (IsFloating(dtype))
        {
            double[] v = t.ToArray<double>(); // exact for Float32 and Float64 sources
            float[]? f = t.DType == DType.Float32 ? t.ToArray<float>() : null;
            for (int i = 0; i < n; i++)
            {
                switch (dtype)
                {
                    case SafeTensorsDType.F64: BinaryPrimitives.WriteDoubleLittleEndian(span[(8 * i)..], v[i]); break;
                    case SafeTensorsDType.F32: BinaryPrimitives.WriteSingleLittleEndian(span[(4 * i)..], f?[i] ?? (float)v[i]); break;
                    case SafeTensorsDType.F16: BinaryPrimitives.WriteHalfLittleEndian(span[(2 * i)..], (Half)v[i]); break;
                    default: BinaryPrimitives.WriteUInt16LittleEndian(span[(2 * i)..], ToBFloat16(f?[i] ?? (float)v[i])); break;
                }
            }
            return bytes;
        }
        long[] l = t.ToArray<long>();
        (long min, long max) = dtype switch
        {
            SafeTensorsDType.I32 => (int.MinValue, int.MaxValue),
            SafeTensorsDType.I16 => (short.MinValue, short.MaxValue),
            SafeTensorsDType.I8 => (sbyte.MinValue, sbyte.MaxValue),
            SafeTensorsDType.U8 => (byte.MinValue, byte.MaxValue),
            SafeTensorsDType.Bool => (0, 1),
            _ => (long.MinValue, long.MaxValue),
        };
        for (int i = 0; i < n; i++)
        {
            long x = l[i];
            if (x < min || x > max)
                throw new ArgumentOutOfRangeException(nameof(t), x, $"SafeTensors.Save: tensor \"{name}\" holds {x} at position {i}, outside the range of {Name(dtype)} ({min}..{max}).");
            switch (dtype)
            {
                case SafeTensorsDType.I64: BinaryPrimitives.WriteInt64LittleEndian(span[(8 * i)..], x); break;
                case SafeTensorsDType.I32: BinaryPrimitives.WriteInt32LittleEndian(span[(4 * i)..], (int)x); break;
                case SafeTensorsDType.I16: BinaryPrimitives.WriteInt16LittleEndian(span[(2 * i)..], (short)x); break;
                default: span[i] = unchecked((byte)x); break;
            }
        }
        return bytes;
    }

    // FromArray with an empty shape means "1-D"; a scalar is reshaped to ()
    private static Tensor WithShape(Tensor flat, int[] shape) => Shape.Equal(flat.Shape, shape) ? flat : flat.Reshape(shape);

    /// <summary>float → bfloat16, rounded to nearest even (NaN stays a quiet NaN), as PyTorch converts.</summary>
    internal static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return 0x7FC0;
        bits += 0x7FFF + ((bits >> 16) & 1);
        return (ushort)(bits >> 16);
    }

    /// <summary>bfloat16 → float (exact).</summary>
    internal static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    private static Tensor Decode(ReadOnlySpan<byte> data, SafeTensorsDType dtype, int[] shape)
    {
        int n = data.Length / ElementSize(dtype);
        switch (dtype)
        {
            case SafeTensorsDType.F64:
            {
                var v = new double[n];
                for (int i = 0; i < n; i++) v[i] = BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]);
                return WithShape(Tensor.FromArray(v), shape);
            }
            case SafeTensorsDType.F32 or SafeTensorsDType.F16 or SafeTensorsDType.BF16:
            {
                var v = new float[n];
                for (int i = 0; i < n; i++)
                    v[i] = dtype switch
                    {
                        SafeTensorsDType.F32 => BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]),
                        SafeTensorsDType.F16 => (float)BinaryPrimitives.ReadHalfLittleEndian(data[(2 * i)..]),
                        _ => FromBFloat16(BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..])),
                    };
                return WithShape(Tensor.FromArray(v), shape);
            }
            default:
            {
                var v = new long[n];
                for (int i = 0; i < n; i++)
                    v[i] = dtype switch
                    {
                        SafeTensorsDType.I64 => BinaryPrimitives.ReadInt64LittleEndian(data[(8 * i)..]),
                        SafeTensorsDType.I32 => BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]),
                        SafeTensorsDType.I16 => BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]),
                        SafeTensorsDType.I8 => (sbyte)data[i],
                        SafeTensorsDType.U8 => data[i],
                        _ => data[i] != 0 ? 1 : 0,
                    };
                return WithShape(Tensor.FromArray(v), shape);
            }
        }
    }
}
