namespace SharpGrad.NN;

/// <summary>
/// Batch normalisation over the channels of an (N, C) or (N, C, L) input, like <c>torch.nn.BatchNorm1d</c>
/// (statistics over N, and L); see <see cref="BatchNormBase"/> for training and evaluation behaviour.
/// </summary>
public sealed class BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc/>
    protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    /// <inheritdoc/>
    protected override string ExpectedShape => $"(N, {NumFeatures}) or (N, {NumFeatures}, L)";
}
