using System.Buffers.Binary;
using System.Text;

namespace SharpGrad.Onnx;

/// <summary>Thrown when an ONNX file is malformed or uses what SharpGrad does not support; the message names the field, op or byte offset.</summary>
public sealed class OnnxFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    public OnnxFormatException(string message) : base(message) { }
}

/// <summary>
/// A reader of the protocol-buffers wire format (varints, 32/64-bit fixed, length-delimited fields) over a byte span, with
/// every length checked against the bytes that remain: a damaged file gives <see cref="OnnxFormatException"/> with the offset.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _base; // offset of _data in the file, for messages
    private int _pos;

    public ProtoReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _base = baseOffset;
        _pos = 0;
    }

    public readonly bool AtEnd => _pos >= _data.Length;

    public readonly int Offset => _base + _pos;

    /// <summary>Reads a field key: its number and wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32).</summary>
    public (int Field, int WireType) ReadKey()
    {
        int at = Offset;
        ulong key = ReadVarint();
        int wire = (int)(key & 7);
        ulong field = key >> 3;
        if (field == 0 || field > int.MaxValue) throw new OnnxFormatException($"ONNX: invalid field number {field} at byte offset {at}.");
        if (wire is 3 or 4 or 6 or 7) throw new OnnxFormatException($"ONNX: unsupported wire type {wire} (field {field}) at byte offset {at}.");
        return ((int)field, wire);
    }

    public ulong ReadVarint()
    {
        int at = Offset;
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _data.Length) throw new OnnxFormatException($"ONNX: a varint at byte offset {at} runs past the end of its message.");
            byte b = _data[_pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new OnnxFormatException($"ONNX: a varint at byte offset {at} is longer than 10 bytes.");
    }

    public long ReadInt64() => unchecked((long)ReadVarint());

    public int ReadInt32()
    {
        long v = ReadInt64();
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw new OnnxFormatException($"ONNX: value {v} at byte offset {Offset} does not fit an int32 field.");
    }

    public float ReadFloat() => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(Take(4)));

    public double ReadDouble() => BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(Take(8)));

    /// <summary>The bytes of a length-delimited field, and their offset in the file.</summary>
    public ReadOnlySpan<byte> ReadBytes(out int offset)
    {
        int at = Offset;
        ulong length = ReadVarint();
        if (length > (ulong)(_data.Length - _pos))
            throw new OnnxFormatException($"ONNX: a field at byte offset {at} declares {length} bytes but only {_data.Length - _pos} remain in its message.");
        offset = Offset;
        return Take((int)length);
    }

    public string ReadString()
    {
        var bytes = ReadBytes(out int at);
        try { return Strict.GetString(bytes); }
        catch (DecoderFallbackException) { throw new OnnxFormatException($"ONNX: the string at byte offset {at} is not valid UTF-8."); }
    }

    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>Skips a field of the given wire type.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0: ReadVarint(); break;
            case 1: Take(8); break;
            case 2: ReadBytes(out _); break;
            default: Take(4); break;
        }
    }

    /// <summary>A repeated scalar field: packed (length-delimited) or one value.</summary>
    public void ReadPackedInt64(int wireType, List<long> into)
    {
        if (wireType != 2) { into.Add(ReadInt64()); return; }
        var bytes = ReadBytes(out int at);
        var inner = new ProtoReader(bytes, at);
        while (!inner.AtEnd) into.Add(inner.ReadInt64());
    }

    public void ReadPackedFloat(int wireType, List<float> into)
    {
        if (wireType != 2) { into.Add(ReadFloat()); return; }
        var bytes = ReadBytes(out int at);
        if (bytes.Length % 4 != 0) throw new OnnxFormatException($"ONNX: packed floats at byte offset {at} are {bytes.Length} bytes, not a multiple of 4.");
        for (int i = 0; i < bytes.Length; i += 4) into.Add(BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadInt32LittleEndian(bytes[i..])));
    }

    public void ReadPackedDouble(int wireType, List<double> into)
    {
        if (wireType != 2) { into.Add(ReadDouble()); return; }
        var bytes = ReadBytes(out int at);
        if (bytes.Length % 8 != 0) throw new OnnxFormatException($"ONNX: packed doubles at byte offset {at} are {bytes.Length} bytes, not a multiple of 8.");
        for (int i = 0; i < bytes.Length; i += 8) into.Add(BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes[i..])));
    }

    public void Expect(int wireType, int expected, int field, string message)
    {
        if (wireType != expected) throw new OnnxFormatException($"ONNX: {message} field {field} has wire type {wireType}, expected {expected} (byte offset {Offset}).");
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (n > _data.Length - _pos) throw new OnnxFormatException($"ONNX: {n} bytes needed at byte offset {Offset}, {_data.Length - _pos} remain in the message.");
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }
}

/// <summary>A writer of the protocol-buffers wire format.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    public void Varint(int field, long value)
    {
        Key(field, 0);
        WriteVarint(unchecked((ulong)value));
    }

    public void Float(int field, float value)
    {
        Key(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _stream.Write(b);
    }

    public void Bytes(int field, ReadOnlySpan<byte> bytes)
    {
        Key(field, 2);
        WriteVarint((ulong)bytes.Length);
        _stream.Write(bytes);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    public void PackedInt64(int field, IEnumerable<long> values)
    {
        var inner = new ProtoWriter();
        foreach (long v in values) inner.WriteVarint(unchecked((ulong)v));
        Bytes(field, inner.ToArray());
    }

    private void Key(int field, int wire) => WriteVarint((ulong)field << 3 | (uint)wire);

    private void WriteVarint(ulong v)
    {
        while (v >= 0x80)
        {
            _stream.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        _stream.WriteByte((byte)v);
    }
}
