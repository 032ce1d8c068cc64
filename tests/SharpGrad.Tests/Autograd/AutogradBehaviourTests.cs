namespace SharpGrad.Tests.AutogradEngine;

public class AutogradBehaviourTests
{
    private static Tensor Leaf(params float[] v) => Tensor.FromArray(v).RequiresGrad_();

    [Fact]
    public void DiamondGraphAccumulatesBothPaths()
    {
        // y = a·b + a²  ⇒  dy/da = b + 2a
        var a = Leaf(2, -1);
        var b = Leaf(3, 5);
        var y = (a * b + a * a).Sum();
        y.Backward();
        Assert.Equal([7f, 3f], a.Grad!.ToArray());
        Assert.Equal([2f, -1f], b.Grad!.ToArray());
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsUntilZeroGrad()
    {
        var x = Leaf(1, 2);
        (x * 3).Sum().Backward();
        (x * 3).Sum().Backward();
        Assert.Equal([6f, 6f], x.Grad!.ToArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
        (x * x).Sum().Backward();
        Assert.Equal([2f, 4f], x.Grad!.ToArray());
    }

    [Fact]
    public void BackwardWithExplicitGradientForNonScalar()
    {
        var x = Leaf(1, 2, 3);
        var y = x * x;
        y.Backward(Tensor.FromArray(new float[] { 1, 0.5f, -1 }));
        Assert.Equal([2f, 2f, -6f], x.Grad!.ToArray());
    }

    [Fact]
    public void BackwardOnNonScalarWithoutGradientIsAClearError()
    {
        var x = Leaf(1, 2);
        var e = Assert.Throws<AutogradException>(() => (x * 2).Backward());
        Assert.Contains("scalar", e.Message);
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void BackwardTwiceThroughReleasedGraphIsAClearError()
    {
        var x = Leaf(1, 2);
        var y = (x.Exp() * 2).Sum();
        y.Backward();
        var e = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("second time", e.Message);
        Assert.Contains("retainGraph", e.Message);
    }

    [Fact]
    public void RetainGraphAllowsASecondBackward()
    {
        var x = Leaf(1, 2);
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal([4f, 8f], x.Grad!.ToArray());
    }

    [Fact]
    public void BackwardOnTensorThatNeedsNoGradIsAClearError()
    {
        var x = Tensor.FromArray(new float[] { 1, 2 });
        var e = Assert.Throws<AutogradException>(() => (x * 2).Sum().Backward());
        Assert.Contains("does not require grad", e.Message);
    }

    [Fact]
    public void NoGradRecordsNothingAndRestoresTheMode()
    {
        var x = Leaf(1, 2);
        Tensor y;
        using (Autograd.NoGrad())
        {
            y = x * 2;
            Assert.False(Autograd.IsGradEnabled);
            using (Autograd.EnableGrad()) Assert.True((x * 2).RequiresGrad);
            Assert.False(Autograd.IsGradEnabled);
        }
        Assert.True(Autograd.IsGradEnabled);
        Assert.False(y.RequiresGrad);
        Assert.Null(y.GradFnName);
    }

    [Fact]
    public void DetachCutsTheGraphButSharesStorage()
    {
        var x = Leaf(1, 2);
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        using (Autograd.NoGrad()) x.AddInPlace(Tensor.Ones(2));
        Assert.Equal([2f, 3f], d.ToArray());
    }

    [Fact]
    public void InPlaceChangeOfASavedTensorIsRefusedAtBackward()
    {
        var x = Leaf(1, 2);
        var h = x * 2;           // h is saved by the multiplication below
        var y = (h * h).Sum();
        using (Autograd.NoGrad()) h.AddInPlace(Tensor.Ones(2));
        var e = Assert.Throws<AutogradException>(() => y.Backward());
        Assert.Contains("modified by an in-place operation", e.Message);
        Assert.Contains("MulBackward", e.Message);
    }

    [Fact]
    public void InPlaceChangeOfATensorNotSavedIsAllowed()
    {
        var x = Leaf(1, 2);
        var c = Tensor.FromArray(new float[] { 5, 5 });
        var y = (x + c).Sum();   // Add does not save its inputs
        c.AddInPlace(Tensor.Ones(2));
        y.Backward();
        Assert.Equal([1f, 1f], x.Grad!.ToArray());
    }

    [Fact]
    public void InPlaceOnALeafThatRequiresGradNeedsNoGrad()
    {
        var w = Leaf(1, 2);
        var e = Assert.Throws<AutogradException>(() => w.AddInPlace(Tensor.Ones(2)));
        Assert.Contains("NoGrad", e.Message);
        using (Autograd.NoGrad()) w.AddInPlace(Tensor.Ones(2), alpha: -0.5);
        Assert.Equal([0.5f, 1.5f], w.ToArray());
    }

    [Fact]
    public void GraphIsReleasedAfterBackwardSoMemoryCanBeCollected()
    {
        var weak = BuildAndBackward();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.False(weak.IsAlive);

        static WeakReference BuildAndBackward()
        {
            var x = Leaf(1, 2, 3);
            var big = Tensor.Randn(1000, 3);
            var hidden = big * x;                 // an intermediate the graph references
            var weakRef = new WeakReference(hidden);
            var loss = hidden.Tanh().Sum();
            loss.Backward();
            // loss still alive here, but its graph no longer references hidden
            GC.KeepAlive(loss);
            return weakRef;
        }
    }

    [Fact]
    public void RetainGradStoresTheGradientOfAnIntermediate()
    {
        var x = Leaf(1, 2);
        var h = (x * 3).RetainGrad();
        (h * h).Sum().Backward();
        Assert.Equal([6f, 12f], h.Grad!.ToArray());
        Assert.Equal([18f, 36f], x.Grad!.ToArray());
    }

    [Fact]
    public void LongChainsDoNotOverflowTheStack()
    {
        var x = Leaf(1);
        var y = x;
        for (int i = 0; i < 20000; i++) y = y * 1.0001;
        y.Sum().Backward();
        Assert.Equal(Math.Pow(1.0001, 20000), x.Grad!.Item(), 2);
    }

    [Fact]
    public void OnlyFloatingTensorsCanRequireGrad()
    {
        var ids = Tensor.FromArray(new long[] { 1, 2 });
        Assert.Throws<DTypeMismatchException>(() => ids.RequiresGrad = true);
    }

    [Fact]
    public void ResultsRecordTheirGradFn()
    {
        var x = Leaf(1, 2);
        Assert.True(x.IsLeaf);
        var y = x.Exp();
        Assert.False(y.IsLeaf);
        Assert.Equal("ExpBackward", y.GradFnName);
        Assert.Contains("grad_fn=<ExpBackward>", y.ToString());
    }
}
