using System.Buffers.Binary;

namespace SharpGrad.Onnx;

/// <summary>An ONNX attribute value (one of its kinds).</summary>
public sealed class OnnxAttribute
{
    /// <summary>The attribute's name.</summary>
    public string Name { get; init; } = "";

    /// <summary>FLOAT.</summary>
    public float? Float { get; init; }

    /// <summary>INT.</summary>
    public long? Int { get; init; }

    /// <summary>STRING.</summary>
    public string? String { get; init; }

    /// <summary>TENSOR.</summary>
    public Tensor? Tensor { get; init; }

    /// <summary>FLOATS.</summary>
    public float[]? Floats { get; init; }

    /// <summary>INTS.</summary>
    public long[]? Ints { get; init; }
}

/// <summary>One node of an ONNX graph: an op, its input and output value names, and its attributes.</summary>
public sealed record OnnxNode(string OpType, string Name, string Domain, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes);

/// <summary>A graph input or output: name, element type (ONNX <c>TensorProto.DataType</c>) and shape (null dims are symbolic).</summary>
public sealed record OnnxValueInfo(string Name, int ElementType, long?[]? Shape);

/// <summary>
/// An ONNX model as SharpGrad reads and writes it (<c>ModelProto</c> with one <c>GraphProto</c>): the nodes in file order,
/// the initializers as tensors (FLOAT/FLOAT16/DOUBLE as floating tensors, the integer types and BOOL as Int64), the graph's
/// inputs and outputs, and the opset versions. Parsing checks every length and count against the file; a damaged or
/// unsupported file raises <see cref="OnnxFormatException"/> naming the field and byte offset.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>ONNX element types (<c>TensorProto.DataType</c>).</summary>
    public const int Float = 1, UInt8 = 2, Int8 = 3, Int16 = 5, Int32 = 6, Int64 = 7, Bool = 9, Float16 = 10, Double = 11;

    /// <summary>The IR version.</summary>
    public long IrVersion { get; set; } = 8;

    /// <summary>Opset versions by domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new() { [""] = 13 };

    /// <summary>The producer's name.</summary>
    public string ProducerName { get; set; } = "";

    /// <summary>The graph's name.</summary>
    public string GraphName { get; set; } = "";

    /// <summary>The nodes, in file (topological) order.</summary>
    public List<OnnxNode> Nodes { get; } = [];

    /// <summary>The initializers (weights and constants) by name, in file order.</summary>
    public OrderedDictionary<string, Tensor> Initializers { get; } = new();

    /// <summary>The graph inputs (those that are not initializers are what a caller feeds).</summary>
    public List<OnnxValueInfo> Inputs { get; } = [];

    /// <summary>The graph outputs.</summary>
    public List<OnnxValueInfo> Outputs { get; } = [];

    /// <summary>The default-domain opset version.</summary>
    public long Opset => Opsets.TryGetValue("", out long v) ? v : Opsets.TryGetValue("ai.onnx", out v) ? v : 1;

    /// <summary>Reads an ONNX file.</summary>
    /// <exception cref="OnnxFormatException">A malformed file or an unsupported feature (external data, sparse initializers).</exception>
    public static OnnxGraph Load(string path)
    {
        try { return Parse(File.ReadAllBytes(path)); }
        catch (OnnxFormatException e) { throw new OnnxFormatException($"{path}: {e.Message}"); }
    }

    /// <summary>Parses an ONNX model held in memory.</summary>
    /// <exception cref="OnnxFormatException">A malformed model or an unsupported feature.</exception>
    public static OnnxGraph Parse(ReadOnlySpan<byte> bytes)
    {
        var model = new OnnxGraph();
        model.Opsets.Clear();
        var r = new ProtoReader(bytes);
        bool sawGraph = false;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1: r.Expect(wire, 0, field, "ModelProto.ir_version"); model.IrVersion = r.ReadInt64(); break;
                case 2: r.Expect(wire, 2, field, "ModelProto.producer_name"); model.ProducerName = r.ReadString(); break;
                case 7:
                {
                    r.Expect(wire, 2, field, "ModelProto.graph");
                    var g = r.ReadBytes(out int at);
                    ParseGraph(model, g, at);
                    sawGraph = true;
                    break;
                }
                case 8:
                {
                    r.Expect(wire, 2, field, "ModelProto.opset_import");
                    var o = r.ReadBytes(out int at);
                    var or = new ProtoReader(o, at);
                    string domain = "";
                    long version = 0;
                    while (!or.AtEnd)
                    {
                        var (f, w) = or.ReadKey();
                        if (f == 1 && w == 2) domain = or.ReadString();
                        else if (f == 2 && w == 0) version = or.ReadInt64();
                        else or.Skip(w);
                    }
                    model.Opsets[domain] = version;
                    break;
                }
                default: r.Skip(wire); break;
            }
        }
        if (!sawGraph) throw new OnnxFormatException("ONNX: the model has no graph (ModelProto field 7).");
        if (model.Opsets.Count == 0) model.Opsets[""] = 1;
        return model;
    }

    private static void ParseGraph(OnnxGraph model, ReadOnlySpan<byte> bytes, int baseOffset)
    {
        var r = new ProtoReader(bytes, baseOffset);
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadKey();
            if (wire != 2)
            {
                r.Skip(wire);
                continue;
            }
            var b = r.ReadBytes(out int at);
            switch (field)
            {
                case 1: model.Nodes.Add(ParseNode(b, at)); break;
                case 2: model.GraphName = System.Text.Encoding.UTF8.GetString(b); break;
                case 5:
                {
                    var (name, tensor) = ParseTensor(b, at);
                    if (!model.Initializers.TryAdd(name, tensor)) throw new OnnxFormatException($"ONNX: the initializer \"{name}\" appears twice (byte offset {at}).");
                    break;
                }
                case 11: model.Inputs.Add(ParseValueInfo(b, at)); break;
                case 12: model.Outputs.Add(ParseValueInfo(b, at)); break;
                case 15: throw new OnnxFormatException($"ONNX: sparse initializers are not supported (byte offset {at}).");
                default: break;
            }
        }
    }

    private static OnnxNode ParseNode(ReadOnlySpan<byte> bytes, int baseOffset)
    {
        var r = new ProtoReader(bytes, baseOffset);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string op = "", name = "", domain = "";
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1: r.Expect(wire, 2, field, "NodeProto.input"); inputs.Add(r.ReadString()); break;
                case 2: r.Expect(wire, 2, field, "NodeProto.output"); outputs.Add(r.ReadString()); break;
                case 3: r.Expect(wire, 2, field, "NodeProto.name"); name = r.ReadString(); break;
                case 4: r.Expect(wire, 2, field, "NodeProto.op_type"); op = r.ReadString(); break;
                case 7: r.Expect(wire, 2, field, "NodeProto.domain"); domain = r.ReadString(); break;
                case 5:
                {
                    r.Expect(wire, 2, field, "NodeProto.attribute");
                    var b = r.ReadBytes(out int at);
                    var a = ParseAttribute(b, at);
                    attributes[a.Name] = a;
                    break;
                }
                default: r.Skip(wire); break;
            }
        }
        if (op.Length == 0) throw new OnnxFormatException($"ONNX: a node at byte offset {baseOffset} has no op_type.");
        return new OnnxNode(op, name, domain, [.. inputs], [.. outputs], attributes);
    }

    private static OnnxAttribute ParseAttribute(ReadOnlySpan<byte> bytes, int baseOffset)
    {
        var r = new ProtoReader(bytes, baseOffset);
        string name = "";
        float? f = null;
        long? i = null;
        string? s = null;
        Tensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1: r.Expect(wire, 2, field, "AttributeProto.name"); name = r.ReadString(); break;
                case 2: r.Expect(wire, 5, field, "AttributeProto.f"); f = r.ReadFloat(); break;
                case 3: r.Expect(wire, 0, field, "AttributeProto.i"); i = r.ReadInt64(); break;
                case 4: r.Expect(wire, 2, field, "AttributeProto.s"); s = r.ReadString(); break;
                case 5:
                {
                    r.Expect(wire, 2, field, "AttributeProto.t");
                    var b = r.ReadBytes(out int at);
                    t = ParseTensor(b, at).Tensor;
                    break;
                }
                case 7: r.ReadPackedFloat(wire, floats); break;
                case 8: r.ReadPackedInt64(wire, ints); break;
                default: r.Skip(wire); break;
            }
        }
        return new OnnxAttribute { Name = name, Float = f, Int = i, String = s, Tensor = t, Floats = floats.Count > 0 ? [.. floats] : null, Ints = ints.Count > 0 ? [.. ints] : null };
    }

    private static OnnxValueInfo ParseValueInfo(ReadOnlySpan<byte> bytes, int baseOffset)
    {
        var r = new ProtoReader(bytes, baseOffset);
        string name = "";
        int elemType = 0;
        long?[]? shape = null;
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadKey();
            if (field == 1 && wire == 2) name = r.ReadString();
            else if (field == 2 && wire == 2)
            {
                var tb = r.ReadBytes(out int tat);
                var tr = new ProtoReader(tb, tat);
                while (!tr.AtEnd)
                {
                    var (tf, tw) = tr.ReadKey();
                    if (tf != 1 || tw != 2) { tr.Skip(tw); continue; }
                    var xb = tr.ReadBytes(out int xat); // TypeProto.Tensor
                    var xr = new ProtoReader(xb, xat);
                    while (!xr.AtEnd)
                    {
                        var (xf, xw) = xr.ReadKey();
                        if (xf == 1 && xw == 0) elemType = xr.ReadInt32();
                        else if (xf == 2 && xw == 2)
                        {
                            var sb = xr.ReadBytes(out int sat); // TensorShapeProto
                            var sr = new ProtoReader(sb, sat);
                            var dims = new List<long?>();
                            while (!sr.AtEnd)
                            {
                                var (sf, sw) = sr.ReadKey();
                                if (sf != 1 || sw != 2) { sr.Skip(sw); continue; }
                                var db = sr.ReadBytes(out int dat);
                                var dr = new ProtoReader(db, dat);
                                long? value = null;
                                while (!dr.AtEnd)
                                {
                                    var (df, dw) = dr.ReadKey();
                                    if (df == 1 && dw == 0) value = dr.ReadInt64();
                                    else dr.Skip(dw);
                                }
                                dims.Add(value);
                            }
                            shape = [.. dims];
                        }
                        else xr.Skip(xw);
                    }
                }
            }
            else r.Skip(wire);
        }
        return new OnnxValueInfo(name, elemType, shape);
    }

    private static (string Name, Tensor Tensor) ParseTensor(ReadOnlySpan<byte> bytes, int baseOffset)
    {
        var r = new ProtoReader(bytes, baseOffset);
        var dims = new List<long>();
        int type = 0;
        string name = "";
        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false;
        var floats = new List<float>();
        var doubles = new List<double>();
        var ints = new List<long>(); // int32_data and int64_data
        while (!r.AtEnd)
        {
            var (field, wire) = r.ReadKey();
            switch (field)
            {
                case 1: r.ReadPackedInt64(wire, dims); break;
                case 2: r.Expect(wire, 0, field, "TensorProto.data_type"); type = r.ReadInt32(); break;
                case 4: r.ReadPackedFloat(wire, floats); break;
                case 5: r.ReadPackedInt64(wire, ints); break;
                case 7: r.ReadPackedInt64(wire, ints); break;
                case 8: r.Expect(wire, 2, field, "TensorProto.name"); name = r.ReadString(); break;
                case 9: r.Expect(wire, 2, field, "TensorProto.raw_data"); raw = r.ReadBytes(out _); hasRaw = true; break;
                case 10: r.ReadPackedDouble(wire, doubles); break;
                case 13: throw new OnnxFormatException($"ONNX: tensor \"{name}\" keeps its data in an external file, which is not supported (byte offset {r.Offset}).");
                case 14:
                {
                    long location = r.ReadInt64();
                    if (location == 1) throw new OnnxFormatException($"ONNX: tensor \"{name}\" keeps its data in an external file, which is not supported.");
                    break;
                }
                default: r.Skip(wire); break;
            }
        }
        long numel = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new OnnxFormatException($"ONNX: tensor \"{name}\" (byte offset {baseOffset}) has a negative dimension {d}.");
            numel = Math.Min(numel * Math.Max(d, 0), (long)int.MaxValue + 1);
            if (d == 0) numel = 0;
        }
        if (numel > int.MaxValue) throw new OnnxFormatException($"ONNX: tensor \"{name}\" (byte offset {baseOffset}) has more than {int.MaxValue} elements.");
        int n = (int)numel;
        int[] shape = dims.Select(d => (int)d).ToArray();
        int size = type switch { Float or Int32 => 4, Int64 or Double => 8, Float16 or Int16 => 2, UInt8 or Int8 or Bool => 1, _ => 0 };
        if (size == 0) throw new OnnxFormatException($"ONNX: tensor \"{name}\" has data type {type}, which is not supported (FLOAT, FLOAT16, DOUBLE, INT64, INT32, INT16, INT8, UINT8, BOOL are).");
        int available = hasRaw ? raw.Length / size : type switch { Float => floats.Count, Double => doubles.Count, _ => ints.Count };
        if (hasRaw && raw.Length != (long)n * size)
            throw new OnnxFormatException($"ONNX: tensor \"{name}\" (byte offset {baseOffset}): raw_data has {raw.Length} bytes, shape {Shape.Format(shape)} of type {type} needs {(long)n * size}.");
        if (!hasRaw && available != n)
            throw new OnnxFormatException($"ONNX: tensor \"{name}\" (byte offset {baseOffset}) holds {available} values, shape {Shape.Format(shape)} needs {n}.");
        Tensor t;
        switch (type)
        {
            case Float:
            {
                var v = new float[n];
                for (int i = 0; i < n; i++) v[i] = hasRaw ? BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]) : floats[i];
                t = Tensor.FromArray(v);
                break;
            }
            case Float16:
            {
                var v = new float[n];
                for (int i = 0; i < n; i++) v[i] = hasRaw ? (float)BinaryPrimitives.ReadHalfLittleEndian(raw[(2 * i)..]) : (float)BitConverter.UInt16BitsToHalf((ushort)ints[i]);
                t = Tensor.FromArray(v);
                break;
            }
            case Double:
            {
                var v = new double[n];
                for (int i = 0; i < n; i++) v[i] = hasRaw ? BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]) : doubles[i];
                t = Tensor.FromArray(v);
                break;
            }
            default:
            {
                var v = new long[n];
                for (int i = 0; i < n; i++)
                    v[i] = !hasRaw ? ints[i] : type switch
                    {
                        Int64 => BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]),
                        Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]),
                        Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]),
                        Int8 => (sbyte)raw[i],
                        _ => raw[i],
                    };
                t = Tensor.FromArray(v);
                break;
            }
        }
        return (name, Shape.Equal(t.Shape, shape) ? t : t.Reshape(shape));
    }

    /// <summary>Writes the model in the ONNX format (initializers as raw little-endian data).</summary>
    public byte[] ToBytes()
    {
        var graph = new ProtoWriter();
        foreach (var node in Nodes) graph.Message(1, WriteNode(node));
        graph.String(2, GraphName.Length > 0 ? GraphName : "sharpgrad");
        foreach (var (name, t) in Initializers) graph.Message(5, WriteTensor(name, t));
        foreach (var v in Inputs) graph.Message(11, WriteValueInfo(v));
        foreach (var v in Outputs) graph.Message(12, WriteValueInfo(v));
        var model = new ProtoWriter();
        model.Varint(1, IrVersion);
        model.String(2, ProducerName.Length > 0 ? ProducerName : "SharpGrad");
        model.Message(7, graph);
        foreach (var (domain, version) in Opsets)
        {
            var opset = new ProtoWriter();
            if (domain.Length > 0) opset.String(1, domain);
            opset.Varint(2, version);
            model.Message(8, opset);
        }
        return model.ToArray();
    }

    /// <summary>Writes the model to a file, atomically.</summary>
    public void Save(string path)
    {
        byte[] bytes = ToBytes();
        IO.AtomicFile.Write(path, s => s.Write(bytes));
    }

    private static ProtoWriter WriteNode(OnnxNode node)
    {
        var w = new ProtoWriter();
        foreach (var i in node.Inputs) w.String(1, i);
        foreach (var o in node.Outputs) w.String(2, o);
        if (node.Name.Length > 0) w.String(3, node.Name);
        w.String(4, node.OpType);
        foreach (var a in node.Attributes.Values)
        {
            var aw = new ProtoWriter();
            aw.String(1, a.Name);
            if (a.Float is float f) { aw.Float(2, f); aw.Varint(20, 1); }
            else if (a.Int is long i) { aw.Varint(3, i); aw.Varint(20, 2); }
            else if (a.String is string s) { aw.String(4, s); aw.Varint(20, 3); }
            else if (a.Tensor is Tensor t) { aw.Message(5, WriteTensor("", t)); aw.Varint(20, 4); }
            else if (a.Ints is long[] ints) { aw.PackedInt64(8, ints); aw.Varint(20, 7); }
            else if (a.Floats is float[] floats)
            {
                foreach (float x in floats) aw.Float(7, x);
                aw.Varint(20, 6);
            }
            w.Message(5, aw);
        }
        if (node.Domain.Length > 0) w.String(7, node.Domain);
        return w;
    }

    private static ProtoWriter WriteTensor(string name, Tensor t)
    {
        var w = new ProtoWriter();
        w.PackedInt64(1, t.ShapeArray.Select(d => (long)d));
        w.Varint(2, t.DType switch { DType.Float32 => Float, DType.Float64 => Double, _ => Int64 });
        if (name.Length > 0) w.String(8, name);
        byte[] raw = t.DType switch
        {
            DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan()).ToArray(),
            DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ToArray<double>().AsSpan()).ToArray(),
            _ => System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ToArray<long>().AsSpan()).ToArray(),
        };
        w.Bytes(9, raw);
        return w;
    }

    private static ProtoWriter WriteValueInfo(OnnxValueInfo v)
    {
        var shape = new ProtoWriter();
        foreach (long? d in v.Shape ?? [])
        {
            var dim = new ProtoWriter();
            if (d is long value) dim.Varint(1, value);
            else dim.String(2, "batch");
            shape.Message(1, dim);
        }
        var tensorType = new ProtoWriter();
        tensorType.Varint(1, v.ElementType);
        if (v.Shape is not null) tensorType.Message(2, shape);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var w = new ProtoWriter();
        w.String(1, v.Name);
        w.Message(2, type);
        return w;
    }
}
