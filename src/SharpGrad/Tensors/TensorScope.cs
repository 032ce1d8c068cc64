namespace SharpGrad;

/// <summary>
/// Recycles the memory of the tensors created inside it: while a scope is active on a thread, every new tensor buffer
/// comes from that thread's pool, and when the scope is disposed those buffers go back to the pool for the next scope
/// to reuse. Wrapping each training step in a scope makes steady-state training allocate (almost) no new tensor memory:
/// no page faults for fresh buffers, no garbage collections of large arrays. <see cref="Training.Trainer"/> and the
/// language-model recipes do this for you.
/// <code>
/// for (int step = 0; step &lt; steps; step++)
/// {
///     using var scope = TensorScope.Begin();
///     Tensor loss = lossFn.Forward(model.Forward(x), y);
///     optimizer.ZeroGrad(setToNone: false);
///     loss.Backward();
///     optimizer.Step();
///     losses.Add(loss.Item());          // read values before the scope ends
/// }
/// </code>
/// A tensor created inside a scope must not be used after the scope ends (it throws <see cref="TensorReleasedException"/>
/// instead of reading recycled memory); return it through <see cref="Keep"/> to let it outlive the scope. What outlives
/// steps by design is exempt: gradients accumulated into leaves (parameters), optimizer state, and anything created
/// inside <see cref="Suspend"/>. Similar to TorchSharp's dispose scopes and to PyTorch's caching allocator.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? t_current;

    private readonly TensorScope? _parent;
    private readonly StoragePool? _pool; // null: a suspension, whose allocations are ordinary garbage-collected buffers
    private readonly List<Storage>? _owned;
    private List<Array>? _scratch; // kernel work arrays rented through RentArray, returned with the tensors
    private bool _kept;            // Keep was called: a kept graph may still read this scope's work arrays
    private readonly int _threadId;
    private bool _disposed;

    private TensorScope(StoragePool? pool)
    {
        _parent = t_current;
        _pool = pool;
        _owned = pool?.RentList();
        _threadId = Environment.CurrentManagedThreadId;
        t_current = this;
    }

    /// <summary>
    /// The most bytes of free buffers one thread's pool keeps between scopes (default 4 GiB); buffers beyond it are left to
    /// the garbage collector.
    /// </summary>
    public static long MaxPooledBytes { get; set; } = 4L << 30;

    /// <summary>Starts a pooling scope on this thread (nested scopes release their own tensors when they end).</summary>
    public static TensorScope Begin() => new(StoragePool.ForCurrentThread());

    /// <summary>
    /// Starts a region inside a scope whose tensors are ordinary, garbage-collected ones that may outlive the scope (model
    /// state, caches, results kept for later).
    /// </summary>
    public static TensorScope Suspend() => new(null);

    /// <summary>True when tensors created now on this thread are pooled.</summary>
    public static bool IsActive => t_current?._pool is not null;

    /// <summary>Bytes of free buffers held by this thread's pool.</summary>
    public static long PooledBytes => StoragePool.CurrentOrNull?.PooledBytes ?? 0;

    /// <summary>Drops this thread's free buffers (they become garbage); use after training to give the memory back.</summary>
    public static void ClearPool() => StoragePool.CurrentOrNull?.Clear();

    /// <summary>
    /// Lets <paramref name="tensor"/> (and every view of its storage) outlive this scope: it moves to the enclosing pooling
    /// scope, or becomes an ordinary tensor when there is none. The work arrays the scope's kernels saved for backward move
    /// with it, so the kept tensor's graph stays valid. Returns the tensor.
    /// </summary>
    /// <exception cref="ArgumentException">When the tensor was not created in this scope.</exception>
    public Tensor Keep(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Storage s = tensor.Storage;
        if (!ReferenceEquals(s.Owner, this))
            throw new ArgumentException("TensorScope.Keep: the tensor's memory does not belong to this scope (it was created outside it or in another scope).", nameof(tensor));
        _kept = true;
        TensorScope? outer = OuterPoolingScope();
        if (outer is null) s.Owner = null;
        else
        {
            s.Owner = outer;
            outer._owned!.Add(s);
        }
        return tensor;
    }

    private TensorScope? OuterPoolingScope()
    {
        TensorScope? outer = _parent;
        while (outer is not null && outer._pool is null) outer = outer._parent;
        return outer is null || outer._disposed ? null : outer;
    }

    /// <summary>Ends the scope: buffers of the tensors created in it go back to the pool. Scopes end in reverse order of creation.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _threadId)
            throw new InvalidOperationException("TensorScope: a scope must be disposed on the thread that began it.");
        if (!ReferenceEquals(t_current, this))
            throw new InvalidOperationException("TensorScope: scopes must be disposed in reverse order of creation (an inner scope is still active).");
        _disposed = true;
        t_current = _parent;
        if (_pool is null) return;
        foreach (Storage s in _owned!)
        {
            if (!ReferenceEquals(s.Owner, this)) continue; // kept: moved out of this scope
            s.Owner = null;
            s.Generation++;
            _pool.Return(s);
        }
        _pool.ReturnList(_owned);
        if (_scratch is not null)
        {
            // Work arrays carry no generation check, and a kept tensor's graph (max-pool indices, saved LSTM states, im2col
            // columns) may still read them: after a Keep they all move to the enclosing scope (or are left to the GC).
            if (!_kept) foreach (Array a in _scratch) _pool.ReturnArray(a);
            else if (OuterPoolingScope() is { } outer) (outer._scratch ??= _pool.RentArrayList()).AddRange(_scratch);
            _pool.ReturnArrayList(_scratch);
        }
    }

    /// <summary>
    /// A work array of exactly <paramref name="length"/> elements (contents undefined) that a kernel or a backward rule
    /// needs for the rest of the step: from the active scope's pool, returned when the scope ends; a new array when no scope
    /// pools. Only for arrays that never outlive the graph of the step that made them.
    /// </summary>
    internal static T[] RentArray<T>(int length)
    {
        TensorScope? scope = t_current;
        if (scope?._pool is null) return GC.AllocateUninitializedArray<T>(length);
        T[] a = scope._pool.TryTakeArray<T>(length) ?? GC.AllocateUninitializedArray<T>(length);
        (scope._scratch ??= scope._pool.RentArrayList()).Add(a);
        return a;
    }

    /// <summary>A buffer for a new tensor from the active scope's pool (zeroed when <paramref name="clear"/>), or null when no scope pools.</summary>
    internal static Storage? Rent(DType dtype, int length, bool clear)
    {
        TensorScope? scope = t_current;
        if (scope?._pool is null) return null;
        Storage? s = scope._pool.TryTake(dtype, length);
        if (s is null) s = clear ? Storage.AllocateNew(dtype, length) : Storage.AllocateNewUninitialized(dtype, length);
        else if (clear) Array.Clear(s.Data);
        s.Owner = scope;
        scope._owned!.Add(s);
        return s;
    }
}
