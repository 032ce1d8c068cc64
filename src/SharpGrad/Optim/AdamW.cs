namespace SharpGrad.Optim;

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, 2019): Adam with decoupled weight decay, following <c>torch.optim.AdamW</c>
/// (defaults lr 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0.01). Per parameter, at step t:
/// <code>
/// θ ← θ − ηλθ                                 (decoupled: the decay never enters m or v)
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²;   (AMSGrad: v̂max ← max(v̂max, v))
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// State: <c>exp_avg</c>, <c>exp_avg_sq</c>, <c>max_exp_avg_sq</c> (AMSGrad only), <c>step</c>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer over one group.</summary>
    /// <param name="parameters">Parameters to optimize.</param>
    /// <param name="lr">Learning rate η.</param>
    /// <param name="beta1">β₁, decay of the first moment.</param>
    /// <param name="beta2">β₂, decay of the second moment.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Decoupled weight decay λ (θ ← θ − ηλθ).</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    public AdamW(IEnumerable<Tensor> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true)
    {
    }

    /// <summary>Creates the optimizer over parameter groups; <paramref name="lr"/> and <paramref name="weightDecay"/> are the groups' defaults.</summary>
    /// <param name="groups">Parameter groups.</param>
    /// <param name="lr">Default learning rate η.</param>
    /// <param name="beta1">β₁, decay of the first moment.</param>
    /// <param name="beta2">β₂, decay of the second moment.</param>
    /// <param name="eps">ε added to the denominator.</param>
    /// <param name="weightDecay">Default decoupled weight decay λ.</param>
    /// <param name="amsgrad">Use the running maximum of v (AMSGrad).</param>
    public AdamW(IEnumerable<ParamGroup> groups, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.01, bool amsgrad = false)
        : base(groups, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true)
    {
    }
}
