#:project ../src/SharpGrad/SharpGrad.csproj
// Keras style: Compile, Fit with validation and callbacks, Evaluate, Predict, Summary.
// Run it with:  dotnet run samples/fit-keras-style.cs
using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;
using Accuracy = SharpGrad.Metrics.Accuracy;

// 3-class tabular data (scikit-learn's make_classification, reproduced exactly), standardised, stratified split.
var data = Datasets.MakeClassification(nSamples: 3000, nFeatures: 10, nInformative: 5, nClasses: 3, randomState: 0);
var x = Tensor.FromArray(Array.ConvertAll(data.X, v => (float)v), data.Samples, data.Features);
var y = Tensor.FromArray(data.Y);                                   // Int64 class labels
var (train, test) = TrainTestSplit.Split(new TensorDataset(x, y), testSize: 0.2, randomState: 0, stratify: true);
var scaler = new StandardScaler();
train = new TensorDataset(scaler.FitTransform(train.Inputs), train.Targets);
test = new TensorDataset(scaler.Transform(test.Inputs), test.Targets);

var model = new Sequential(
    new Linear(10, 64, generator: new Generator(1)), new ReLU(), new Dropout(0.1, new Generator(2)),
    new Linear(64, 3, generator: new Generator(3)));
Console.WriteLine(model.Summary(10));

model.Compile(new AdamW(model.Parameters(), lr: 3e-3), new CrossEntropyLoss(), new Accuracy());
int stepsPerEpoch = (int)Math.Ceiling(train.Count * 0.9 / 64);   // 10 % of the training set is held out for validation
var history = model.Fit(train, epochs: 30, batchSize: 64, validationSplit: 0.1, seed: 7, callbacks:
[
    new EarlyStopping("val_loss", patience: 5, restoreBestWeights: true),
    new LearningRateScheduler(new CosineWithWarmupSchedule(3e-3, WarmupSteps: stepsPerEpoch, TotalSteps: 30 * stepsPerEpoch)),
]);
Console.WriteLine($"trained {history.Epochs.Count} epochs; last val_accuracy {history["val_accuracy"][^1]:F3}");

var scores = model.Evaluate(test);
Console.WriteLine($"test loss {scores["loss"]:F4}, test accuracy {scores["accuracy"]:F4}");
Tensor logits = model.Predict(test.Inputs);
Console.WriteLine($"first predictions: {string.Join(", ", logits.Argmax(1).ToArray<long>().Take(10))}");
