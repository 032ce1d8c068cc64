namespace SharpGrad.History;

/// <summary>Outcome of LMS training of an ADALINE.</summary>
/// <param name="Data">The data set.</param>
/// <param name="LearningRate">η of the LMS rule.</param>
/// <param name="MseCurve">Mean squared error ½-free, (1/n) Σ (t − w·x)², of the linear output over all patterns after each epoch (index 0: before training).</param>
/// <param name="Weights">Final augmented weights.</param>
/// <param name="LeastSquaresWeights">The closed-form least-squares solution (XᵀX)⁻¹Xᵀt.</param>
/// <param name="LeastSquaresMse">The mean squared error of the least-squares solution (the minimum LMS can reach).</param>
/// <param name="DistanceToLeastSquares">‖w − w_LS‖.</param>
/// <param name="FirstEpochAllCorrect">First epoch (1-based) after which sign(w·x) classified every pattern correctly; null if never.</param>
/// <param name="LastEpochWeightChange">‖Δw‖ over the last epoch: LMS keeps moving after all points are classified correctly.</param>
/// <param name="Accuracy">Fraction of patterns with sign(w·x) = t at the end.</param>
public sealed record AdalineResult(LinearDataset Data, double LearningRate, double[] MseCurve, double[] Weights, double[] LeastSquaresWeights,
    double LeastSquaresMse, double DistanceToLeastSquares, int? FirstEpochAllCorrect, double LastEpochWeightChange, double Accuracy);
