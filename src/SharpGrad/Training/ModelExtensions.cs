using System.Runtime.CompilerServices;
using SharpGrad.Data;
using SharpGrad.Metrics;
using SharpGrad.NN;
using SharpGrad.Optim;

namespace SharpGrad.Training;

/// <summary>
/// Keras-style methods on any <see cref="Module"/>: <c>model.Compile(optimizer, loss, metrics)</c>, then <c>model.Fit(...)</c>,
/// <c>model.Evaluate(...)</c>, <c>model.Predict(...)</c>, and <c>model.Summary(inputShape)</c>. They delegate to a
/// <see cref="Trainer"/> kept for the model; use <see cref="Trainer"/> directly if you prefer an explicit object.
/// </summary>
public static class ModelExtensions
{
    private static readonly ConditionalWeakTable<Module, Trainer> s_compiled = [];

    /// <summary>Fixes the optimizer, loss and metrics of <paramref name="model"/> for <see cref="Fit"/> and <see cref="Evaluate"/>; returns its trainer.</summary>
    public static Trainer Compile(this Module model, Optimizer optimizer, Loss loss, params IMetric[] metrics)
    {
        var trainer = new Trainer(model, optimizer, loss, metrics);
        s_compiled.AddOrUpdate(model, trainer);
        return trainer;
    }

    /// <summary>The trainer set by <see cref="Compile"/>.</summary>
    /// <exception cref="InvalidOperationException">When the model was not compiled.</exception>
    public static Trainer GetTrainer(this Module model) => s_compiled.TryGetValue(model, out var t) ? t
        : throw new InvalidOperationException($"{model.GetType().Name} has not been compiled: call model.Compile(optimizer, loss, metrics) before Fit/Evaluate.");

    /// <summary>Trains the compiled model; see <see cref="Trainer.Fit"/>.</summary>
    public static History Fit(this Module model, IDataset train, int epochs = 1, int batchSize = 32, IDataset? validationData = null, double validationSplit = 0,
        IEnumerable<Callback>? callbacks = null, bool shuffle = true, ulong seed = 0, ITrainingReporter? reporter = null, bool dropLast = false,
        Func<Batch, Batch>? transform = null) =>
        model.GetTrainer().Fit(train, epochs, batchSize, validationData, validationSplit, callbacks, shuffle, seed, reporter, dropLast, transform);

    /// <summary>Loss and metrics of the compiled model on <paramref name="data"/>; see <see cref="Trainer.Evaluate"/>.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(this Module model, IDataset data, int batchSize = 256) => model.GetTrainer().Evaluate(data, batchSize);

    /// <summary>Outputs for <paramref name="inputs"/> in evaluation mode without gradients (needs no Compile).</summary>
    public static Tensor Predict(this Module model, Tensor inputs, int batchSize = 256)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Predict: batchSize must be positive.");
        int rows = inputs.Size(0);
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            using var _ = Autograd.NoGrad();
            if (rows == 0) return model.Forward(inputs);
            var outputs = new List<Tensor>();
            for (int start = 0; start < rows; start += batchSize)
                outputs.Add(model.Forward(inputs.Narrow(0, start, Math.Min(batchSize, rows - start))));
            return outputs.Count == 1 ? outputs[0] : Tensor.Concat(outputs, 0);
        }
        finally
        {
            model.Train(wasTraining);
        }
    }

    /// <summary>A Keras-style summary; pass the shape of one sample to trace output shapes.</summary>
    public static ModelSummary Summary(this Module model, params int[] inputShape) => ModelSummary.Of(model, inputShape.Length > 0 ? inputShape : null);
}
