using System.Runtime.InteropServices;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// Copies of everything a training step changes (parameters, their gradients, the model's buffers, the optimizer's buffers
/// and step counts) in two slots, to set a step back and compare two runs of it bit for bit (<see cref="GraphedStep"/>).
/// </summary>
internal sealed class StateSnapshot(Module model, Optimizer optimizer)
{
    public enum Slot { Before, After }

    private readonly List<(string Name, Array Data)> _arrays = [];
    private readonly Array?[][] _copies = [[], []];
    private readonly long[][] _steps = [[], []];

    /// <summary>Copies the current state into <paramref name="slot"/> (finding the state's arrays anew for <see cref="Slot.Before"/>).</summary>
    public void Save(Slot slot)
    {
        if (slot == Slot.Before) Collect();
        int s = (int)slot;
        if (_copies[s].Length != _arrays.Count) _copies[s] = new Array?[_arrays.Count];
        for (int i = 0; i < _arrays.Count; i++)
        {
            Array data = _arrays[i].Data;
            Array copy = _copies[s][i] is { } c && c.Length == data.Length && c.GetType() == data.GetType() ? c : Array.CreateInstance(data.GetType().GetElementType()!, data.Length);
            Array.Copy(data, copy, data.Length);
            _copies[s][i] = copy;
        }
        var ps = optimizer.AllParameters;
        if (_steps[s].Length != ps.Count) _steps[s] = new long[ps.Count];
        for (int i = 0; i < ps.Count; i++) _steps[s][i] = optimizer.StateAt(i)?.Step ?? 0;
    }

    /// <summary>Writes the state saved in <paramref name="slot"/> back into the same memory.</summary>
    public void Restore(Slot slot)
    {
        int s = (int)slot;
        for (int i = 0; i < _arrays.Count; i++) Array.Copy(_copies[s][i]!, _arrays[i].Data, _arrays[i].Data.Length);
        var ps = optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
            if (optimizer.StateAt(i) is { } state) state.Step = _steps[s][i];
    }

    /// <summary>The name of the first part of the current state that differs (in any bit) from <paramref name="slot"/>, or null.</summary>
    public string? FirstDifference(Slot slot)
    {
        int s = (int)slot;
        for (int i = 0; i < _arrays.Count; i++)
            if (!Bytes(_arrays[i].Data).SequenceEqual(Bytes(_copies[s][i]!))) return _arrays[i].Name;
        var ps = optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
            if ((optimizer.StateAt(i)?.Step ?? 0) != _steps[s][i]) return $"the step count of parameter {i}";
        return null;
    }

    /// <summary>Drops the copies (their memory goes back to the garbage collector).</summary>
    public void Release()
    {
        _copies[0] = _copies[1] = [];
        _arrays.Clear();
    }

    private void Collect()
    {
        _arrays.Clear();
        var seen = new HashSet<Array>(ReferenceEqualityComparer.Instance);
        void Add(string name, Tensor? t)
        {
            if (t is not null && seen.Add(t.Storage.Data)) _arrays.Add((name, t.Storage.Data));
        }
        foreach (var (name, p) in model.NamedParameters())
        {
            Add($"parameter '{name}'", p);
            Add($"the gradient of '{name}'", p.Grad);
        }
        foreach (var (name, b) in model.NamedBuffers()) Add($"buffer '{name}'", b);
        var ps = optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
        {
            Add($"optimizer parameter {i}", ps[i]);
            Add($"the gradient of optimizer parameter {i}", ps[i].Grad);
            if (optimizer.StateAt(i) is { } state)
                foreach (var (buffer, t) in state.Buffers) Add($"optimizer state '{buffer}' of parameter {i}", t);
        }
    }

    private static ReadOnlySpan<byte> Bytes(Array a) => a switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        _ => throw new NotSupportedException($"StateSnapshot: arrays of {a.GetType().Name} are not compared."),
    };
}
