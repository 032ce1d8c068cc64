namespace SharpGrad.Optim;

/// <summary>Base class of optimizers: holds the parameters and clears their gradients.</summary>
public abstract class Optimizer
{
    /// <summary>The parameters being optimized.</summary>
    protected IReadOnlyList<Tensor> Params { get; }

    /// <summary>Creates the optimizer over <paramref name="parameters"/>.</summary>
    protected Optimizer(IEnumerable<Tensor> parameters)
    {
        Params = parameters.ToList();
        if (Params.Count == 0) throw new ArgumentException("Optimizer got an empty parameter list.", nameof(parameters));
        foreach (var p in Params)
            if (!p.RequiresGrad) throw new ArgumentException($"Optimizer: a parameter of shape {Shape.Format(p.Shape)} does not require grad.", nameof(parameters));
    }

    /// <summary>Performs one update from the current gradients.</summary>
    public abstract void Step();

    /// <summary>Clears the gradients of all parameters.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Params) p.ZeroGrad();
    }
}
