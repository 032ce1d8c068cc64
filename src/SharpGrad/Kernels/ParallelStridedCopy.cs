namespace SharpGrad.Kernels;

/// <summary>
/// <see cref="StridedCopy.Copy{T}"/> of a long float view (a transpose back to batch-first, a gradient padded into a
/// larger tensor) split along its first dimension across the kernel threads. A copy, so the result does not depend on the
/// thread count.
/// </summary>
internal static class ParallelStridedCopy
{
    public static void Copy(float[] source, int offset, int[] shape, int[] strides, float[] destination, int destinationOffset, int total)
    {
        if (Launch.IsRecording) (shape, strides) = ((int[])shape.Clone(), (int[])strides.Clone()); // a replay must see today's layout
        Launch.Run((source, offset, shape, strides, destination, destinationOffset, total),
            static s => CopyNow(s.source, s.offset, s.shape, s.strides, s.destination, s.destinationOffset, s.total));
    }

    private static void CopyNow(float[] source, int offset, int[] shape, int[] strides, float[] destination, int destinationOffset, int total)
    {
        int threads = KernelThreads.Count;
        if (total < ParallelElementwise.MinLength || threads == 1 || shape.Length < 2 || shape[0] < 2)
        {
            StridedCopy.Copy(source, offset, shape, strides, destination.AsSpan(destinationOffset, total));
            return;
        }
        var job = t_job ??= new Job();
        job.Set(source, offset, shape, strides, destination, destinationOffset, total, Math.Min(threads, shape[0]));
        KernelThreads.Run(job, job.Parts, job.Parts);
        job.Clear();
    }

    [ThreadStatic] private static Job? t_job;

    private sealed class Job : KernelThreads.Job
    {
        private float[] _source = [], _destination = [];
        private int[] _shape = [], _strides = [];
        private int _offset, _destinationOffset, _rowSize;

        public int Parts { get; private set; }

        public void Set(float[] source, int offset, int[] shape, int[] strides, float[] destination, int destinationOffset, int total, int parts)
        {
            (_source, _offset, _shape, _strides, _destination, _destinationOffset, Parts) = (source, offset, shape, strides, destination, destinationOffset, parts);
            _rowSize = total / shape[0];
        }

        public void Clear() { _source = _destination = []; _shape = _strides = []; }

        internal override void RunPart(int part)
        {
            int rows = _shape[0], i0 = (int)((long)part * rows / Parts), i1 = (int)((long)(part + 1) * rows / Parts);
            if (i1 <= i0) return;
            Span<int> shape = stackalloc int[_shape.Length];
            _shape.CopyTo(shape);
            shape[0] = i1 - i0;
            StridedCopy.Copy(_source, _offset + i0 * _strides[0], shape, _strides,
                _destination.AsSpan(_destinationOffset + i0 * _rowSize, (i1 - i0) * _rowSize));
        }
    }
}
