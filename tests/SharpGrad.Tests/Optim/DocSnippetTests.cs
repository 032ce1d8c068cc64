// The C# snippets of docs/optim.md, concatenated, so the documentation keeps compiling and running (regenerate by copying the blocks).
using SharpGrad;
using SharpGrad.NN;
using SharpGrad.Optim;
namespace SharpGrad.Tests.Optim;
public class DocSnippetTests
{
[Fact]
public void Snippets()
{

var model = new Linear(4, 1);
var optimizer = new AdamW(model.Parameters(), lr: 1e-3);          // weight decay 0.01 by default
var schedule = new CosineWithWarmupSchedule(1e-3, WarmupSteps: 100, TotalSteps: 1000);

for (long step = 0; step < 1000; step++)
{
    schedule.Apply(optimizer, step);                               // lr for this update
    optimizer.ZeroGrad();
    var x = Tensor.Randn(8, 4);
    var loss = model.Forward(x).Pow(2).Mean();
    loss.Backward();
    GradClip.ClipGradNorm(model.Parameters(), maxNorm: 1.0);
    optimizer.Step();
}

var w = Tensor.FromArray([1.0, 2.0], 2).RequiresGrad_();
var sgd = new SGD([w], lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4);
var rms = new RMSProp([w], lr: 1e-2, momentum: 0.9, centered: true);
var ada = new Adagrad([w], lr: 0.1, lrDecay: 1e-3, initialAccumulatorValue: 0.1);
var adam = new Adam([w], lr: 3e-4, beta2: 0.98, amsgrad: true);

var backbone = new Linear(4, 8);
var head = new Linear(8, 1);
var opt = new AdamW([
    new ParamGroup(backbone.Parameters(), learningRate: 1e-4),
    new ParamGroup(head.Parameters(), weightDecay: 0),       // lr from below, no decay
], lr: 1e-3);
opt.LearningRate = 5e-4;        // sets every group
opt.SetLearningRateScale(0.1);  // every group: its InitialLearningRate × 0.1 (keeps the 1:10 ratio)

var state = opt.StateDict();
var resumed = new AdamW([new ParamGroup(backbone.Parameters()), new ParamGroup(head.Parameters())], lr: 1e-3);
resumed.LoadStateDict(state);   // restores per-group lr / initial lr / weight decay as well

double total = GradClip.ClipGradNorm(model.Parameters(), maxNorm: 1.0);            // returns the norm before clipping
GradClip.ClipGradNorm(model.Parameters(), 5.0, normType: double.PositiveInfinity);   // max |g|
GradClip.ClipGradNorm(model.Parameters(), 1.0, errorIfNonFinite: true);              // throws ArithmeticException on NaN/inf
GradClip.ClipGradValue(model.Parameters(), 0.5);                                     // clamp each element to [−0.5, 0.5]

var cosine = new CosineWithWarmupSchedule(3e-4, WarmupSteps: 100, TotalSteps: 10_000, MinLearningRate: 3e-5);
var poly = new PolynomialWithWarmupSchedule(1e-3, WarmupSteps: 500, TotalSteps: 20_000, Power: 2);
var steps = new MultiStepSchedule(0.1, [30, 60, 90], gamma: 0.1);
var onecycle = new OneCycleSchedule(0.5, TotalSteps: 1000);
double lrAt250 = cosine.LearningRate(250);
var byName = Schedules.Create("inverse-sqrt", baseLr: 1e-3, totalSteps: 10_000);   // Schedules.Names lists them

var plateau = new ReduceLROnPlateau(PlateauMode.Min, factor: 0.5, patience: 3, cooldown: 1, minLr: 1e-5);
double validationLoss = 0.42;                      // from your evaluation
if (plateau.Observe(validationLoss, optimizer))
    Console.WriteLine($"lr reduced to {optimizer.LearningRate}");

}
}
