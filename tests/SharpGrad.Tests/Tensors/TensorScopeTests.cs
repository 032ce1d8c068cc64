using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Tests.Tensors;

public class TensorScopeTests
{
    [Fact]
    public void A_second_scope_reuses_the_first_scopes_buffers_and_clears_them_for_zeros()
    {
        Array first;
        using (TensorScope.Begin())
        {
            var t = Tensor.Full([37, 11], 5.0);
            first = t.Storage.Data;
        }
        Assert.True(TensorScope.PooledBytes >= 37 * 11 * 4);
        using (TensorScope.Begin())
        {
            var z = Tensor.Zeros(37, 11);
            Assert.Same(first, z.Storage.Data);
            Assert.All(z.ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void Ops_inside_a_scope_compute_the_same_values_as_outside()
    {
        var g = new Generator(3);
        var a = Tensor.Randn([8, 5], g);
        var b = Tensor.Randn([5, 4], g);
        float[] expected = a.MatMul(b).Relu().Sum(1).ToArray();
        for (int round = 0; round < 3; round++)
        {
            using var scope = TensorScope.Begin();
            Assert.Equal(expected, a.MatMul(b).Relu().Sum(1).ToArray());
        }
    }

    [Fact]
    public void A_tensor_used_after_its_scope_ended_throws_instead_of_reading_reused_memory()
    {
        Tensor escaped;
        using (TensorScope.Begin()) escaped = Tensor.Ones(6) * 2;
        Assert.False(escaped.IsAlive);
        var e = Assert.Throws<TensorReleasedException>(() => escaped.ToArray());
        Assert.Contains("shape [6]", e.Message);
        Assert.Contains("Keep", e.Message);
        Assert.Throws<TensorReleasedException>(() => escaped.Sum().Item());
        Assert.Throws<TensorReleasedException>(() => escaped.Add(1));
        Assert.Contains("released", escaped.ToString());
        Assert.Equal(DType.Float32, escaped.DType); // metadata stays readable
    }

    [Fact]
    public void Keep_lets_a_tensor_and_its_views_outlive_the_scope()
    {
        Tensor kept, view;
        using (var scope = TensorScope.Begin())
        {
            kept = scope.Keep(Tensor.Arange(0, 6).Reshape(2, 3) + 1);
            view = kept.Transpose(0, 1);
        }
        using (TensorScope.Begin()) _ = Tensor.Full([2, 3], 99.0); // would reuse the buffer if it had been released
        Assert.True(kept.IsAlive);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], kept.ToArray());
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], view.Contiguous().ToArray());
    }

    [Fact]
    public void Keep_moves_a_tensor_to_the_enclosing_scope_which_then_releases_it()
    {
        Tensor moved;
        using (TensorScope.Begin())
        {
            using (var inner = TensorScope.Begin()) moved = inner.Keep(Tensor.Ones(4));
            Assert.True(moved.IsAlive);
        }
        Assert.False(moved.IsAlive);
    }

    [Fact]
    public void Keep_refuses_a_tensor_created_outside_the_scope()
    {
        var outside = Tensor.Ones(3);
        using var scope = TensorScope.Begin();
        Assert.Throws<ArgumentException>(() => scope.Keep(outside));
    }

    [Fact]
    public void Nested_scopes_release_their_own_tensors_only()
    {
        using var outer = TensorScope.Begin();
        var a = Tensor.Ones(5);
        Tensor b;
        using (TensorScope.Begin()) b = a * 3;
        Assert.False(b.IsAlive);
        Assert.True(a.IsAlive);
        Assert.Equal(5, a.Sum().Item());
    }

    [Fact]
    public void Tensors_created_in_Suspend_are_ordinary_garbage_collected_tensors()
    {
        Tensor persistent;
        using (TensorScope.Begin())
        {
            Assert.True(TensorScope.IsActive);
            using (TensorScope.Suspend())
            {
                Assert.False(TensorScope.IsActive);
                persistent = Tensor.Full([3], 7.0);
            }
        }
        Assert.True(persistent.IsAlive);
        Assert.Equal([7f, 7f, 7f], persistent.ToArray());
    }

    [Fact]
    public void Scopes_must_end_in_reverse_order_and_on_their_own_thread()
    {
        var outer = TensorScope.Begin();
        var inner = TensorScope.Begin();
        Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Exception? fromOtherThread = null;
        var thread = new Thread(() => fromOtherThread = Record.Exception(() => inner.Dispose()));
        thread.Start();
        thread.Join();
        Assert.IsType<InvalidOperationException>(fromOtherThread);
        inner.Dispose();
        outer.Dispose();
        Assert.False(TensorScope.IsActive);
    }

    [Fact]
    public void The_pool_keeps_no_more_than_MaxPooledBytes()
    {
        long saved = TensorScope.MaxPooledBytes;
        try
        {
            TensorScope.ClearPool();
            TensorScope.MaxPooledBytes = 1000;
            using (TensorScope.Begin())
            {
                _ = Tensor.Zeros(100); // 400 bytes
                _ = Tensor.Zeros(100);
                _ = Tensor.Zeros(100); // a third would exceed 1000
            }
            Assert.Equal(800, TensorScope.PooledBytes);
            TensorScope.ClearPool();
            Assert.Equal(0, TensorScope.PooledBytes);
        }
        finally
        {
            TensorScope.MaxPooledBytes = saved;
        }
    }

    [Fact]
    public void Training_in_scopes_gives_bit_identical_parameters_and_keeps_gradients_and_optimizer_state()
    {
        float[] Train(bool scoped, bool setToNone)
        {
            var g = new Generator(11);
            var model = new Sequential(new Linear(6, 8, generator: g), new GELU(), new Linear(8, 3, generator: g));
            var opt = new Adam(model.Parameters(), lr: 0.01);
            var x = Tensor.Randn([16, 6], g);
            var y = Tensor.RandInt(0, 3, [16], g);
            for (int step = 0; step < 5; step++)
            {
                using var scope = scoped ? TensorScope.Begin() : null;
                Tensor loss = Losses.CrossEntropy(model.Forward(x), y);
                opt.ZeroGrad(setToNone);
                loss.Backward();
                opt.Step();
            }
            // gradients and optimizer state outlive the scopes
            foreach (var p in model.Parameters())
            {
                Assert.True(p.Grad!.IsAlive);
                Assert.True(opt.StateOf(p)!["exp_avg"].IsAlive);
            }
            return model.Parameters().SelectMany(p => p.ToArray()).ToArray();
        }

        float[] plain = Train(scoped: false, setToNone: true);
        Assert.Equal(plain, Train(scoped: true, setToNone: true));
        Assert.Equal(plain, Train(scoped: true, setToNone: false));
    }

    [Fact]
    public void Gradients_accumulate_across_scopes()
    {
        var w = Tensor.FromArray(new float[] { 1, 2, 3 }).RequiresGrad_();
        for (int i = 0; i < 3; i++)
        {
            using var scope = TensorScope.Begin();
            (w * w).Sum().Backward();
        }
        Assert.Equal([6f, 12f, 18f], w.Grad!.ToArray()); // 3 × 2w
    }

    [Fact]
    public void ZeroGrad_without_setToNone_zeroes_the_same_gradient_tensor_in_place()
    {
        var w = Tensor.FromArray(new float[] { 1, 2 }).RequiresGrad_();
        var opt = new SGD([w], lr: 0.1);
        (w * 3).Sum().Backward();
        Tensor grad = w.Grad!;
        opt.ZeroGrad(setToNone: false);
        Assert.Same(grad, w.Grad);
        Assert.Equal([0f, 0f], grad.ToArray());
        opt.ZeroGrad();
        Assert.Null(w.Grad);
    }
}
