namespace SharpGrad.NN;

/// <summary>
/// Flattens dims <see cref="StartDim"/>…<see cref="EndDim"/> into one, like <c>torch.nn.Flatten</c> (defaults keep the
/// batch dim: (N, C, H, W) → (N, C·H·W)).
/// </summary>
public sealed class Flatten : Module
{
    /// <summary>First dim to flatten.</summary>
    public int StartDim { get; }

    /// <summary>Last dim to flatten (inclusive; negative counts from the end).</summary>
    public int EndDim { get; }

    /// <summary>Creates the layer.</summary>
    public Flatten(int startDim = 1, int endDim = -1)
    {
        StartDim = startDim;
        EndDim = endDim;
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.Flatten(StartDim, EndDim);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"start_dim={StartDim}, end_dim={EndDim}";
}
