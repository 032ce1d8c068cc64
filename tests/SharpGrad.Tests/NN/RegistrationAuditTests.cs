using System.Collections;
using System.Reflection;
using Module = SharpGrad.NN.Module;
using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

/// <summary>
/// Registration is explicit (no reflection at run time), so this test makes sure nothing slips through: it builds one
/// instance of every Module subclass in the library and checks that every field holding a Tensor, Parameter or Module
/// (directly, or in an array/list) refers to a registered parameter, buffer or child. A new layer must be added to
/// <see cref="Instances"/>, otherwise <see cref="EveryModuleTypeIsAudited"/> fails.
/// </summary>
public class RegistrationAuditTests
{
    private static IEnumerable<Module> Instances() =>
    [
        new Linear(3, 2), new Linear(3, 2, bias: false), new ReLU(), new LeakyReLU(), new Sigmoid(), new Tanh(), new GELU(), new Softmax(1),
        new Dropout(), new BatchNorm1d(3), new BatchNorm1d(3, affine: false, trackRunningStats: false), new LayerNorm(4),
        new LayerNorm([2, 3], elementwiseAffine: false), new Embedding(5, 2, paddingIdx: 0), new Flatten(),
        new Sequential(new Linear(2, 2), new ReLU()), new ModuleList(new Linear(2, 2), new Tanh()),
        new Conv2d(4, 4, 3, groups: 2), new Conv2d(2, 3, (1, 2), padding: "same", bias: false), new MaxPool2d(2), new AvgPool2d(3, 2, 1),
        new AdaptiveAvgPool2d(1), new BatchNorm2d(3), new BatchNorm2d(3, affine: false, trackRunningStats: false), new Dropout2d(),
        new BasicBlock(4, 8, stride: 2), new BasicBlock(4, 4), ResNet.Cifar(8, inChannels: 1),
        new RNN(3, 4, numLayers: 2, bidirectional: true), new LSTM(3, 4, batchFirst: true), new GRU(3, 4, bias: false), new RNNCell(3, 4),
        new LSTMCell(3, 4), new GRUCell(3, 4),
        new MultiHeadAttention(8, 2), new MultiHeadAttention(8, 2, bias: false, batchFirst: false), new TransformerEncoderLayer(8, 2, 16),
        new TransformerDecoderLayer(8, 2, 16, normFirst: true), new SinusoidalPositionalEncoding(8, 16), new LearnedPositionalEmbedding(16, 8),
        new Gpt(new GptOptions(11, 8, 2, 2, 8)), new Gpt(new GptOptions(11, 8, 1, 2, 8, TiedHead: true)),
        new GptBlock(new GptOptions(11, 8, 1, 2, 8)), new CausalSelfAttention(8, 2), new GptMlp(8, 32),
        new RecurrentLanguageModel(new RecurrentLanguageModelOptions(7, 4, 5, Layers: 2, Dropout: 0.1)),
        new RecurrentLanguageModel(new RecurrentLanguageModelOptions(7, 4, 5, Cell: RecurrentCellKind.Gru)),
        new SharpGrad.Onnx.OnnxModule(SharpGrad.Onnx.OnnxExport.ToGraph(new Sequential(new Linear(3, 2), new BatchNorm1d(2)), 3)),
        WithLoRA(),
    ];

    private static Module WithLoRA()
    {
        var model = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
        LoRA.Apply(model, rank: 2, dropout: 0.1);
        return model;
    }

    [Fact]
    public void EveryModuleTypeIsAudited()
    {
        var types = typeof(Module).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Module)) && !t.IsAbstract).ToHashSet();
        types.ExceptWith(Instances().Select(m => m.GetType()));
        Assert.True(types.Count == 0, "add an instance of these modules to RegistrationAuditTests.Instances: " + string.Join(", ", types.Select(t => t.Name)));
    }

    [Fact]
    public void NoModuleHoldsUnregisteredTensorsOrModules()
    {
        var problems = new List<string>();
        foreach (var module in Instances())
        {
            var registered = new HashSet<object>(ReferenceEqualityComparer.Instance);
            foreach (var (_, p) in module.NamedParameters()) registered.Add(p);
            foreach (var (_, b) in module.NamedBuffers()) registered.Add(b);
            foreach (var c in module.Children()) registered.Add(c);
            for (Type? t = module.GetType(); t is not null && t != typeof(Module); t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    foreach (var value in Holdings(field.GetValue(module)))
                        if (!registered.Contains(value))
                            problems.Add($"{t.Name}.{field.Name} holds an unregistered {value.GetType().Name}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void TheAuditCatchesAnUnregisteredField()
    {
        var sneaky = new Sneaky();
        var registered = sneaky.NamedParameters().Select(p => (object)p.Parameter).ToHashSet(ReferenceEqualityComparer.Instance);
        var held = typeof(Sneaky).GetFields(BindingFlags.Instance | BindingFlags.NonPublic).SelectMany(f => Holdings(f.GetValue(sneaky)));
        Assert.Contains(held, v => !registered.Contains(v));
    }

    private sealed class Sneaky : Module
    {
        private readonly List<Tensor> _hidden = [Tensor.Zeros(2)];
        public override Tensor Forward(Tensor input) => input + _hidden[0];
    }

    /// <summary>The tensors and modules a field value holds: itself, or the elements of an array or list.</summary>
    private static IEnumerable<object> Holdings(object? value)
    {
        if (value is Tensor or Module) { yield return value; yield break; }
        if (value is IEnumerable items and not string)
            foreach (var item in items)
                if (item is Tensor or Module) yield return item;
    }
}
