using SharpGrad.NN;

namespace SharpGrad.Tests.Regression;

/// <summary>
/// work arrays from TensorScope.RentArray carry no generation check, so a graph whose backward reads them
/// can run after the arrays went back to the pool and were handed out again, without any TensorReleasedException.
/// Each test accepts either outcome the design promises (TensorReleasedException, or the correct gradient), and fails on
/// a silently wrong gradient.
/// </summary>
public class ScopeEscapeTests
{
    private static void AssertThrowsReleasedOrEqual(Action backward, Func<float[]> actual, float[] expected)
    {
        Exception? e = Record.Exception(backward);
        if (e is not null)
        {
            Assert.IsType<TensorReleasedException>(e);
            return;
        }
        Assert.Equal(expected, actual());
    }

    // Losses.CrossEntropy's backward reads lse / rowWeight (RentArray) and has no liveness check; with logits created
    // outside the scope (a leaf) nothing it touches is generation-checked.
    [Fact]
    public void CrossEntropy_backward_after_its_scope_does_not_silently_read_recycled_work_arrays()
    {
        var target = Tensor.FromArray(new long[] { 0, 1, 2, 3 }, 4);
        var g = new Generator(7);
        float[] init = Tensor.Randn([4, 5], g).ToArray();

        var reference = Tensor.FromArray(init, 4, 5).RequiresGrad_();
        Losses.CrossEntropy(reference, target).Backward();
        float[] expected = reference.Grad!.ToArray();

        var logits = Tensor.FromArray(init, 4, 5).RequiresGrad_();
        Tensor loss;
        using (TensorScope.Begin()) loss = Losses.CrossEntropy(logits, target);
        using (TensorScope.Begin()) _ = Losses.CrossEntropy(Tensor.Randn([4, 5], g).MulScalar(10), target); // reuses the step arrays

        AssertThrowsReleasedOrEqual(() => loss.Backward(), () => logits.Grad!.ToArray(), expected);
    }

    // MaxPool2d's liveness check looks at the output's storage only; Keep moves that storage to the outer scope but the
    // indices array (RentArray) still goes back to the pool when the inner scope ends, and the next MaxPool2d of the same
    // size in the outer scope overwrites it while the kept output's graph still needs it.
    [Fact]
    public void MaxPool2d_output_kept_into_the_outer_scope_keeps_valid_argmax_indices()
    {
        float[] init = new Generator(3).Let(gen => Tensor.Randn([1, 1, 4, 4], gen).ToArray());
        var reference = Tensor.FromArray(init, 1, 1, 4, 4).RequiresGrad_();
        Functional.MaxPool2d(reference, 2).Sum().Backward();
        float[] expected = reference.Grad!.ToArray();

        var x = Tensor.FromArray(init, 1, 1, 4, 4).RequiresGrad_();
        var other = Tensor.FromArray(init, 1, 1, 4, 4).MulScalar(-1); // different argmax positions
        using (TensorScope.Begin()) // e.g. a training step
        {
            Tensor y;
            using (var inner = TensorScope.Begin()) y = inner.Keep(Functional.MaxPool2d(x, 2));
            _ = Functional.MaxPool2d(other, 2); // rents an int[4] again: the kept graph's indices
            AssertThrowsReleasedOrEqual(() => y.Sum().Backward(), () => x.Grad!.ToArray(), expected);
        }
    }

    // Same mechanism for Conv2d's saved im2col columns (used for the weight gradient).
    [Fact]
    public void Conv2d_output_kept_into_the_outer_scope_keeps_valid_saved_columns()
    {
        var gen = new Generator(5);
        float[] xInit = Tensor.Randn([1, 2, 5, 5], gen).ToArray(), wInit = Tensor.Randn([3, 2, 3, 3], gen).ToArray();
        var wRef = Tensor.FromArray(wInit, 3, 2, 3, 3).RequiresGrad_();
        Functional.Conv2d(Tensor.FromArray(xInit, 1, 2, 5, 5), wRef).Sum().Backward();
        float[] expected = wRef.Grad!.ToArray();

        var x = Tensor.FromArray(xInit, 1, 2, 5, 5);
        var w = Tensor.FromArray(wInit, 3, 2, 3, 3).RequiresGrad_();
        var other = Tensor.Randn([1, 2, 5, 5], gen);
        using (TensorScope.Begin())
        {
            Tensor y;
            using (var inner = TensorScope.Begin()) y = inner.Keep(Functional.Conv2d(x, w));
            _ = Functional.Conv2d(other, w); // rents the same-sized column array and unfolds other into it
            AssertThrowsReleasedOrEqual(() => y.Sum().Backward(), () => w.Grad!.ToArray(), expected);
        }
    }
}

internal static class LetExtension
{
    public static TResult Let<T, TResult>(this T value, Func<T, TResult> f) => f(value);
}
