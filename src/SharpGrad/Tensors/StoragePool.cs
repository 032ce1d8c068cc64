namespace SharpGrad;

/// <summary>
/// Free buffers of one thread, by element type and exact length: a training step asks for the same sizes every time, so
/// the buffers one step releases are exactly the ones the next step needs. Holds at most
/// <see cref="TensorScope.MaxPooledBytes"/>; a buffer that would exceed it is left to the garbage collector.
/// </summary>
internal sealed class StoragePool
{
    [ThreadStatic] private static StoragePool? t_pool;

    private readonly Dictionary<long, Stack<Storage>> _free = new();
    private readonly Stack<List<Storage>> _spareLists = new();
    private readonly Dictionary<(Type, int), Stack<Array>> _freeArrays = new();
    private readonly Stack<List<Array>> _spareArrayLists = new();

    public static StoragePool ForCurrentThread() => t_pool ??= new StoragePool();

    /// <summary>The pool of this thread if it was ever created (for clearing).</summary>
    public static StoragePool? CurrentOrNull => t_pool;

    /// <summary>Bytes held by free buffers.</summary>
    public long PooledBytes { get; private set; }

    private static long Key(DType dtype, int length) => ((long)dtype << 32) | (uint)length;

    private static long Bytes(Storage s) => (long)s.Length * s.DType.ElementSize();

    public Storage? TryTake(DType dtype, int length)
    {
        if (!_free.TryGetValue(Key(dtype, length), out var stack) || stack.Count == 0) return null;
        Storage s = stack.Pop();
        PooledBytes -= Bytes(s);
        return s;
    }

    public void Return(Storage s)
    {
        long bytes = Bytes(s);
        if (PooledBytes + bytes > TensorScope.MaxPooledBytes) return;
        long key = Key(s.DType, s.Length);
        if (!_free.TryGetValue(key, out var stack)) _free[key] = stack = new Stack<Storage>();
        stack.Push(s);
        PooledBytes += bytes;
    }

    public T[]? TryTakeArray<T>(int length)
    {
        if (!_freeArrays.TryGetValue((typeof(T), length), out var stack) || stack.Count == 0) return null;
        var a = (T[])stack.Pop();
        PooledBytes -= (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        return a;
    }

    public void ReturnArray(Array a)
    {
        long bytes = Buffer.ByteLength(a); // primitive element types only (float, double, int, long)
        if (PooledBytes + bytes > TensorScope.MaxPooledBytes) return;
        var key = (a.GetType().GetElementType()!, a.Length);
        if (!_freeArrays.TryGetValue(key, out var stack)) _freeArrays[key] = stack = new Stack<Array>();
        stack.Push(a);
        PooledBytes += bytes;
    }

    public List<Array> RentArrayList() => _spareArrayLists.Count > 0 ? _spareArrayLists.Pop() : new List<Array>();

    public void ReturnArrayList(List<Array> list)
    {
        list.Clear();
        _spareArrayLists.Push(list);
    }

    public void Clear()
    {
        _free.Clear();
        _freeArrays.Clear();
        PooledBytes = 0;
    }

    public List<Storage> RentList() => _spareLists.Count > 0 ? _spareLists.Pop() : new List<Storage>();

    public void ReturnList(List<Storage> list)
    {
        list.Clear();
        _spareLists.Push(list);
    }
}
