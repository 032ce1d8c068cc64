using System.Runtime.InteropServices;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// Copies of everything a training step changes (parameters, their gradients, the model's buffers, the optimizer's buffers
/// and step counts) in two slots, to set a step back and compare two runs of it bit for bit (<see cref="GraphedStep"/>).
/// Each part is looked up when it is used, not when it was first seen: a step that sets gradients to null and makes new
/// ones (<c>ZeroGrad()</c>) is saved and compared through the gradients the parameters hold at that moment.
/// </summary>
internal sealed class StateSnapshot(Module model, Optimizer optimizer)
{
    public enum Slot { Before, After }

    private enum Kind { Data, Gradient, OptimizerBuffer }

    /// <summary>One part of the state: a parameter's or buffer's data, a parameter's gradient, or an optimizer buffer.</summary>
    private readonly record struct Part(string Name, Kind Kind, Tensor Tensor, int Index, string? Buffer);

    private readonly List<Part> _parts = [];
    private readonly Array?[][] _copies = [[], []];
    private readonly long[][] _steps = [[], []];

    /// <summary>Copies the current state into <paramref name="slot"/> (listing the state's parts anew for <see cref="Slot.Before"/>).</summary>
    public void Save(Slot slot)
    {
        if (slot == Slot.Before) Collect();
        int s = (int)slot;
        if (_copies[s].Length != _parts.Count) _copies[s] = new Array?[_parts.Count];
        for (int i = 0; i < _parts.Count; i++)
        {
            Array? data = Resolve(_parts[i]);
            if (data is null)
            {
                _copies[s][i] = null;
                continue;
            }
            Array copy = _copies[s][i] is { } c && c.Length == data.Length && c.GetType() == data.GetType() ? c : Array.CreateInstance(data.GetType().GetElementType()!, data.Length);
            Array.Copy(data, copy, data.Length);
            _copies[s][i] = copy;
        }
        var ps = optimizer.AllParameters;
        if (_steps[s].Length != ps.Count) _steps[s] = new long[ps.Count];
        for (int i = 0; i < ps.Count; i++) _steps[s][i] = optimizer.StateAt(i)?.Step ?? 0;
    }

    /// <summary>Writes the state saved in <paramref name="slot"/> back into the tensors that hold the state now.</summary>
    public void Restore(Slot slot)
    {
        int s = (int)slot;
        for (int i = 0; i < _parts.Count; i++)
        {
            Part part = _parts[i];
            Array? saved = _copies[s][i], data = Resolve(part);
            if (saved is null)
            {
                if (part.Kind == Kind.Gradient) part.Tensor.Grad = null; // there was no gradient then
                continue;
            }
            if (data is null || data.Length != saved.Length)
                throw new InvalidOperationException($"GraphedStep: {part.Name} changed shape or disappeared during the step; it cannot be set back.");
            Array.Copy(saved, data, data.Length);
        }
        var ps = optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
            if (optimizer.StateAt(i) is { } state) state.Step = _steps[s][i];
    }

    /// <summary>The name of the first part of the current state that differs (in any bit) from <paramref name="slot"/>, or null.</summary>
    public string? FirstDifference(Slot slot)
    {
        int s = (int)slot;
        for (int i = 0; i < _parts.Count; i++)
        {
            Array? saved = _copies[s][i], data = Resolve(_parts[i]);
            if (saved is null != data is null || (data is not null && !Bytes(data).SequenceEqual(Bytes(saved!)))) return _parts[i].Name;
        }
        var ps = optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
            if ((optimizer.StateAt(i)?.Step ?? 0) != _steps[s][i]) return $"the step count of parameter {i}";
        return null;
    }

    /// <summary>Drops the copies (their memory goes back to the garbage collector).</summary>
    public void Release()
    {
        _copies[0] = _copies[1] = [];
        _parts.Clear();
    }

    private Array? Resolve(Part part) => part.Kind switch
    {
        Kind.Data => part.Tensor.Storage.Data,
        Kind.Gradient => part.Tensor.Grad?.Storage.Data,
        _ => optimizer.StateAt(part.Index) is { } state && state.Buffers.TryGetValue(part.Buffer!, out var t) ? t.Storage.Data : null,
    };

    private void Collect()
    {
        _parts.Clear();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        void AddParameter(string name, Tensor p)
        {
            if (!seen.Add(p)) return;
            _parts.Add(new Part($"parameter '{name}'", Kind.Data, p, -1, null));
            _parts.Add(new Part($"the gradient of '{name}'", Kind.Gradient, p, -1, null));
        }
        foreach (var (name, p) in model.NamedParameters()) AddParameter(name, p);
        foreach (var (name, b) in model.NamedBuffers())
            if (seen.Add(b)) _parts.Add(new Part($"buffer '{name}'", Kind.Data, b, -1, null));
        var ps = optimizer.AllParameters;
        for (int i = 0; i < ps.Count; i++)
        {
            AddParameter($"optimizer parameter {i}", ps[i]);
            if (optimizer.StateAt(i) is { } state)
                foreach (var buffer in state.Buffers.Keys)
                    _parts.Add(new Part($"optimizer state '{buffer}' of parameter {i}", Kind.OptimizerBuffer, ps[i], i, buffer));
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
