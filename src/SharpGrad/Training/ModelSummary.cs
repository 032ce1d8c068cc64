using System.Globalization;
using System.Text;
using SharpGrad.NN;

namespace SharpGrad.Training;

/// <summary>One row of a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">The child's name (e.g. "0").</param>
/// <param name="Type">The child's class name.</param>
/// <param name="OutputShape">Its output shape for a batch of one ("?" when it could not be traced).</param>
/// <param name="Parameters">Parameter and floating-point buffer elements in the child and its descendants (as Keras counts a BatchNorm's statistics).</param>
public sealed record SummaryRow(string Name, string Type, string OutputShape, long Parameters);

/// <summary>
/// A Keras-style model summary: layers with output shapes and parameter counts, and totals of trainable and
/// non-trainable parameters (frozen parameters and floating-point buffers such as BatchNorm running statistics).
/// </summary>
public sealed class ModelSummary
{
    /// <summary>The model's class name.</summary>
    public required string ModelType { get; init; }

    /// <summary>One row per direct child (for <see cref="Sequential"/>, each layer).</summary>
    public required IReadOnlyList<SummaryRow> Rows { get; init; }

    /// <summary>All parameter and buffer elements.</summary>
    public long TotalParameters => TrainableParameters + NonTrainableParameters;

    /// <summary>Elements of parameters that require grad.</summary>
    public required long TrainableParameters { get; init; }

    /// <summary>Elements of frozen parameters and floating-point buffers.</summary>
    public required long NonTrainableParameters { get; init; }

    /// <summary>
    /// Builds the summary. With <paramref name="inputShape"/> (one sample, without the batch dim) a batch of one zero sample
    /// is traced through a <see cref="Sequential"/> model, layer by layer, to fill in output shapes.
    /// </summary>
    public static ModelSummary Of(Module model, int[]? inputShape = null, DType inputDType = DType.Float32)
    {
        var shapes = new Dictionary<string, string>();
        if (inputShape is not null && model is Sequential)
        {
            bool wasTraining = model.Training;
            model.Eval();
            using (Autograd.NoGrad())
            {
                Tensor x = Tensor.Zeros([1, .. inputShape], inputDType);
                foreach (var (name, child) in model.NamedChildren())
                {
                    x = child.Forward(x);
                    shapes[name] = "(None, " + string.Join(", ", x.ShapeArray.Skip(1)) + (x.Rank == 2 ? ")" : ")");
                }
            }
            model.Train(wasTraining);
        }
        var rows = model.NamedChildren()
            .Select(c => new SummaryRow(c.Name, c.Module.GetType().Name, shapes.GetValueOrDefault(c.Name, "?"),
                c.Module.Parameters().Sum(p => (long)p.Numel) + c.Module.NamedBuffers().Where(b => b.Buffer.DType.IsFloatingPoint()).Sum(b => (long)b.Buffer.Numel)))
            .ToList();
        long trainable = model.Parameters().Where(p => p.RequiresGrad).Sum(p => (long)p.Numel);
        long frozen = model.Parameters().Where(p => !p.RequiresGrad).Sum(p => (long)p.Numel)
            + model.NamedBuffers().Where(b => b.Buffer.DType.IsFloatingPoint()).Sum(b => (long)b.Buffer.Numel);
        return new ModelSummary { ModelType = model.GetType().Name, Rows = rows, TrainableParameters = trainable, NonTrainableParameters = frozen };
    }

    /// <summary>The summary as a text table, like Keras' <c>model.summary()</c>.</summary>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var cells = Rows.Select(r => ($"{r.Name} ({r.Type})", r.OutputShape, r.Parameters.ToString("N0", inv))).ToList();
        int w1 = Math.Max("Layer (type)".Length, cells.Select(c => c.Item1.Length).DefaultIfEmpty(0).Max());
        int w2 = Math.Max("Output Shape".Length, cells.Select(c => c.Item2.Length).DefaultIfEmpty(0).Max());
        int w3 = Math.Max("Param #".Length, cells.Select(c => c.Item3.Length).DefaultIfEmpty(0).Max());
        string rule = new('─', w1 + w2 + w3 + 6);
        var sb = new StringBuilder();
        sb.Append("Model: \"").Append(ModelType).Append("\"\n").Append(rule).Append('\n');
        sb.Append("Layer (type)".PadRight(w1)).Append("   ").Append("Output Shape".PadRight(w2)).Append("   ").Append("Param #".PadLeft(w3)).Append('\n');
        sb.Append(rule).Append('\n');
        foreach (var (a, b, c) in cells) sb.Append(a.PadRight(w1)).Append("   ").Append(b.PadRight(w2)).Append("   ").Append(c.PadLeft(w3)).Append('\n');
        sb.Append(rule).Append('\n');
        sb.Append("Total params: ").Append(TotalParameters.ToString("N0", inv)).Append('\n');
        sb.Append("Trainable params: ").Append(TrainableParameters.ToString("N0", inv)).Append('\n');
        sb.Append("Non-trainable params: ").Append(NonTrainableParameters.ToString("N0", inv)).Append('\n');
        return sb.ToString();
    }
}
