namespace SharpGrad.Optim;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov and L2 weight decay, following
/// <c>torch.optim.SGD</c>: g ← ∇ + λθ; b ← μb + (1 − τ)g (b = g on the first step); g ← g + μb (Nesterov) or b; θ ← θ − η·g.
/// </summary>
public sealed class SGD : Optimizer
{
    private readonly Tensor?[] _momentumBuffers;

    /// <summary>Learning rate η.</summary>
    public double LearningRate { get; set; }

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }

    /// <summary>Dampening τ.</summary>
    public double Dampening { get; }

    /// <summary>L2 weight decay λ.</summary>
    public double WeightDecay { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Creates the optimizer.</summary>
    public SGD(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false)
        : base(parameters)
    {
        if (lr < 0) throw new ArgumentOutOfRangeException(nameof(lr), lr, "SGD: learning rate must be non-negative.");
        if (momentum < 0) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "SGD: momentum must be non-negative.");
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("SGD: Nesterov momentum requires a momentum > 0 and zero dampening.");
        LearningRate = lr;
        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _momentumBuffers = new Tensor?[Params.Count];
    }

    /// <inheritdoc/>
    public override void Step()
    {
        using var _ = Autograd.NoGrad();
        for (int i = 0; i < Params.Count; i++)
        {
            Tensor p = Params[i];
            if (p.Grad is null) continue;
            Tensor g = p.Grad;
            if (WeightDecay != 0) g = g.Add(p.Detach().MulScalar(WeightDecay));
            if (Momentum != 0)
            {
                Tensor? buf = _momentumBuffers[i];
                if (buf is null) buf = _momentumBuffers[i] = g.Clone();
                else buf.MulInPlace(Momentum).AddInPlace(g, 1 - Dampening);
                g = Nesterov ? g.Add(buf.MulScalar(Momentum)) : buf;
            }
            p.AddScaledInPlace(g, -LearningRate);
        }
    }
}
