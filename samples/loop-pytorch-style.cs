#:project ../src/SharpGrad/SharpGrad.csproj
// PyTorch style: your own loop over a DataLoader — forward, loss, ZeroGrad, Backward, Step.
// Run it with:  dotnet run samples/loop-pytorch-style.cs
using SharpGrad;
using SharpGrad.Data;
using SharpGrad.NN;
using SharpGrad.Optim;

var data = Datasets.MakeClassification(nSamples: 3000, nFeatures: 10, nInformative: 5, nClasses: 3, randomState: 0);
var x = Tensor.FromArray(Array.ConvertAll(data.X, v => (float)v), data.Samples, data.Features);
var (train, test) = TrainTestSplit.Split(new TensorDataset(x, Tensor.FromArray(data.Y)), testSize: 0.2, randomState: 0, stratify: true);

var model = new Sequential(new Linear(10, 64, generator: new Generator(1)), new ReLU(), new Linear(64, 3, generator: new Generator(3)));
var optimizer = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
var lossFn = new CrossEntropyLoss();
var loader = new DataLoader(train, batchSize: 64, shuffle: true, seed: 7);

for (int epoch = 1; epoch <= 20; epoch++)
{
    model.Train();
    double total = 0;
    foreach (var batch in loader)
    {
        Tensor loss = lossFn.Forward(model.Forward(batch.Inputs), batch.Targets);
        optimizer.ZeroGrad();
        loss.Backward();
        GradClip.ClipGradNorm(model.Parameters(), maxNorm: 5);
        optimizer.Step();
        total += loss.Item() * batch.Size;
    }
    if (epoch % 5 == 0) Console.WriteLine($"epoch {epoch}: train loss {total / train.Count:F4}");
}

model.Eval();
using (Autograd.NoGrad())
{
    Tensor predicted = model.Forward(test.Inputs).Argmax(1);
    double accuracy = predicted.Eq(test.Targets).Mean().Item();
    Console.WriteLine($"test accuracy {accuracy:F4}");
}
