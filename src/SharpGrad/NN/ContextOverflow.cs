namespace SharpGrad.NN;

/// <summary>
/// What <see cref="Gpt.Generate"/> does once the sequence no longer fits in the model's context (ContextLength tokens).
/// Both policies give the same tokens with and without the KV cache; they differ in which tokens the model sees, and so
/// in what the KV cache can save.
/// </summary>
public enum ContextOverflow
{
    /// <summary>
    /// When the window is full, drop its oldest half and continue: the model sees between ContextLength/2 and
    /// ContextLength tokens. With the KV cache the kept half is re-encoded once (one forward over ContextLength/2 tokens)
    /// and generation continues one token at a time, so the cache keeps its speed-up past the context. This is the
    /// "context shift" of incremental decoders; with learned absolute positions the kept tokens must be re-encoded at
    /// their new positions, which is why the shift is by half a window rather than by one token.
    /// </summary>
    Shift,

    /// <summary>
    /// Every step sees the last ContextLength tokens (nanoGPT's crop). Past the context every token moves to a new
    /// position at every step, which invalidates all cached keys and values: the cache then recomputes the whole window
    /// each step and saves nothing.
    /// </summary>
    Slide,
}
