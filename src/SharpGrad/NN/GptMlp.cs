namespace SharpGrad.NN;

/// <summary>The MLP of a <see cref="Gpt"/> block: <c>c_fc</c> C → rC, GELU, <c>c_proj</c> rC → C, dropout.</summary>
public sealed class GptMlp : Module
{
    /// <summary>Expansion C → rC.</summary>
    public Linear CFc { get; }

    /// <summary>Activation.</summary>
    public GELU Gelu { get; }

    /// <summary>Projection rC → C.</summary>
    public Linear CProj { get; }

    /// <summary>Residual dropout.</summary>
    public Dropout Dropout { get; }

    /// <summary>Creates the MLP.</summary>
    public GptMlp(int width, int hidden, bool bias = true, double dropout = 0, string geluApproximate = "none", Generator? generator = null)
    {
        CFc = RegisterModule("c_fc", new Linear(width, hidden, bias, generator));
        Gelu = RegisterModule("gelu", new GELU(geluApproximate));
        CProj = RegisterModule("c_proj", new Linear(hidden, width, bias, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout, generator));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => Dropout.Forward(CProj.Forward(Gelu.Forward(CFc.Forward(input))));
}
