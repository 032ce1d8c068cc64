using SharpGrad.NN;

namespace SharpGrad.Tests.NN;

public class ModuleTests
{
    /// <summary>A custom module in the documented style: parameters, a buffer and children registered explicitly.</summary>
    private sealed class Block : Module
    {
        public Parameter Scale { get; }
        public Tensor Steps { get; }
        public Linear Fc { get; }
        public BatchNorm1d Bn { get; }

        public Block(Generator g)
        {
            Scale = RegisterParameter("scale", new Parameter(Tensor.Ones(3)));
            Steps = RegisterBuffer("steps", Tensor.Zeros(1));
            Fc = RegisterModule("fc", new Linear(3, 3, generator: g));
            Bn = RegisterModule("bn", new BatchNorm1d(3));
        }

        public override Tensor Forward(Tensor input) => Bn.Forward(Fc.Forward(input)) * Scale;
    }

    private static Sequential Model(ulong seed) => new(new Block(new Generator(seed)), new ReLU(), new Linear(3, 2, generator: new Generator(seed + 1)));

    [Fact]
    public void ParameterIsATensorSharingStorage()
    {
        var data = Tensor.FromArray(new float[] { 1, 2, 3 });
        var p = new Parameter(data);
        Assert.True(p.RequiresGrad);
        Assert.True(p.IsLeaf);
        using (Autograd.NoGrad()) p.Fill(5);
        Assert.Equal([5f, 5f, 5f], data.ToArray()); // same memory
        Tensor y = (p * 2).Sum();                   // ops accept parameters
        y.Backward();
        Assert.Equal([2f, 2f, 2f], p.Grad!.ToArray());
        Assert.False(new Parameter(Tensor.Zeros(2), requiresGrad: false).RequiresGrad);
        Assert.StartsWith("Parameter containing:\n", p.ToString());
        Assert.Throws<DTypeMismatchException>(() => new Parameter(Tensor.Zeros([2], DType.Int64)));
    }

    [Fact]
    public void NamesAreDottedLikePyTorch()
    {
        var m = Model(1);
        Assert.Equal(["0.scale", "0.fc.weight", "0.fc.bias", "0.bn.weight", "0.bn.bias", "2.weight", "2.bias"],
            m.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(["0.steps", "0.bn.running_mean", "0.bn.running_var", "0.bn.num_batches_tracked"], m.NamedBuffers().Select(b => b.Name).ToArray());
        Assert.Equal(["", "0", "0.fc", "0.bn", "1", "2"], m.NamedModules().Select(x => x.Name).ToArray());
        Assert.Equal(["0", "1", "2"], m.NamedChildren().Select(x => x.Name).ToArray());
        Assert.Equal(3, m.Children().Count());
        Assert.IsType<ReLU>(m.Children().ElementAt(1));
        Assert.Equal(["0.scale", "0.steps", "0.fc.weight", "0.fc.bias", "0.bn.weight", "0.bn.bias", "0.bn.running_mean", "0.bn.running_var",
            "0.bn.num_batches_tracked", "2.weight", "2.bias"], m.StateDict().Keys.ToArray());
    }

    [Fact]
    public void SharedModulesAndParametersAreListedOnce()
    {
        var shared = new Linear(2, 2);
        var m = new Sequential(shared, shared);
        Assert.Equal(["0.weight", "0.bias"], m.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(2, m.StateDict().Count);
    }

    [Fact]
    public void RegistrationRejectsBadAndDuplicateNames()
    {
        Assert.Throws<ArgumentException>(() => new BadNames(0));
        Assert.Throws<ArgumentException>(() => new BadNames(1));
        Assert.Throws<ArgumentException>(() => new BadNames(2));
    }

    private sealed class BadNames : Module
    {
        public BadNames(int which)
        {
            switch (which)
            {
                case 0: RegisterParameter("a.b", new Parameter(Tensor.Zeros(1))); break;
                case 1: RegisterParameter("w", new Parameter(Tensor.Zeros(1))); RegisterBuffer("w", Tensor.Zeros(1)); break;
                default: RegisterModule("", new ReLU()); break;
            }
        }

        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void TrainEvalApplyAndZeroGrad()
    {
        var m = Model(2);
        Assert.All(m.Modules(), x => Assert.True(x.Training));
        Assert.Same(m, m.Eval());
        Assert.All(m.Modules(), x => Assert.False(x.Training));
        m.Train();
        Assert.All(m.Modules(), x => Assert.True(x.Training));

        var order = new List<string>();
        m.Apply(x => order.Add(x.GetType().Name));
        Assert.Equal(["Linear", "BatchNorm1d", "Block", "ReLU", "Linear", "Sequential"], order); // children first

        m.Forward(Tensor.Randn(4, 3)).Sum().Backward();
        Assert.All(m.Parameters(), p => Assert.NotNull(p.Grad));
        m.ZeroGrad();
        Assert.All(m.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void FrozenParametersStayInParametersButNotInTrainableCount()
    {
        var m = new Sequential(new Linear(4, 3), new Linear(3, 2));
        ((Linear)m[0]).Weight.RequiresGrad = false;
        Assert.Equal(4, m.Parameters().Count());
        Assert.Equal(12 + 3 + 6 + 2, m.ParameterCount());
        Assert.Equal(3 + 6 + 2, m.ParameterCount(trainableOnly: true));
        m.Eval();
        Assert.False(((Linear)m[0]).Weight.RequiresGrad); // eval does not touch trainability
    }

    [Fact]
    public void StateDictValuesAreDetachedViews()
    {
        var m = new Linear(2, 2);
        var sd = m.StateDict();
        Assert.False(sd["weight"].RequiresGrad);
        Assert.IsNotType<Parameter>(sd["weight"]);
        using (Autograd.NoGrad()) m.Weight.Fill(3);
        Assert.All(sd["weight"].ToArray(), v => Assert.Equal(3f, v)); // a view follows the module
    }

    [Fact]
    public void LoadStateDictCopiesInPlaceAndKeepsReferences()
    {
        var src = Model(3);
        src.Forward(Tensor.Randn([5, 3], new Generator(9))); // moves BatchNorm's running stats
        var dst = Model(4);
        var weightBefore = ((Linear)dst[2]).Weight;
        var result = dst.LoadStateDict(src.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Same(weightBefore, ((Linear)dst[2]).Weight);
        foreach (var (k, v) in src.StateDict()) Assert.Equal(v.To(DType.Float64).ToArray<double>(), dst.StateDict()[k].To(DType.Float64).ToArray<double>());
        Assert.Equal(1.0, dst.StateDict()["0.bn.num_batches_tracked"].Item());
        Assert.True(((Linear)dst[2]).Weight.RequiresGrad);
    }

    [Fact]
    public void LoadStateDictReportsEveryProblemAtOnceAndCopiesNothing()
    {
        var m = new Sequential(new Linear(4, 3), new Linear(3, 1));
        var before = ((Linear)m[0]).Weight.ToArray();
        var sd = new Sequential(new Linear(4, 3), new Linear(3, 1)).StateDict();
        sd.Remove("1.bias");
        sd["0.weight"] = Tensor.Zeros(3, 5);
        sd["extra.weight"] = Tensor.Zeros(1);
        var ex = Assert.Throws<StateDictException>(() => m.LoadStateDict(sd));
        Assert.StartsWith("Error(s) in loading state_dict for Sequential:", ex.Message);
        Assert.Contains("Missing key(s) in state_dict: \"1.bias\".", ex.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"extra.weight\".", ex.Message);
        Assert.Contains("size mismatch for 0.weight: copying a param with shape [3, 5] from checkpoint, the shape in current model is [3, 4].", ex.Message);
        Assert.Equal(["1.bias"], ex.MissingKeys);
        Assert.Equal(["extra.weight"], ex.UnexpectedKeys);
        Assert.Single(ex.ShapeMismatches);
        Assert.Equal(before, ((Linear)m[0]).Weight.ToArray());
    }

    [Fact]
    public void NonStrictLoadReturnsTheKeysThatDidNotMatch()
    {
        var m = new Sequential(new Linear(4, 3), new Linear(3, 1));
        var sd = new Sequential(new Linear(4, 3)).StateDict();
        sd["head.weight"] = Tensor.Zeros(1);
        var result = m.LoadStateDict(sd, strict: false);
        Assert.Equal(["1.weight", "1.bias"], result.MissingKeys);
        Assert.Equal(["head.weight"], result.UnexpectedKeys);
        Assert.Equal(sd["0.weight"].ToArray(), ((Linear)m[0]).Weight.ToArray());
        sd["0.bias"] = Tensor.Zeros(4);
        Assert.Throws<StateDictException>(() => m.LoadStateDict(sd, strict: false)); // shape mismatches fail even when not strict
    }

    [Fact]
    public void ModuleListRegistersItemsAsNumberedChildren()
    {
        var list = new ModuleList(new Linear(2, 2), new ReLU());
        list.Add(new Linear(2, 1));
        Assert.Equal(3, list.Count);
        Assert.IsType<ReLU>(list[1]);
        Assert.IsType<Linear>(list[-1]);
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], list.NamedParameters().Select(p => p.Name).ToArray());
        Assert.Equal(3, list.Count());
        Assert.Throws<NotSupportedException>(() => list.Forward(Tensor.Zeros(1, 2)));
        Assert.Equal("ModuleList(\n  (0): Linear(in_features=2, out_features=2, bias=True)\n  (1): ReLU()\n  (2): Linear(in_features=2, out_features=1, bias=True)\n)", list.ToString());
    }

    [Fact]
    public void ToStringIsATreeLikePyTorch()
    {
        var m = new Sequential(new Linear(4, 3), new ReLU(), new Sequential(new Linear(3, 2), new Dropout(0.1)));
        Assert.Equal("Sequential(\n  (0): Linear(in_features=4, out_features=3, bias=True)\n  (1): ReLU()\n  (2): Sequential(\n" +
            "    (0): Linear(in_features=3, out_features=2, bias=True)\n    (1): Dropout(p=0.1, inplace=False)\n  )\n)", m.ToString());
    }
}
