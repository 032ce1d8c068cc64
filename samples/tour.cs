#:project ../src/SharpGrad/SharpGrad.csproj
// A five-minute tour of SharpGrad: tensors, broadcasting, autograd, a tiny training loop.
// Run it with:  dotnet run samples/tour.cs
using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;

// Tensors: creation, views and broadcasting, printed like PyTorch.
var x = Tensor.Arange(6).Reshape(2, 3);
Console.WriteLine(x);
Console.WriteLine(x.T);                        // a view: no copy
Console.WriteLine(x + Tensor.FromArray(new float[] { 10, 20, 30 }));   // (2,3) + (3) broadcasts

// Autograd: y = sum(relu(a·w)), then dy/dw.
var a = Tensor.Randn([4, 3], new Generator(0));
var w = Tensor.Randn([3, 2], new Generator(1)).RequiresGrad_();
var y = a.MatMul(w).Relu().Sum();
y.Backward();
Console.WriteLine(w.Grad);

// Gradient check of your own function against finite differences (float64).
var check = GradCheck.Check(t => t[0].Tanh().MatMul(t[1]).Sum(), [Tensor.Randn(3, 4), Tensor.Randn(4, 2)]);
Console.WriteLine($"gradcheck passed: {check.Passed} (max |err| {check.MaxAbsError:E1})");

// A tiny regression: learn y = 2x − 1 with a Linear layer and SGD.
var inputs = Tensor.Linspace(-1, 1, 32).Reshape(32, 1);
var targets = inputs * 2 - 1;
var model = new Linear(1, 1, generator: new Generator(42));
var optimizer = new SGD(model.Parameters(), lr: 0.5);
for (int step = 0; step < 100; step++)
{
    var loss = Losses.MseLoss(model.Forward(inputs), targets);
    optimizer.ZeroGrad();
    loss.Backward();
    optimizer.Step();
}
Console.WriteLine($"learned weight {model.Weight.Item():F3}, bias {model.Bias!.Item():F3}");
