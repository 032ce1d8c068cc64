namespace SharpGrad;

/// <summary>
/// Reverse-mode differentiation: orders the graph below a root topologically, walks it in reverse, calls each node's
/// backward rule and accumulates gradients into leaves' <see cref="Tensor.Grad"/>. Releases the graph afterwards
/// unless asked to retain it, so a training loop's memory stays flat.
/// </summary>
internal static class Engine
{
    /// <summary>
    /// Runs the backward pass. <paramref name="observer"/>, when given, is told about each node as it is processed and each
    /// leaf accumulation (the backward-pass tracer uses it); when null nothing extra is evaluated or allocated.
    /// </summary>
    public static void Backward(Tensor root, Tensor? gradient, bool retainGraph, IBackwardObserver? observer = null)
    {
        if (!root.RequiresGrad)
            throw new AutogradException("Backward() called on a tensor that does not require grad and has no grad_fn: " +
                "no input of the computation had RequiresGrad = true (or it was computed inside Autograd.NoGrad()).");
        if (gradient is null)
        {
            if (root.Numel != 1)
                throw new AutogradException($"Backward() without a gradient can only be called on a scalar output; this output has shape {Shape.Format(root.Shape)}. " +
                    "Pass a gradient of the same shape: Backward(Tensor.OnesLike(output)).");
            gradient = Tensor.OnesLike(root);
        }
        else
        {
            if (!Shape.Equal(gradient.Shape, root.Shape))
                throw new ShapeMismatchException("Backward", gradient.Shape, root.Shape, "the gradient must have the output's shape");
            gradient = gradient.DType == root.DType ? gradient.Detach() : gradient.To(root.DType);
        }

        using var _ = Autograd.NoGrad();
        if (root.GradFn is null)
        {
            observer?.OnLeafAccumulate(root, gradient);
            AccumulateLeaf(root, gradient);
            return;
        }
        if (root.GradFn.IsReleased)
            root.GradFn.Apply(gradient); // throws the "second time" error

        Traversal traversal = Traversal.Take();
        List<Node> order = traversal.TopologicalOrder(root.GradFn);
        root.GradFn.PendingGrad = gradient;
        try
        {
            // order is post-order (inputs before consumers); walk it backwards.
            for (int i = order.Count - 1; i >= 0; i--)
            {
                Node node = order[i];
                Tensor? g = node.PendingGrad;
                node.PendingGrad = null;
                if (g is null) continue;
                if (node.RetainedOutput is { } retained) AccumulateLeaf(retained, g);
                Tensor[] inputs = node.Inputs!;
                Tensor?[] grads = node.Apply(g);
                observer?.OnNode(node, g, inputs, grads);
                for (int k = 0; k < inputs.Length; k++)
                {
                    Tensor input = inputs[k];
                    Tensor? gi = k < grads.Length ? grads[k] : null;
                    if (gi is null || !input.RequiresGrad) continue;
                    if (!Shape.Equal(gi.Shape, input.Shape))
                        throw new InvalidOperationException($"Internal error: {node.Name} produced a gradient of shape {Shape.Format(gi.Shape)} for an input of shape {Shape.Format(input.Shape)}.");
                    if (gi.DType != input.DType) gi = gi.To(input.DType);
                    if (input.GradFn is { } producer)
                        producer.PendingGrad = producer.PendingGrad is null ? gi : producer.PendingGrad.Add(gi);
                    else
                    {
                        observer?.OnLeafAccumulate(input, gi);
                        AccumulateLeaf(input, gi);
                    }
                }
            }
        }
        finally
        {
            foreach (Node node in order)
            {
                node.PendingGrad = null;
                if (!retainGraph) node.Release();
            }
            traversal.Return();
        }
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor g)
    {
        if (leaf.Grad is null)
        {
            // A leaf's gradient outlives the step (it is read by the optimizer and may accumulate over several backward
            // passes), so it is never taken from a TensorScope's pool.
            using var persistent = TensorScope.Suspend();
            leaf.Grad = g.Clone();
        }
        else leaf.Grad.AddInPlaceUnchecked(g);
    }

    /// <summary>
    /// The collections of one graph traversal, kept per thread and reused by the next backward pass (a training step
    /// allocated them anew every time: about 1.5 KB for a 5-layer MLP). A backward pass started while another one on the
    /// same thread is still running (from inside a backward rule or an observer) gets its own.
    /// </summary>
    private sealed class Traversal
    {
        [ThreadStatic] private static Traversal? t_spare;

        private readonly List<Node> _order = [];
        private readonly HashSet<Node> _visited = new(ReferenceEqualityComparer.Instance);
        private readonly Stack<(Node Node, int NextInput)> _stack = new();

        public static Traversal Take()
        {
            Traversal? spare = t_spare;
            t_spare = null;
            return spare ?? new Traversal();
        }

        /// <summary>Clears the collections (dropping their references to the graph) and keeps them for the next pass.</summary>
        public void Return()
        {
            _order.Clear();
            _visited.Clear();
            _stack.Clear();
            t_spare = this;
        }

        public List<Node> TopologicalOrder(Node root) => Engine.TopologicalOrder(root, _order, _visited, _stack);
    }

    /// <summary>Iterative depth-first post-order over nodes reachable from <paramref name="root"/> (no recursion: graphs can be deep).</summary>
    private static List<Node> TopologicalOrder(Node root, List<Node> order, HashSet<Node> visited, Stack<(Node Node, int NextInput)> stack)
    {
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            Tensor[] inputs = node.Inputs ?? throw new AutogradException(
                $"Trying to backward through {node.Name} a second time, but its graph was released by the first Backward(). Call Backward(retainGraph: true) the first time if you need to backward twice.");
            bool pushedChild = false;
            for (int k = next; k < inputs.Length; k++)
            {
                Node? child = inputs[k].GradFn;
                if (child is not null && visited.Add(child))
                {
                    stack.Push((node, k + 1));
                    stack.Push((child, 0));
                    pushedChild = true;
                    break;
                }
            }
            if (!pushedChild) order.Add(node);
        }
        return order;
    }
}
