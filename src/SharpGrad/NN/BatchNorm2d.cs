namespace SharpGrad.NN;

/// <summary>
/// Batch normalisation over the channels of an (N, C, H, W) input, like <c>torch.nn.BatchNorm2d</c> (statistics over N, H
/// and W); see <see cref="BatchNormBase"/> for training and evaluation behaviour.
/// </summary>
public sealed class BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true)
    : BatchNormBase(numFeatures, eps, momentum, affine, trackRunningStats)
{
    /// <inheritdoc/>
    protected override bool AcceptsRank(int rank) => rank == 4;

    /// <inheritdoc/>
    protected override string ExpectedShape => $"(N, {NumFeatures}, H, W)";
}
