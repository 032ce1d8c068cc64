namespace SharpGrad;

/// <summary>
/// Switches for gradient recording, like <c>torch.no_grad()</c>:
/// <code>using (Autograd.NoGrad()) { /* ops here build no graph */ }</code>
/// The setting is per thread and scopes nest.
/// </summary>
public static class Autograd
{
    [ThreadStatic] private static bool t_disabled;

    /// <summary>True when ops on tensors that require grad record a graph on this thread.</summary>
    public static bool IsGradEnabled => !t_disabled;

    /// <summary>Disables graph recording until the returned scope is disposed.</summary>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Enables graph recording until the returned scope is disposed (inside a <see cref="NoGrad"/> block, for example).</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);

    /// <summary>Restores the previous grad mode when disposed.</summary>
    public readonly struct GradModeScope : IDisposable
    {
        private readonly bool _previousDisabled;

        internal GradModeScope(bool enabled)
        {
            _previousDisabled = t_disabled;
            t_disabled = !enabled;
        }

        /// <summary>Restores the grad mode that was active when the scope was created.</summary>
        public void Dispose() => t_disabled = _previousDisabled;
    }
}
