using System.Diagnostics;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;
using SharpGrad.Training;

namespace SharpGrad.Cli.Recipes;

/// <summary>Settings of the seed's MLP (workload W1); the defaults are the workload's definition.</summary>
/// <param name="Epochs">Full-batch gradient steps.</param>
/// <param name="LearningRate">SGD learning rate.</param>
/// <param name="Seed">Seed of the weight initialisation.</param>
/// <param name="DataSeed">random_state of make_classification and train_test_split.</param>
/// <param name="LogEvery">Print the loss every this many epochs (0: never).</param>
public sealed record SeedMlpOptions(int Epochs = 1000, double LearningRate = 0.5, ulong Seed = 0, int DataSeed = 42, int LogEvery = 100);

/// <summary>The outcome of a <see cref="SeedMlp"/> run.</summary>
/// <param name="TrainAccuracy">Accuracy on the 800 training rows (threshold 0.5).</param>
/// <param name="TestAccuracy">Accuracy on the 200 test rows.</param>
/// <param name="FinalLoss">Training MSE after the last epoch.</param>
/// <param name="TrainSeconds">Wall time of the training loop only.</param>
/// <param name="LossHistory">Training loss at every epoch.</param>
public sealed record SeedMlpResult(double TrainAccuracy, double TestAccuracy, double FinalLoss, double TrainSeconds, float[] LossHistory);

/// <summary>
/// The seed program, end to end (workload W1): scikit-learn's <c>make_classification(n_samples=1000, n_features=20,
/// n_informative=2, n_redundant=10, random_state=42)</c>, an 80/20 split, a 20-10-5-1 MLP with a sigmoid after every layer,
/// MSE loss and full-batch gradient descent with lr 0.5 for 1000 epochs.
/// </summary>
public sealed class SeedMlp
{
    private readonly SeedMlpOptions _options;
    private readonly SGD _optimizer;

    /// <summary>The 20-10-5-1 sigmoid network.</summary>
    public Sequential Model { get; }

    /// <summary>Training inputs (800, 20) and targets (800, 1).</summary>
    public (Tensor X, Tensor Y) Train { get; }

    /// <summary>Test inputs (200, 20) and targets (200, 1).</summary>
    public (Tensor X, Tensor Y) Test { get; }

    /// <summary>Builds data, model and optimizer.</summary>
    public SeedMlp(SeedMlpOptions? options = null)
    {
        _options = options ?? new SeedMlpOptions();
        var data = Datasets.MakeClassification(nSamples: 1000, nFeatures: 20, nInformative: 2, nRedundant: 10, randomState: _options.DataSeed);
        var (train, test) = TrainTestSplit.Split(data, testSize: 0.2, randomState: _options.DataSeed);
        Train = ToTensors(train);
        Test = ToTensors(test);
        var g = new Generator(_options.Seed);
        Model = new Sequential(
            new Linear(20, 10, generator: g), new Sigmoid(),
            new Linear(10, 5, generator: g), new Sigmoid(),
            new Linear(5, 1, generator: g), new Sigmoid());
        _optimizer = new SGD(Model.Parameters(), lr: _options.LearningRate);
    }

    private static (Tensor X, Tensor Y) ToTensors(ClassificationData d)
    {
        var x = Tensor.FromArray(Array.ConvertAll(d.X, v => (float)v), d.Samples, d.Features);
        var y = Tensor.FromArray(Array.ConvertAll(d.Y, v => (float)v), d.Samples, 1);
        return (x, y);
    }

    /// <summary>One full-batch step: forward, MSE, backward, SGD update. Returns the loss before the update.</summary>
    public float Step()
    {
        using var scope = TensorScope.Begin(); // this step's tensors reuse the previous step's memory
        Tensor loss = Losses.MseLoss(Model.Forward(Train.X), Train.Y);
        _optimizer.ZeroGrad(setToNone: false);
        loss.Backward();
        _optimizer.Step();
        return (float)loss.Item();
    }

    /// <summary>Accuracy of the thresholded output (≥ 0.5 → class 1) on the given data.</summary>
    public double Accuracy(Tensor x, Tensor y)
    {
        using var _ = Autograd.NoGrad();
        Tensor predicted = Model.Forward(x).Ge(0.5);
        return predicted.Eq(y).Mean().Item();
    }

    /// <summary>
    /// Trains for the configured epochs, writing the loss every <see cref="SeedMlpOptions.LogEvery"/> epochs to
    /// <paramref name="log"/> and calling <paramref name="epochEnd"/> with (epoch, loss) after every epoch.
    /// </summary>
    /// <exception cref="TrainingDivergedException">When the loss becomes NaN or infinite.</exception>
    public SeedMlpResult Run(TextWriter? log = null, Action<int, float>? epochEnd = null)
    {
        var history = new float[_options.Epochs];
        var clock = Stopwatch.StartNew();
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            float loss = Step();
            if (!float.IsFinite(loss)) throw new TrainingDivergedException(epoch, epoch, loss);
            history[epoch - 1] = loss;
            if (log is not null && _options.LogEvery > 0 && (epoch % _options.LogEvery == 0 || epoch == 1))
                log.WriteLine(FormattableString.Invariant($"epoch {epoch,5}/{_options.Epochs}  loss {loss:F6}"));
            epochEnd?.Invoke(epoch, loss);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        return new SeedMlpResult(Accuracy(Train.X, Train.Y), Accuracy(Test.X, Test.Y), history.Length > 0 ? history[^1] : double.NaN, seconds, history);
    }
}
