using System.Text.Json.Serialization;

namespace SharpGrad.NN;

/// <summary>The recurrent layer of a <see cref="RecurrentLanguageModel"/>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecurrentCellKind>))]
public enum RecurrentCellKind
{
    /// <summary>Long short-term memory (<see cref="LSTM"/>); the module is called <c>lstm</c>.</summary>
    [JsonStringEnumMemberName("lstm")]
    Lstm,

    /// <summary>Gated recurrent unit (<see cref="GRU"/>); the module is called <c>gru</c>.</summary>
    [JsonStringEnumMemberName("gru")]
    Gru,

    /// <summary>Elman network with tanh (<see cref="RNN"/>); the module is called <c>rnn</c>.</summary>
    [JsonStringEnumMemberName("rnn")]
    Rnn,
}

/// <summary>
/// Configuration of a <see cref="RecurrentLanguageModel"/>: token embedding → recurrent stack (batch-first) → linear head.
/// Serialises with System.Text.Json (the cell kind as <c>"lstm"</c>, <c>"gru"</c> or <c>"rnn"</c>), so it is the
/// <c>config.json</c> of a checkpoint.
/// </summary>
/// <param name="VocabSize">Vocabulary size V.</param>
/// <param name="EmbeddingDim">Width of the token embedding (the recurrent layer's input size).</param>
/// <param name="HiddenSize">Width of the recurrent hidden state.</param>
/// <param name="Layers">Number of stacked recurrent layers.</param>
/// <param name="Cell">The recurrent layer: LSTM, GRU or tanh RNN.</param>
/// <param name="Dropout">Dropout on the embeddings, between recurrent layers and before the head (training mode only).</param>
public sealed record RecurrentLanguageModelOptions(int VocabSize, int EmbeddingDim = 64, int HiddenSize = 256, int Layers = 1,
    RecurrentCellKind Cell = RecurrentCellKind.Lstm, double Dropout = 0)
{
    /// <summary>
    /// Workload W4: vocabulary 65 (characters), embedding 64, one LSTM layer of 256, no dropout — 350,593 parameters
    /// (embedding 4,160 + LSTM 329,728 + head 16,705).
    /// </summary>
    public static RecurrentLanguageModelOptions W4 { get; } = new(VocabSize: 65, EmbeddingDim: 64, HiddenSize: 256, Layers: 1);

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> when inconsistent.</summary>
    public void Validate()
    {
        if (VocabSize <= 0 || EmbeddingDim <= 0 || HiddenSize <= 0 || Layers <= 0)
            throw new ArgumentException($"RecurrentLanguageModelOptions: sizes must be positive ({this}).");
        if (!Enum.IsDefined(Cell)) throw new ArgumentException($"RecurrentLanguageModelOptions: unknown cell kind {Cell}.");
        if (Dropout is < 0 or >= 1) throw new ArgumentException($"RecurrentLanguageModelOptions: Dropout ({Dropout}) must be in [0, 1).");
    }
}
