namespace SharpGrad.NN;

/// <summary>
/// A lookup table of learned vectors, like <c>torch.nn.Embedding</c>: Int64 ids of any shape (*) → (*, embedding_dim).
/// The weight (num_embeddings, embedding_dim) is initialised N(0, 1). With a padding index, that row is initialised to zero
/// and receives no gradient (so it stays as it is during training).
/// </summary>
public sealed class Embedding : Module
{
    private readonly Generator? _generator;

    /// <summary>The table, shape (num_embeddings, embedding_dim).</summary>
    public Parameter Weight { get; }

    /// <summary>Number of rows (vocabulary size).</summary>
    public int NumEmbeddings { get; }

    /// <summary>Width of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The padding row (normalised to be non-negative), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>Creates the table; a negative <paramref name="paddingIdx"/> counts from the end, as in PyTorch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">For non-positive sizes or a padding index outside the table.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? generator = null)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), $"Embedding: num_embeddings ({numEmbeddings}) and embedding_dim ({embeddingDim}) must be positive.");
        if (paddingIdx is int p)
        {
            if (p >= numEmbeddings || p < -numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"Embedding: padding_idx must be within num_embeddings ({numEmbeddings}).");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        _generator = generator;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros(numEmbeddings, embeddingDim)));
        ResetParameters();
    }

    /// <summary>Re-draws the table from N(0, 1) and zeroes the padding row.</summary>
    public void ResetParameters()
    {
        Init.Normal(Weight, 0, 1, _generator);
        if (PaddingIdx is int p)
            using (Autograd.NoGrad()) Weight.Narrow(0, p, 1).Fill(0);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Functional.Embedding(input, Weight, PaddingIdx);

    /// <inheritdoc/>
    protected override string ExtraRepr() => $"{NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is int p ? $", padding_idx={p}" : "");
}
