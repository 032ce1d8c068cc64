using SharpGrad.Cli.Reporting;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>
/// <c>mlp --csv FILE --target COLUMN</c>: a classifier for a user's own tabular data. Numeric feature columns are
/// standardised (fitted on the training part), the rows split 80/20 stratified by class, a 64-32 ReLU MLP trained with
/// Adam and cross-entropy, and a classification report printed for the test part.
/// </summary>
public sealed class CsvMlpRecipe : IRecipe
{
    /// <summary>The recipe's name on the command line.</summary>
    public const string RecipeName = "mlp";

    /// <inheritdoc/>
    public string Name => RecipeName;

    /// <inheritdoc/>
    public string Description => "your CSV: --csv FILE --target COLUMN → standardised features, stratified 80/20 split, 64-32 ReLU MLP, classification report";

    private static CsvTable Load(RecipeOptions options)
    {
        if (options.CsvPath is null) throw new ArgumentException("The mlp recipe needs --csv FILE and --target COLUMN.");
        if (options.Target is null) throw new ArgumentException("The mlp recipe needs --target COLUMN (the label column's name or 0-based index).");
        // A header named like the target wins; otherwise a number is a 0-based column index.
        try
        {
            return CsvReader.Read(options.CsvPath, new CsvOptions { LabelColumn = options.Target, LabelKind = CsvLabelKind.Categorical });
        }
        catch (CsvFormatException) when (int.TryParse(options.Target, out int index) && index >= 0)
        {
            return CsvReader.Read(options.CsvPath, new CsvOptions { LabelColumnIndex = index, LabelKind = CsvLabelKind.Categorical });
        }
    }

    /// <summary>The network for <paramref name="features"/> inputs and <paramref name="classes"/> classes.</summary>
    public static Sequential BuildModel(int features, int classes, Generator generator) => new(
        new Linear(features, 64, generator: generator), new ReLU(),
        new Linear(64, 32, generator: generator), new ReLU(),
        new Linear(32, classes, generator: generator));

    /// <inheritdoc/>
    public (Module Model, int[] InputShape) Build(RecipeOptions options)
    {
        var table = Load(options);
        return (BuildModel(table.FeatureNames.Count, table.ClassNames.Count, new Generator(options.Seed)), [table.FeatureNames.Count]);
    }

    /// <inheritdoc/>
    public bool CanResume => true;

    /// <inheritdoc/>
    public RecipeResult Train(RecipeOptions options, ConsoleReporter reporter, TextWriter log)
    {
        var table = Load(options);
        int classes = table.ClassNames.Count;
        if (classes < 2) throw new ArgumentException($"The label column \"{table.LabelName}\" has {classes} distinct value(s); a classifier needs at least 2.");
        var (train, test) = TrainTestSplit.Split(table.ToDataset(), testSize: 0.2, randomState: (int)(options.Seed % int.MaxValue), stratify: true);
        var scaler = new StandardScaler();
        train = new TensorDataset(scaler.FitTransform(train.Inputs), train.Targets);
        test = new TensorDataset(scaler.Transform(test.Inputs), test.Targets);
        int epochs = options.EpochsOr(100), batchSize = options.BatchSize ?? 32;
        double lr = options.LearningRate ?? 1e-3;
        log.WriteLine($"recipe {RecipeName}: {options.CsvPath}: {table.Rows} rows, {table.FeatureNames.Count} features, {classes} classes of \"{table.LabelName}\"; " +
            $"train {train.Count} / test {test.Count} (stratified); 64-32 ReLU MLP, Adam lr {lr}, batch {batchSize}, {epochs} epochs");
        var model = BuildModel(table.FeatureNames.Count, classes, new Generator(options.Seed));
        var trainer = new Trainer(model, new Adam(model.Parameters(), lr: lr), new CrossEntropyLoss(), new Metrics.Accuracy()) { CaptureSteps = !options.Eager };
        int initialEpoch = ResumableTraining.Prepare(trainer, options, epochs, log);
        reporter.Run(() => trainer.Fit(train, epochs, batchSize, validationData: test, callbacks: [new TerminateOnNaN()], seed: options.Seed, reporter: reporter, initialEpoch: initialEpoch));
        var history = trainer.FullHistory;
        var final = trainer.Evaluate(test);
        int[] predicted = trainer.Predict(test.Inputs).Argmax(1).ToArray<int>();
        int[] truth = test.Targets.ToArray<int>();
        var warnings = new List<string>();
        var report = Metrics.Metrics.ClassificationReport(truth, predicted, Enumerable.Range(0, classes).ToArray(), [.. table.ClassNames], digits: 4, warn: warnings.Add);
        var metrics = new Dictionary<string, double>
        {
            ["train_loss"] = history["loss"][^1],
            ["train_accuracy"] = history["accuracy"][^1],
            ["test_loss"] = final["loss"],
            ["test_accuracy"] = final["accuracy"],
            ["test_macro_f1"] = Metrics.Metrics.F1Score(truth, predicted, Metrics.Average.Macro),
        };
        string text = report.ToString() + string.Concat(warnings.Select(w => "\nwarning: " + w));
        return new RecipeResult(model, history, metrics, text, trainer.StopReason,
            Diverged: ClassifierResults.Diverged(trainer));
    }
}
