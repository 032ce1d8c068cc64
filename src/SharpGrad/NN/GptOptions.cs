namespace SharpGrad.NN;

/// <summary>
/// Configuration of a <see cref="Gpt"/> decoder-only Transformer (nanoGPT layout: pre-LayerNorm blocks, learned positions,
/// GELU MLP of width <see cref="MlpRatio"/>·<see cref="Width"/>).
/// </summary>
/// <param name="VocabSize">Vocabulary size V.</param>
/// <param name="ContextLength">Maximum sequence length (number of learned positions).</param>
/// <param name="Layers">Number of Transformer blocks.</param>
/// <param name="Heads">Attention heads NH (Width must be divisible by it).</param>
/// <param name="Width">Embedding width C.</param>
/// <param name="Dropout">Dropout on embeddings, attention weights and residual branches (training mode only).</param>
/// <param name="Bias">Biases in the Linear layers of the blocks (the LayerNorms always have them; the output head never has one).</param>
/// <param name="TiedHead">Share the output head's weight with the token embedding.</param>
/// <param name="MlpRatio">MLP hidden width as a multiple of <see cref="Width"/>.</param>
/// <param name="GeluApproximate">"none" (exact erf GELU, PyTorch's default) or "tanh" (GPT-2's).</param>
public sealed record GptOptions(int VocabSize, int ContextLength, int Layers, int Heads, int Width, double Dropout = 0, bool Bias = true,
    bool TiedHead = false, int MlpRatio = 4, string GeluApproximate = "none")
{
    /// <summary>
    /// Workload W5: vocabulary 65 (characters), context 128, 4 layers, 4 heads, width 256, dropout 0, untied head —
    /// 3,225,600 parameters (wte 16,640 + wpe 32,768 + 4 × 789,760 + ln_f 512 + lm_head 16,640).
    /// </summary>
    public static GptOptions W5 { get; } = new(VocabSize: 65, ContextLength: 128, Layers: 4, Heads: 4, Width: 256);

    /// <summary>Head size HS = Width / Heads.</summary>
    public int HeadSize => Width / Heads;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> when inconsistent.</summary>
    public void Validate()
    {
        if (VocabSize <= 0 || ContextLength <= 0 || Layers <= 0 || Heads <= 0 || Width <= 0 || MlpRatio <= 0)
            throw new ArgumentException($"GptOptions: sizes must be positive ({this}).");
        if (Width % Heads != 0) throw new ArgumentException($"GptOptions: Width ({Width}) must be divisible by Heads ({Heads}).");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"GptOptions: Dropout ({Dropout}) must be in [0, 1).");
    }
}
