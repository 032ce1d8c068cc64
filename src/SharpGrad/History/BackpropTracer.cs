using SharpGrad.NN;

namespace SharpGrad.History;

/// <summary>
/// Traces one backward pass op by op and proves each number with finite differences. The computation is given as a function
/// that builds the (scalar) loss; the tracer runs it once while recording every autograd node in creation order, runs
/// <see cref="Tensor.Backward"/> with an observer that sees each node's incoming gradient dL/d(output) and outgoing gradients
/// dL/d(input), and then re-runs the function many times with one number nudged — a leaf element in place, or one element of
/// the k-th recorded op's output (the op hands back a perturbed copy) — to estimate every printed gradient numerically.
/// <code>
/// var model = new Sequential(new Linear(2, 2), new Sigmoid(), new Linear(2, 1), new Sigmoid());
/// BackwardTrace trace = BackpropTracer.Trace(model, x, t, new MSELoss());
/// Console.WriteLine(trace);              // forward nodes, backward steps with rules, ✓/✗ per gradient
/// bool ok = trace.AllChecksPassed;
/// </code>
/// Requirements: the function must be deterministic (no dropout in training mode, no fresh random draws) and build the whole
/// graph itself (tensors computed with grad before the call must be detached or recomputed inside). The leaves' <see cref="Tensor.Grad"/>
/// are restored afterwards, so tracing does not disturb a training loop. Each checked element costs four forward passes:
/// meant for small models and single examples.
/// </summary>
public static class BackpropTracer
{
    /// <summary>Traces <c>loss.Forward(model.Forward(input), target)</c>; parameters are labelled by their state-dict names, the input "x", the target "t".</summary>
    public static BackwardTrace Trace(Module model, Tensor input, Tensor target, Loss loss, TraceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        var names = new List<(string, Tensor)> { ("x", input), ("t", target) };
        names.AddRange(model.NamedParameters().Select(p => (p.Name, (Tensor)p.Parameter)));
        return Trace(() => loss.Forward(model.Forward(input), target), names, options);
    }

    /// <summary>
    /// Traces the scalar loss built by <paramref name="computeLoss"/>. <paramref name="names"/> labels leaves and constant inputs
    /// in the printout (unnamed leaves become leaf0, leaf1, …; unnamed constants const0, …). Every leaf that requires grad and
    /// reaches the loss is checked, named or not.
    /// </summary>
    /// <exception cref="ArgumentException">The loss is not a scalar, does not require grad, or depends on graph built outside <paramref name="computeLoss"/>.</exception>
    /// <exception cref="InvalidOperationException">Re-running <paramref name="computeLoss"/> gives a different graph or loss (it is not deterministic).</exception>
    public static BackwardTrace Trace(Func<Tensor> computeLoss, IEnumerable<(string Name, Tensor Tensor)>? names = null, TraceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(computeLoss);
        options ??= new TraceOptions();
        var labels = new Dictionary<Tensor, string>(ReferenceEqualityComparer.Instance);
        foreach (var (name, tensor) in names ?? []) labels.TryAdd(tensor, name);

        // 1. Forward, recording every node.
        var capture = new CaptureRecorder();
        Tensor loss;
        using (Autograd.EnableGrad())
        using (GraphRecorder.Install(capture))
            loss = computeLoss();
        if (loss.Numel != 1)
            throw new ArgumentException($"Trace: the loss must have one element, got shape {Shape.Format(loss.Shape)}.", nameof(computeLoss));
        if (loss.GradFn is null)
            throw new ArgumentException("Trace: the loss does not depend on any tensor that requires grad, so there is no backward pass to trace.", nameof(computeLoss));
        double lossValue = loss.Detach().Item();

        var nodeIndex = new Dictionary<Node, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < capture.Outputs.Count; i++) nodeIndex[capture.Outputs[i].GradFn!] = i;

        // 2. What reaches the loss: nodes and leaves (in order of first use), refusing graph built outside computeLoss.
        var onPath = new HashSet<int>();
        var leaves = new List<Tensor>();
        var leafSet = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<Node>([loss.GradFn]);
        while (stack.Count > 0)
        {
            Node node = stack.Pop();
            if (!nodeIndex.TryGetValue(node, out int k))
                throw new ArgumentException($"Trace: the loss depends on a {node.Name} node built outside computeLoss; build that part inside the function or Detach() it.", nameof(computeLoss));
            if (!onPath.Add(k)) continue;
            foreach (Tensor input in node.Inputs!)
            {
                if (input.GradFn is { } producer) stack.Push(producer);
                else if (input.RequiresGrad) leafSet.Add(input);
            }
        }
        for (int i = 0; i < capture.Outputs.Count; i++)
            foreach (Tensor input in capture.Outputs[i].GradFn!.Inputs!)
                if (input.GradFn is null && leafSet.Contains(input) && !leaves.Contains(input, ReferenceEqualityComparer.Instance)) leaves.Add(input);

        int autoLeaf = 0, autoConst = 0;
        string Label(Tensor t)
        {
            if (t.GradFn is { } n && nodeIndex.TryGetValue(n, out int k)) return "#" + k;
            if (labels.TryGetValue(t, out string? name)) return name;
            name = t.RequiresGrad ? "leaf" + autoLeaf++ : "const" + autoConst++;
            labels[t] = name;
            return name;
        }

        var forward = new List<TraceForwardNode>();
        for (int i = 0; i < capture.Outputs.Count; i++)
        {
            Node node = capture.Outputs[i].GradFn!;
            Tensor[] inputs = node.Inputs!;
            string op = node.Name.EndsWith("Backward", StringComparison.Ordinal) ? node.Name[..^"Backward".Length] : node.Name;
            forward.Add(new TraceForwardNode(i, node.Name, op, inputs.Select(Label).ToArray(), inputs.Select(t => t.ShapeArray).ToArray(),
                node.OutputShape, capture.Values[i], onPath.Contains(i)));
        }
        foreach (Tensor leaf in leaves) Label(leaf);

        // 3. Backward with the observer; the leaves' own gradients are put back afterwards.
        var observer = new StepObserver(nodeIndex);
        Tensor?[] savedGrads = leaves.Select(l => l.Grad).ToArray();
        double[][] leafGrads;
        try
        {
            foreach (Tensor leaf in leaves) leaf.Grad = null;
            Engine.Backward(loss, null, retainGraph: false, observer);
            leafGrads = leaves.Select(l => l.Grad is { } g ? g.Detach().ToArray<double>() : new double[l.Numel]).ToArray();
        }
        finally
        {
            for (int i = 0; i < leaves.Count; i++) leaves[i].Grad = savedGrads[i];
        }

        // 4. Numerical derivatives: dL/d(output of each node on the path) and dL/d(each leaf).
        bool float64 = leaves.All(l => l.DType == DType.Float64) && capture.Outputs.All(o => o.DType == DType.Float64);
        DType dtype = float64 ? DType.Float64 : DType.Float32;
        double eps = options.Epsilon ?? (float64 ? 1e-4 : 1e-2);
        double atol = options.AbsoluteTolerance ?? (float64 ? 1e-8 : 1e-4);
        double rtol = options.RelativeTolerance ?? (float64 ? 1e-6 : 1e-3);
        var numeric = new Numerics(computeLoss, capture.Outputs.Count, lossValue, eps, options.MaxCheckedElements);
        bool check = options.CheckWithFiniteDifferences;
        if (check) numeric.VerifyReplay(capture.Outputs.Select(o => o.GradFn!.Name).ToArray());
        var nodeNumeric = new Dictionary<int, double[]>();
        var leafNumeric = new Dictionary<Tensor, double[]>(ReferenceEqualityComparer.Instance);
        double[] NumericOf(Tensor t) => t.GradFn is { } n
            ? nodeNumeric.TryGetValue(nodeIndex[n], out var v) ? v : nodeNumeric[nodeIndex[n]] = numeric.OfNode(nodeIndex[n], capture.Outputs[nodeIndex[n]])
            : leafNumeric.TryGetValue(t, out var w) ? w : leafNumeric[t] = numeric.OfLeaf(t);

        // Edges per target: a tensor used by several ops receives one contribution from each.
        var contributions = new Dictionary<Tensor, List<double[]>>(ReferenceEqualityComparer.Instance);
        foreach (var s in observer.Steps)
            foreach (var (input, grad) in s.Outgoing)
                if (grad is not null)
                {
                    if (!contributions.TryGetValue(input, out var list)) contributions[input] = list = [];
                    list.Add(grad);
                }

        TraceCheck Compare(double[] analytic, double[] numerical, string against)
        {
            int n = Math.Min(analytic.Length, numerical.Length);
            double maxErr = 0;
            bool passed = true;
            for (int i = 0; i < n; i++)
            {
                double err = Math.Abs(analytic[i] - numerical[i]);
                if (double.IsNaN(err)) err = double.IsNaN(analytic[i]) && double.IsNaN(numerical[i]) ? 0 : double.PositiveInfinity;
                maxErr = Math.Max(maxErr, err);
                passed &= err <= atol + rtol * Math.Abs(numerical[i]);
            }
            return new TraceCheck(numerical, maxErr, passed, n, against);
        }

        var steps = new List<TraceBackwardStep>();
        foreach (var s in observer.Steps)
        {
            Tensor output = capture.Outputs[s.NodeIndex];
            string outLabel = "#" + s.NodeIndex;
            TraceCheck? inCheck = check ? Compare(s.Incoming, NumericOf(output), "dL/d" + outLabel) : null;
            var incoming = new TraceGradient(outLabel, output.ShapeArray, s.Incoming, inCheck, 1);
            var outgoing = new List<TraceGradient>();
            foreach (var (input, grad) in s.Outgoing)
            {
                string target = Label(input);
                if (grad is null)
                {
                    outgoing.Add(new TraceGradient(target, input.ShapeArray, null, null, 0));
                    continue;
                }
                var all = contributions[input];
                TraceCheck? c = null;
                if (check)
                {
                    double[] analytic = grad;
                    string against = "dL/d" + target;
                    if (all.Count > 1)
                    {
                        analytic = new double[grad.Length];
                        foreach (var part in all)
                            for (int i = 0; i < analytic.Length; i++) analytic[i] += part[i];
                        against = $"Σ of the {all.Count} contributions vs dL/d{target}";
                    }
                    c = Compare(analytic, NumericOf(input), against);
                }
                outgoing.Add(new TraceGradient(target, input.ShapeArray, grad, c, all.Count));
            }
            steps.Add(new TraceBackwardStep(steps.Count + 1, s.NodeIndex, s.NodeName, TraceRules.For(s.NodeName), incoming, outgoing));
        }

        var leafRecords = leaves.Select((l, i) => new TraceLeaf(labels[l], l.ShapeArray, leafGrads[i],
            check ? Compare(leafGrads[i], NumericOf(l), "dL/d" + labels[l]) : null)).ToList();

        return new BackwardTrace(lossValue, dtype, forward, steps, leafRecords, options, eps, atol, rtol);
    }

    /// <summary>Records each node's output and its values during the traced forward pass.</summary>
    private sealed class CaptureRecorder : GraphRecorder
    {
        public readonly List<Tensor> Outputs = [];
        public readonly List<double[]> Values = [];

        public override Tensor OnRecord(Tensor output)
        {
            Outputs.Add(output);
            Values.Add(output.Detach().ToArray<double>()); // Detach: reading values must not record nodes
            return output;
        }
    }

    /// <summary>During a replay: counts recorded nodes and hands back a copy of the target node's output with one element nudged.</summary>
    private sealed class ReplayRecorder(int target, int element, double delta) : GraphRecorder
    {
        public int Count;
        public readonly List<string> Names = [];
        public double ActualDelta;

        public override Tensor OnRecord(Tensor output)
        {
            int index = Count++;
            Names.Add(output.GradFn!.Name);
            if (index != target) return output;
            // A fresh dense copy, so that nudging it cannot reach an input through a shared view.
            Tensor copy = output.Detach().Clone();
            int at = copy.StorageIndexOfLinear(element);
            double original = copy.Storage.Get(at);
            copy.Storage.Set(at, original + delta);
            ActualDelta = copy.Storage.Get(at) - original; // the step the storage could represent
            copy.RequiresGrad = true;
            copy.GradFn = output.GradFn;
            return copy;
        }
    }

    /// <summary>Sees each backward step; copies the gradients (the engine's tensors are not ours to keep).</summary>
    private sealed class StepObserver(Dictionary<Node, int> nodeIndex) : IBackwardObserver
    {
        public readonly List<(int NodeIndex, string NodeName, double[] Incoming, List<(Tensor Input, double[]? Grad)> Outgoing)> Steps = [];

        public void OnNode(Node node, Tensor gradOutput, Tensor[] inputs, Tensor?[] inputGrads)
        {
            var outgoing = new List<(Tensor, double[]?)>();
            for (int k = 0; k < inputs.Length; k++)
            {
                Tensor? g = k < inputGrads.Length ? inputGrads[k] : null;
                outgoing.Add((inputs[k], g is not null && inputs[k].RequiresGrad ? g.Detach().ToArray<double>() : null));
            }
            Steps.Add((nodeIndex[node], node.Name, gradOutput.Detach().ToArray<double>(), outgoing));
        }

        public void OnLeafAccumulate(Tensor leaf, Tensor gradient) { }
    }

    /// <summary>Finite differences by replaying the user's function with one element nudged.</summary>
    private sealed class Numerics(Func<Tensor> computeLoss, int nodeCount, double loss, double eps, int maxElements)
    {
        private (int Count, List<string> Names, double Loss, double Delta) Replay(int target, int element, double delta)
        {
            var recorder = new ReplayRecorder(target, element, delta);
            double value;
            using (Autograd.EnableGrad())
            using (GraphRecorder.Install(recorder))
                value = computeLoss().Detach().Item();
            return (recorder.Count, recorder.Names, value, recorder.ActualDelta);
        }

        /// <summary>An unperturbed replay must rebuild the same ops and the same loss, or the numbers would mean nothing.</summary>
        public void VerifyReplay(string[] names)
        {
            var (count, replayNames, value, _) = Replay(-1, 0, 0);
            if (count != nodeCount || !replayNames.SequenceEqual(names))
                throw new InvalidOperationException($"Trace: running computeLoss again recorded {count} ops where the first run recorded {nodeCount} " +
                    "(or in a different order); the function must build the same graph every time.");
            if (value.CompareTo(loss) != 0)
                throw new InvalidOperationException($"Trace: running computeLoss again gave loss {value:R} after {loss:R}; the function must be deterministic " +
                    "(call model.Eval() to turn off dropout, and do not draw fresh random numbers inside it).");
        }

        public double[] OfNode(int index, Tensor output)
        {
            double[] values = output.Detach().ToArray<double>();
            var result = new double[Math.Min(values.Length, maxElements)];
            for (int j = 0; j < result.Length; j++)
            {
                int element = j;
                result[j] = Derivative(values[j], d =>
                {
                    var r = Replay(index, element, d);
                    return (r.Delta, r.Loss);
                });
            }
            return result;
        }

        public double[] OfLeaf(Tensor leaf)
        {
            var result = new double[Math.Min(leaf.Numel, maxElements)];
            for (int j = 0; j < result.Length; j++)
            {
                int at = leaf.StorageIndexOfLinear(j);
                double original = leaf.Storage.Get(at);
                try
                {
                    result[j] = Derivative(original, d =>
                    {
                        leaf.Storage.Set(at, original + d);
                        double actual = leaf.Storage.Get(at) - original;
                        return (actual, Replay(-1, 0, 0).Loss);
                    });
                }
                finally
                {
                    leaf.Storage.Set(at, original);
                }
            }
            return result;
        }

        /// <summary>Richardson-extrapolated central differences: D(h) + (D(h) − D(2h))/3, using the steps actually stored.</summary>
        private double Derivative(double x, Func<double, (double Step, double Loss)> f)
        {
            double h = eps * Math.Max(1, Math.Abs(x));
            double Central(double step)
            {
                var (sp, lp) = f(step);
                var (sm, lm) = f(-step);
                return (lp - lm) / (sp - sm);
            }
            double d1 = Central(h), d2 = Central(2 * h);
            return d1 + (d1 - d2) / 3;
        }
    }
}
